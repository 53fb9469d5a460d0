package dev.switchboard.store;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

/**
 * Timers for database work that waits for the database to come back. They run on a context of their
 * own: a timer set on the context of a device actor is cancelled when that actor is undeployed, and
 * the writes it retries (other actors' too, batched together) would then never be made.
 */
public final class RetryTimer {

  private final ContextInternal context;

  public RetryTimer(Vertx vertx) {
    this.context = ((VertxInternal) vertx).createEventLoopContext();
  }

  /** Runs {@code task} after {@code delayMs}, whatever happens meanwhile to the context that asked. */
  public void after(long delayMs, Runnable task) {
    context.setTimer(Math.max(1, delayMs), id -> task.run());
  }
}
