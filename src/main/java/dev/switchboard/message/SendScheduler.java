package dev.switchboard.message;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on every node: each second it queues the scheduled messages that are due (SKIP LOCKED, so
 * nodes share the work without doing it twice) and wakes their devices; every few seconds it wakes
 * devices whose messages have waited too long (a wake-up lost while a device moved); hourly it
 * forgets expired idempotency keys.
 */
public final class SendScheduler extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SendScheduler.class);
  static final long TICK_MS = 1_000;
  static final int SWEEP_EVERY_TICKS = 5;
  static final int PURGE_EVERY_TICKS = 3_600;

  private final Pool pool;
  private final Devices devices;
  private long timer = -1;
  private long ticks;
  private boolean busy;

  public SendScheduler(Pool pool, Devices devices) {
    this.pool = pool;
    this.devices = devices;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(TICK_MS, id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void tick() {
    if (busy) {
      return;
    }
    busy = true;
    long n = ++ticks;
    Future<List<String[]>> due = MessageRepository.promoteDue(pool, 5_000);
    Future<List<String[]>> stuck = n % SWEEP_EVERY_TICKS == 0 ? MessageRepository.waiting(pool, 5, 5_000)
        : Future.succeededFuture(List.of());
    Future<Integer> purged = n % PURGE_EVERY_TICKS == 0 ? Idempotency.purge(pool) : Future.succeededFuture(0);
    Future.join(due, stuck, purged).onComplete(ar -> {
      busy = false;
      Set<String> woken = new HashSet<>();
      for (Future<List<String[]>> f : List.of(due, stuck)) {
        if (f.succeeded()) {
          f.result().forEach(d -> {
            if (woken.add(d[0] + "/" + d[1])) {
              devices.wake(d[0], d[1]);
            }
          });
        } else {
          log.warn("Send scheduler: {}", f.cause().getMessage());
        }
      }
      if (due.succeeded() && !due.result().isEmpty()) {
        log.info("Queued {} scheduled message(s) that came due", due.result().size());
      }
    });
  }
}
