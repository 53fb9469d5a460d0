package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Whatever text a person sends is in the device's history exactly as sent. */
class InboundTextTest {

  @Test
  void aMessageWithNulBytesIsInTheHistoryAsSent() {
    try (Sim sim = new Sim(20_000)) {
      Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url()));
      try (Api api = new Api(node.httpPort())) {
        String key = api.clientWithKey("txt");
        Devices.link(api, sim, key, "txt", "d", "15556660001");
        String text = "before\u0000after \u0000\u0000 end";
        String id = sim.send("15556669999", new JsonObject().put("to", "15556660001").put("text", text));
        JsonObject stored = Wait.until("message " + id + " in the history", 10_000, () -> {
          JsonArray items = api.get("/api/clients/txt/devices/d/chats/15556669999/messages", key).data().getJsonArray("items");
          return items.stream().map(o -> (JsonObject) o).filter(m -> id.equals(m.getString("messageId"))).findFirst()
              .orElse(null);
        }, m -> m != null);
        assertEquals(text, stored.getJsonObject("content").getString("text"));
      } finally {
        TestNode.stop(node);
      }
    }
  }
}
