package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.switchboard.outbound.UrlGuard;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With SWITCHBOARD_ALLOW_PRIVATE_URLS=false, webhooks never reach loopback or private addresses. */
class UnsafeWebhookTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode("--allow-private-urls", "false");

  @Test
  void privateAddressesAreRefusedWhenSetAndAgainWhenAHostResolvesToOne() throws Exception {
    String host = InetAddress.getLocalHost().getHostName();
    assumeFalse(UrlGuard.isPublic(InetAddress.getByName(host)), "needs a host name that resolves to a private address");
    try (Api simControl = EventKit.simControl(bed.sim()); Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("ssrf");
      Api.Response literal = bed.api().put("/api/clients/ssrf/config", key, new JsonObject().put("webhookUrl", receiver.url()));
      assertEquals(422, literal.status(), literal.toString());
      assertEquals("UNSAFE_URL", literal.errorCode());

      // A name is accepted when set (it may not resolve yet), and checked on every delivery against its address.
      String named = "http://" + host + ":" + receiver.port() + "/hooks";
      EventKit.configure(bed.api(), key, "ssrf", new JsonObject().put("webhookUrl", named));
      EventKit.link(bed.api(), bed.sim(), key, "ssrf", "d", "15553310001");
      EventKit.say(simControl, "15553319999", "15553310001", "hello");
      JsonObject d = Wait.until("a refused attempt", 10_000, () -> bed.api().get("/api/clients/ssrf/webhook-deliveries", key)
          .data().getJsonArray("items").stream().map(o -> (JsonObject) o)
          .filter(o -> "message".equals(o.getString("event")) && o.getInteger("attempts") >= 1).findFirst().orElse(null),
          x -> x != null);
      assertEquals("pending", d.getString("status"), "refused attempts are retried: DNS may change");
      assertTrue(d.getString("lastError").startsWith("UNSAFE_URL"), d.toString());
      assertEquals(List.of(), receiver.hits(), "nothing reached the private address");
    }
  }
}
