package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The events of one message come in the order things happened to it: message_sent before its receipts. */
class EventOrderTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode("--send-rate", "0");

  static final int MESSAGES = 150;

  @Test
  void messageSentAlwaysComesBeforeTheMessagesReceipts() {
    Vertx vertx = Vertx.vertx();
    try (Api simControl = EventKit.simControl(bed.sim()); Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("order");
      bed.api().put("/api/clients/order/config", key, new JsonObject().put("rateLimitPerMinute", 100_000));
      EventKit.configure(bed.api(), key, "order", new JsonObject().put("webhookUrl", receiver.url()));
      EventKit.link(bed.api(), bed.sim(), key, "order", "d", "15558880001");
      String bob = "15558889999";
      assertEquals(200, simControl.post("/sim/phones/" + bob + "/auto-receipts", null,
          new JsonObject().put("delivered", true).put("read", true)).status());

      List<JsonObject> frames = new CopyOnWriteArrayList<>();
      WebSocketClient ws = vertx.createWebSocketClient();
      WebSocket socket = TestNode.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(bed.node().httpPort()).setURI("/api/events/ws").addHeader("x-api-key", key)));
      socket.textMessageHandler(t -> frames.add(new JsonObject(t)));

      List<String> ids = new ArrayList<>();
      for (int i = 0; i < MESSAGES; i++) {
        Api.Response r = bed.api().post("/api/clients/order/devices/d/messages/text", key,
            new JsonObject().put("to", bob).put("text", "m" + i));
        assertEquals(202, r.status(), r.toString());
        ids.add(r.data().getString("messageId"));
      }
      Wait.until("a message_sent and two receipts for each message", 30_000, () -> byMessage(frames),
          m -> ids.stream().allMatch(id -> m.getOrDefault(id, List.of()).size() == 3));
      Map<String, List<String>> seen = byMessage(frames);
      for (String id : ids) {
        List<String> order = seen.get(id);
        assertEquals("message_sent", order.get(0), id + ": " + order);
        assertTrue(order.subList(1, 3).stream().allMatch(e -> e.startsWith("receipt")), id + ": " + order);
      }
    } finally {
      vertx.close();
    }
  }

  /** For each message id, its message_sent and receipt events in the order the feed delivered them. */
  private static Map<String, List<String>> byMessage(List<JsonObject> frames) {
    Map<String, List<String>> out = new HashMap<>();
    for (JsonObject f : frames) {
      String event = f.getString("event");
      if ("message_sent".equals(event) || "receipt".equals(event)) {
        String label = "receipt".equals(event) ? "receipt " + f.getJsonObject("data").getString("status") : event;
        out.computeIfAbsent(f.getJsonObject("data").getString("messageId"), k -> new ArrayList<>()).add(label);
      }
    }
    return out;
  }
}
