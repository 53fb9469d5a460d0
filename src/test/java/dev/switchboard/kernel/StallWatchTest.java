package dev.switchboard.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A busy event loop is not a frozen process: the watch runs on a thread of its own. */
class StallWatchTest {

  @Test
  void anEventLoopBusyForSecondsIsNotAStall() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (StallWatch watch = new StallWatch("test-stall-watch")) {
      CountDownLatch done = new CountDownLatch(1);
      long[] late = new long[1];
      io.vertx.core.Context loop = vertx.getOrCreateContext();
      long scheduled = System.nanoTime();
      // A timer queued behind 3 s of work on the same loop comes 3 s late, as a reconcile tick did.
      loop.runOnContext(v -> {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < end) {
          Thread.onSpinWait();
        }
      });
      loop.runOnContext(v -> {
        late[0] = (System.nanoTime() - scheduled) / 1_000_000;
        done.countDown();
      });
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertTrue(late[0] >= 2_900, "the loop was busy: " + late[0] + " ms");
      long stall = watch.longestStallMs();
      assertTrue(stall < 1_000, "the process never stood still: " + stall + " ms");
    } finally {
      vertx.close().await();
    }
  }
}
