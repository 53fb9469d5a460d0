package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client's cached rate limit answers each caller on the caller's own event loop. */
class ClientLimitsTest {

  @RegisterExtension
  final TestBed bed = TestBed.database().withPool(2);

  @BeforeEach
  void start() {
    TestNode.await(bed.pool().query("INSERT INTO clients (client_id, webhook_secret, rate_limit_per_minute) VALUES ('lim', 's', 42)").execute());
  }

  @Test
  void aLimitLoadedOnOneEventLoopIsAnsweredOnTheLoopThatAsksNext() {
    ClientLimits limits = new ClientLimits(bed.pool());
    Context loader = newEventLoop();
    Context asker = newEventLoop();
    assertEquals(42, TestNode.await(on(loader, () -> limits.of("lim"))));
    String[] threads = new String[2];
    int again = TestNode.await(on(asker, () -> {
      threads[0] = Thread.currentThread().getName();
      return limits.of("lim").map(limit -> {
        threads[1] = Thread.currentThread().getName();
        return limit;
      });
    }));
    assertEquals(42, again, "the cached limit");
    assertNotEquals(loaderThread(loader), threads[0], "the two callers are on different event loops");
    assertEquals(threads[0], threads[1], "called back on the asker's loop, not the loader's");
  }

  /** The context of a verticle of its own: each one deployed gets the next event loop. */
  private Context newEventLoop() {
    Context[] found = new Context[1];
    TestNode.await(bed.vertx().deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        found[0] = context;
        return Future.succeededFuture();
      }
    }));
    return found[0];
  }

  private static <T> Future<T> on(Context context, java.util.function.Supplier<Future<T>> call) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(result));
    return result.future();
  }

  private static String loaderThread(Context loader) {
    return TestNode.await(on(loader, () -> Future.succeededFuture(Thread.currentThread().getName())));
  }
}
