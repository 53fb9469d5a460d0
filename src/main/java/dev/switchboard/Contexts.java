package dev.switchboard;

import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * Results go back to the Vert.x context that asked, wherever they completed. A Vert.x future calls
 * back on the context that created it, so a future shared between contexts (a cached lookup) or made
 * elsewhere (a store's, an engine's) would run the asker's next step on another thread.
 */
public final class Contexts {

  private Contexts() {
  }

  /** {@code result}, called back on {@code ctx}; at once when it is already complete and ctx is current. */
  public static <T> Future<T> onContext(Context ctx, Future<T> result) {
    return Future.fromCompletionStage(result.toCompletionStage(), ctx);
  }
}
