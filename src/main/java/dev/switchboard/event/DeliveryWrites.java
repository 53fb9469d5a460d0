package dev.switchboard.event;

import dev.switchboard.event.EventRepository.Delivery;
import dev.switchboard.event.EventRepository.Outcome;
import dev.switchboard.store.GroupCommit;
import dev.switchboard.store.RetryTimer;
import dev.switchboard.store.UsageRollup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dispatcher writes back to its claimed rows, group committed: the outcomes of attempts
 * (one UPDATE per batch) and the release of rows it will not post (one UPDATE per hand-over). One
 * statement of each kind is under way at a time. While the database cannot be reached both wait for
 * it and are written once it is back, within the rows' lease, so a delivered event is not posted
 * again; at a shutdown they stop waiting. A write that fails anyway leaves its rows claimed until
 * the lease ends, and they are then posted again: at least once.
 */
final class DeliveryWrites {

  private static final Logger log = LoggerFactory.getLogger(DeliveryWrites.class);
  static final int OUTCOMES_PER_STATEMENT = 1_000;
  /** Rows per release: a hand-over is at most what the dispatcher holds, so it is one statement. */
  static final int RELEASES_PER_STATEMENT = WebhookDispatcher.MAX_LOCAL;
  /** Writes held while the database is out of reach; the dispatcher holds at most MAX_LOCAL rows. */
  private static final int MAX_WAITING = 100_000;

  private final GroupCommit<Outcome, Void> outcomes;
  private final GroupCommit<List<Delivery>, Void> releases;

  /** Outcomes go to {@code outcomePool}, whose commits need not wait for the disk ({@link EventService#outcomes()}). */
  DeliveryWrites(Vertx vertx, Pool pool, Pool outcomePool, UsageRollup usage) {
    RetryTimer retries = new RetryTimer(vertx);
    this.outcomes = GroupCommit.of("webhook outcomes", 1, OUTCOMES_PER_STATEMENT, MAX_WAITING,
        GroupCommit.each(batch -> EventRepository.complete(outcomePool, batch, DeliveryAttempts.RETRY_WINDOW_SECONDS, usage),
            (v, o) -> null));
    this.releases = new GroupCommit<>("webhook releases", 1, RELEASES_PER_STATEMENT, MAX_WAITING, List::size,
        GroupCommit.each(batch -> EventRepository.release(pool, batch.stream().flatMap(List::stream).toList()),
            (v, d) -> null));
    outcomes.retryWhileUnreachable(retries);
    releases.retryWhileUnreachable(retries);
  }

  void record(Outcome o) {
    outcomes.submit(o).onFailure(e -> log.warn("Recording the outcome of webhook delivery {} failed: {}", o.id(), e.toString()));
  }

  /** Frees the rows for the next claim, this node's or another's. */
  void release(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    releases.submit(deliveries).onFailure(e -> log.warn("Releasing {} webhook deliveries failed: {}", deliveries.size(),
        e.toString()));
  }

  /** For a shutdown: writes what is waiting, without waiting for a database that cannot be reached. */
  Future<Void> stop() {
    outcomes.stopRetrying();
    releases.stopRetrying();
    return Future.join(outcomes.flush(), releases.flush()).mapEmpty();
  }
}
