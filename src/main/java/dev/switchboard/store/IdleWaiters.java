package dev.switchboard.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Callers waiting for a batching writer to have nothing left to write (a graceful shutdown's flush).
 * Not thread-safe on its own: {@link #whenIdle} and {@link #becameIdle} are called under the writer's lock,
 * and what {@link #becameIdle} returns is run after the lock is released.
 */
public final class IdleWaiters {

  private List<Promise<Void>> waiting = new ArrayList<>();

  /** Completes at once if the writer is {@code idle}, else at its next {@link #becameIdle}. */
  public Future<Void> whenIdle(boolean idle) {
    if (idle) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    waiting.add(promise);
    return promise.future();
  }

  /** The writer has just become idle: what completes the waiters, to run outside the lock. */
  public Runnable becameIdle() {
    List<Promise<Void>> done = waiting;
    waiting = new ArrayList<>();
    return () -> done.forEach(Promise::tryComplete);
  }
}
