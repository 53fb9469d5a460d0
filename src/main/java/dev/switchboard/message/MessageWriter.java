package dev.switchboard.message;

import dev.switchboard.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for sends: requests that arrive while a batch is being written wait for the next
 * one, so under load one INSERT commits hundreds of messages and a lone request is written at once.
 * Each request's future completes after its rows are committed, with the ids that were stored
 * (none when its device does not exist or is logged out).
 */
public final class MessageWriter {

  private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);
  static final int MAX_BATCH_ROWS = 2_000;
  static final int MAX_IN_FLIGHT = 2;
  static final int MAX_WAITING_ROWS = 50_000;

  private record Pending(List<MessageRepository.Draft> drafts, Promise<Set<String>> done) {
  }

  private final Pool pool;
  private final Queue<Pending> waiting = new ArrayDeque<>();
  private int waitingRows;
  private int inFlight;

  private long batches;
  private long written;
  private long nanos;
  private long reportedAt = System.currentTimeMillis();

  /** Every minute, at debug level: how well group commit is working (rows per batch, time per batch). */
  private synchronized void stats(int rows, long took) {
    batches++;
    written += rows;
    nanos += took;
    long now = System.currentTimeMillis();
    if (now - reportedAt >= 60_000) {
      log.debug("Sends written: {} rows in {} batches ({} rows/batch, {} ms/batch)", written, batches,
          written / Math.max(1, batches), nanos / 1_000_000 / Math.max(1, batches));
      batches = 0;
      written = 0;
      nanos = 0;
      reportedAt = now;
    }
  }

  public MessageWriter(Pool pool) {
    this.pool = pool;
  }

  public synchronized Future<Set<String>> write(List<MessageRepository.Draft> drafts) {
    if (waitingRows + drafts.size() > MAX_WAITING_ROWS) {
      return Future.failedFuture(ApiException.unavailable("the gateway is writing too many sends right now", 1));
    }
    Promise<Set<String>> done = Promise.promise();
    waiting.add(new Pending(drafts, done));
    waitingRows += drafts.size();
    flush();
    return done.future();
  }

  private synchronized void flush() {
    while (inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()) {
      List<Pending> batch = new ArrayList<>();
      List<MessageRepository.Draft> rows = new ArrayList<>();
      while (!waiting.isEmpty() && (rows.isEmpty() || rows.size() + waiting.peek().drafts().size() <= MAX_BATCH_ROWS)) {
        Pending p = waiting.poll();
        waitingRows -= p.drafts().size();
        batch.add(p);
        rows.addAll(p.drafts());
      }
      inFlight++;
      long t0 = System.nanoTime();
      MessageRepository.insert(pool, rows).onComplete(ar -> {
        stats(rows.size(), System.nanoTime() - t0);
        if (ar.succeeded()) {
          Set<String> stored = new HashSet<>(ar.result());
          batch.forEach(p -> p.done().complete(stored));
        } else if (batch.size() > 1) {
          // One bad request (a device deleted meanwhile) must not fail the others: write each alone.
          log.debug("Batch of {} sends failed ({}); writing them one by one", batch.size(), ar.cause().getMessage());
          batch.forEach(p -> MessageRepository.insert(pool, p.drafts())
              .onSuccess(ids -> p.done().complete(new HashSet<>(ids)))
              .onFailure(p.done()::fail));
        } else {
          batch.get(0).done().fail(ar.cause());
        }
        synchronized (this) {
          inFlight--;
        }
        flush();
      });
    }
  }
}
