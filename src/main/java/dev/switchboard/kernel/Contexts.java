package dev.switchboard.kernel;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Results go back to the Vert.x context that asked, wherever they completed. A Vert.x future calls
 * back on the context that created it, so a future shared between contexts (a cached lookup) or made
 * elsewhere (a store's, an engine's) would run the asker's next step on another thread.
 */
public final class Contexts {

  private Contexts() {
  }

  /**
   * Runs {@code action} on {@code ctx} (at once when ctx is current), so that state owned by that
   * context is only touched there, whichever thread asks.
   */
  public static <T> Future<T> runOn(Context ctx, Supplier<Future<T>> action) {
    if (Vertx.currentContext() == ctx) {
      return action.get();
    }
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  /** {@code result}, called back on {@code ctx}; at once when it is already complete and ctx is current. */
  public static <T> Future<T> onContext(Context ctx, Future<T> result) {
    return Future.fromCompletionStage(result.toCompletionStage(), ctx);
  }
}
