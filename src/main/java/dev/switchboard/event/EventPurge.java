package dev.switchboard.event;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes, every hour, the events older than the retention that no pending delivery needs, with
 * their deliveries. Every node runs one; when two run at once, one waits for rows the other deletes
 * and finds them gone, which is harmless.
 */
public final class EventPurge extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(EventPurge.class);
  static final int RETENTION_DAYS = 7;
  static final long PERIOD_MS = 3_600_000;
  /**
   * Events deleted per statement; the purge repeats statements until none is left, so it keeps up
   * with any rate of events, while each transaction's locks and write-ahead log stay small.
   */
  static final int PURGE_BATCH = 10_000;

  private final Pool pool;
  private long timer = -1;
  private boolean purging;

  public EventPurge(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(PERIOD_MS, id -> purge());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void purge() {
    if (purging) {
      return;
    }
    purging = true;
    EventRepository.purge(pool, RETENTION_DAYS, PURGE_BATCH)
        .onComplete(ar -> purging = false)
        .onSuccess(n -> {
          if (n > 0) {
            log.info("Purged {} event(s) older than {} days", n, RETENTION_DAYS);
          }
        })
        .onFailure(e -> log.warn("Purging old events failed: {}", e.toString()));
  }
}
