package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bound on connection attempts a node makes at once: waiting attempts start as places are given back. */
class OpeningsTest {

  @Test
  void attemptsBeyondTheBoundWaitForAPlaceAndAPlaceIsGivenBackOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      Openings openings = new Openings(2);
      List<Runnable> held = new CopyOnWriteArrayList<>();
      CountDownLatch third = new CountDownLatch(1);
      CountDownLatch fourth = new CountDownLatch(1);
      openings.whenFree(context, held::add);
      openings.whenFree(context, held::add);
      openings.whenFree(context, free -> {
        held.add(free);
        third.countDown();
      });
      openings.whenFree(context, free -> {
        held.add(free);
        fourth.countDown();
      });
      assertEquals(2, held.size(), "two places, two attempts under way");
      assertEquals(2, openings.waiting());

      Runnable first = held.get(0);
      first.run();
      first.run();
      assertTrue(third.await(5, TimeUnit.SECONDS), "the third starts once a place is given back");
      assertEquals(1, fourth.getCount(), "giving the same place back twice frees it once");
      assertEquals(1, openings.waiting());

      held.get(1).run();
      assertTrue(fourth.await(5, TimeUnit.SECONDS));
      assertEquals(0, openings.waiting());
    } finally {
      vertx.close().await();
    }
  }
}
