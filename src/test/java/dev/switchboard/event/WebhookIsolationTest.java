package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One client's hung endpoint does not hold up another client's deliveries. */
class WebhookIsolationTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode();

  @Test
  void aHungReceiverOfOneClientDoesNotDelayAnotherClientsFiftyEvents() {
    try (Api simControl = EventKit.simControl(bed.sim()); Receiver hung = new Receiver(); Receiver fast = new Receiver()) {
      hung.answer(hit -> null);
      String a = bed.api().clientWithKey("slow-co");
      String b = bed.api().clientWithKey("fast-co");
      EventKit.link(bed.api(), bed.sim(), a, "slow-co", "d", "15552210001");
      EventKit.link(bed.api(), bed.sim(), b, "fast-co", "d", "15552220001");
      JsonObject onlyMessages = new JsonObject().put("device_status", false).put("receipt", false);
      EventKit.configure(bed.api(), a, "slow-co", new JsonObject().put("webhookUrl", hung.url()).put("events", onlyMessages));
      EventKit.configure(bed.api(), b, "fast-co", new JsonObject().put("webhookUrl", fast.url()).put("events", onlyMessages));

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
    }
  }
}
