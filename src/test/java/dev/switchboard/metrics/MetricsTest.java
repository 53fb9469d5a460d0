package dev.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.event.Receiver;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: the master key's Prometheus scrape, whose counters follow the traffic exactly. */
class MetricsTest {

  static final String SENT = "switchboard_messages_sent_total";
  static final String RECEIVED = "switchboard_messages_received_total";
  static final String DELIVERED = "switchboard_webhook_deliveries_total{outcome=\"delivered\"}";

  @Test
  void theCountersMoveByExactlyTheSendsInboundMessagesAndWebhookDeliveries() throws Exception {
    try (Sim sim = new Sim(20_000); Receiver receiver = new Receiver()) {
      Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url(), "--send-rate", "0"));
      try (Api api = new Api(node.httpPort())) {
        String key = api.clientWithKey("obs");
        Devices.link(api, sim, key, "obs", "d", "15557770001");
        // Only inbound messages go to the webhook: one delivery per inbound message.
        JsonObject events = new JsonObject();
        for (String e : List.of("message_sent", "receipt", "reaction", "presence_update", "group_update",
            "group_participants_update", "call", "device_status")) {
          events.put(e, false);
        }
        api.put("/api/clients/obs/config", TestNode.MASTER, new JsonObject().put("webhookUrl", receiver.url())
            .put("events", events.put("message", true)));
        String before = scrape(api);

        int sends = 7;
        int inbound = 4;
        for (int i = 0; i < sends; i++) {
          assertEquals(202, api.post("/api/clients/obs/devices/d/messages/text", key,
              new JsonObject().put("to", "15557770002").put("text", "out " + i)).status());
        }
        for (int i = 0; i < inbound; i++) {
          sim.send("15557770003", new JsonObject().put("to", "15557770001").put("text", "in " + i));
        }
        Wait.until("the counters", 20_000, () -> scrape(api), text -> value(text, SENT) - value(before, SENT) >= sends
            && value(text, RECEIVED) - value(before, RECEIVED) >= inbound
            && value(text, DELIVERED) - value(before, DELIVERED) >= inbound);
        Thread.sleep(500);
        String after = scrape(api);
        assertEquals(sends, value(after, SENT) - value(before, SENT), 0.0);
        assertEquals(inbound, value(after, RECEIVED) - value(before, RECEIVED), 0.0);
        assertEquals(inbound, value(after, DELIVERED) - value(before, DELIVERED), 0.0);
        assertEquals(inbound, receiver.hits("message").size());
        assertEquals(0, value(after, "switchboard_messages_failed_total"), 0.0);
        assertTrue(value(after, "switchboard_webhook_latency_seconds_count") >= inbound, after);
        for (String family : List.of("jvm_memory_used_bytes", "vertx_http_server_requests_total",
            "vertx_eventbus_", "vertx_pool_", "switchboard_devices{status=\"CONNECTED\"}", "switchboard_outbox_depth",
            "switchboard_webhook_backlog", "switchboard_device_reconnects_total", "switchboard_requests_rate_limited_total")) {
          assertTrue(after.contains(family), family + " missing from the scrape");
        }
        assertTrue(!after.contains("obs"), "no meter is labelled with a client");
        // Every metric the Grafana dashboard charts is one the node exports.
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("deploy/grafana/switchboard.json"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("([a-z][a-z0-9_]+)\\{job").matcher(dashboard);
        int charted = 0;
        while (names.find()) {
          if (names.group(1).equals("up")) {
            continue; // Prometheus's own
          }
          charted++;
          assertTrue(after.contains("\n" + names.group(1)) || after.contains(names.group(1) + "{"),
              "the dashboard charts " + names.group(1) + ", which the scrape lacks");
        }
        assertTrue(charted > 10, "the dashboard's queries were read: " + charted);
        // The client's stats count the same traffic, from the database (written within a second).
        JsonObject day = Wait.until("the stats written", 10_000, () -> {
          io.vertx.core.json.JsonArray days = api.get("/api/clients/obs/stats?bucket=day", key).data().getJsonArray("items");
          return days.getJsonObject(days.size() - 1);
        }, d -> d.getLong("webhookDelivered") >= inbound && d.getLong("sent") >= sends);
        assertEquals(sends, day.getLong("sent"));
        assertEquals(inbound, day.getLong("received"));
        assertEquals(inbound, day.getLong("webhookDelivered"));
        assertEquals(0, day.getLong("webhookFailed"));
      } finally {
        TestNode.stop(node);
      }
    }
  }

  @Test
  void withoutTheMasterKeyTheScrapeIsRefused() {
    Node node = TestNode.start(TestDatabase.newDatabase());
    try (Api api = new Api(node.httpPort())) {
      assertEquals(401, api.get("/metrics", null).status());
      assertEquals(401, api.get("/metrics", "sb_not-a-key").status());
      String key = api.clientWithKey("other");
      assertEquals(403, api.get("/metrics", key).status());
    } finally {
      TestNode.stop(node);
    }
  }

  static String scrape(Api api) {
    Api.Response r = api.get("/metrics", TestNode.MASTER);
    assertEquals(200, r.status(), r.toString());
    assertTrue(r.headers().get("content-type").startsWith("text/plain"), r.headers().get("content-type"));
    return r.body().toString();
  }

  /** The sample of one series ({@code name} or {@code name{labels}}), 0 when absent. */
  static double value(String text, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
