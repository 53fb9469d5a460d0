package dev.switchboard.engine;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Engine results go back to the Vert.x context that asked (the device actor's), wherever they completed. */
public final class Contexts {

  private Contexts() {
  }

  public static <T> Future<T> onContext(Context ctx, Future<T> result) {
    if (Vertx.currentContext() == ctx) {
      return result;
    }
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> result.onComplete(p));
    return p.future();
  }
}
