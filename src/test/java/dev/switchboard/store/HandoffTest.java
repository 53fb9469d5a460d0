package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each task runs on its own context, in the order added, and nothing of an event loop's runs before it is handed over. */
class HandoffTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    // One event loop: every event-loop context below shares its thread, the case the hand-off batches.
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void everyTaskRunsOnItsOwnContextInTheOrderAdded() throws Exception {
    VertxInternal internal = (VertxInternal) vertx;
    ContextInternal a = internal.createEventLoopContext();
    ContextInternal b = internal.createEventLoopContext();
    ContextInternal duplicate = a.duplicate();
    ContextInternal worker = internal.createWorkerContext();
    List<Context> contexts = List.of(a, b, duplicate, a, worker, b);
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(contexts.size() + 1);
    AtomicInteger ranBeforeHandover = new AtomicInteger(-1);
    // Added from a third context on the same thread, as a batch's answer arrives on a pool's context.
    internal.createEventLoopContext().runOnContext(v -> {
      Handoff handoff = new Handoff();
      for (int i = 0; i < contexts.size(); i++) {
        int n = i;
        Context expected = contexts.get(i);
        handoff.add(expected, () -> {
          if (Vertx.currentContext() != expected) {
            wrong.add("task " + n + " ran on " + Vertx.currentContext());
          }
          ran.add(String.valueOf(n));
          done.countDown();
        });
      }
      handoff.add(null, () -> {
        // The worker's task (4) runs on a thread of its own and may come first; count only the loop's.
        synchronized (ran) {
          ranBeforeHandover.set((int) ran.stream().filter(n -> !n.equals("4")).count());
        }
        done.countDown();
      });
      handoff.run();
    });
    assertTrue(done.await(10, TimeUnit.SECONDS), "every task ran");
    assertEquals(List.of(), wrong);
    assertEquals(0, ranBeforeHandover.get(), "a task without a context runs at once, the event loop's later");
    List<String> onTheLoop = new ArrayList<>(ran);
    onTheLoop.remove("4");
    assertEquals(List.of("0", "1", "2", "3", "5"), onTheLoop, "the event loop's tasks keep their order");
  }
}
