package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One client's hung endpoint does not hold up another client's deliveries. */
@ExtendWith(VertxExtension.class)
class WebhookIsolationTest {

  @Test
  void aHungReceiverOfOneClientDoesNotDelayAnotherClientsFiftyEvents() {
    try (Sim sim = new Sim(20_000); Api simControl = EventKit.simControl(sim);
        Receiver hung = new Receiver(); Receiver fast = new Receiver()) {
      Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url()));
      try (Api api = new Api(node.httpPort())) {
        hung.answer(hit -> null);
        String a = api.clientWithKey("slow-co");
        String b = api.clientWithKey("fast-co");
        EventKit.link(api, sim, a, "slow-co", "d", "15552210001");
        EventKit.link(api, sim, b, "fast-co", "d", "15552220001");
        JsonObject onlyMessages = new JsonObject().put("device_status", false).put("receipt", false);
        EventKit.configure(api, a, "slow-co", new JsonObject().put("webhookUrl", hung.url()).put("events", onlyMessages));
        EventKit.configure(api, b, "fast-co", new JsonObject().put("webhookUrl", fast.url()).put("events", onlyMessages));

        for (int i = 0; i < 200; i++) {
          EventKit.say(simControl, "15552219999", "15552210001", "to the hung endpoint " + i);
        }
        Wait.until("the hung endpoint holding its full concurrency", 10_000, hung::hits, l -> l.size() >= 16);

        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) {
          EventKit.say(simControl, "15552229999", "15552220001", "to the fast endpoint " + i);
        }
        List<Receiver.Hit> got = Wait.until("50 events at the fast endpoint", 5_000, () -> fast.hits("message"),
            l -> l.size() == 50);
        double seconds = (got.get(49).receivedAtNanos() - t0) / 1e9;
        assertTrue(seconds < 3, "the fast client's 50 events took " + seconds + " s");
        assertEquals(50, got.stream().map(h -> h.headers().get("webhook-id")).distinct().count());
        assertEquals(16, hung.hits().size(), "the hung endpoint holds at most its concurrency limit in flight");
      } finally {
        TestNode.stop(node);
      }
    }
  }
}
