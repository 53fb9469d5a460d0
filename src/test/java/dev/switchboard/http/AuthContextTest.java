package dev.switchboard.http;

import dev.switchboard.kernel.Principal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A route goes on on its request's event loop after authentication, wherever the credential's lookup
 * completed: cached lookups are shared by requests on every loop, and a handler that runs on another
 * loop than its connection's writes to it from the wrong thread (a live feed's frames then queue up
 * between the two loops and a burst looks like a subscriber too slow to keep up).
 */
class AuthContextTest {

  @Test
  void theRouteGoesOnOnTheRequestsEventLoopWhenTheLookupCompletesOnAnother() {
    Vertx vertx = Vertx.vertx();
    try {
      Context elsewhere = vertx.getOrCreateContext();
      Auth auth = new Auth(credential -> {
        Promise<Principal> resolved = Promise.promise();
        elsewhere.runOnContext(v -> resolved.complete(Principal.MASTER));
        return resolved.future();
      });
      String[] threads = new String[3];
      HttpServer[] server = new HttpServer[1];
      TestNode.await(vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          Router router = Router.router(vertx);
          router.route().handler(ctx -> {
            threads[0] = Thread.currentThread().getName();
            ctx.next();
          });
          router.route().handler(auth.require(Access.ANY));
          router.route().handler(ctx -> {
            threads[1] = Thread.currentThread().getName();
            ctx.response().end("ok");
          });
          server[0] = vertx.createHttpServer().requestHandler(router);
          return server[0].listen(0);
        }
      }));
      elsewhere.runOnContext(v -> threads[2] = Thread.currentThread().getName());
      try (Api api = new Api(server[0].actualPort())) {
        assertEquals(200, api.get("/anything", "any-credential").status());
      }
      assertNotEquals(threads[0], threads[2], "the lookup completes on another event loop than the request's");
      assertEquals(threads[0], threads[1], "the route went on on the request's event loop: " + Arrays.toString(threads));
    } finally {
      TestNode.await(vertx.close());
    }
  }
}
