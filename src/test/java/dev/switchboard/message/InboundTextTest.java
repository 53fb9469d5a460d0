package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whatever text a person sends is in the device's history exactly as sent. */
class InboundTextTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode();

  @Test
  void aMessageWithNulBytesIsInTheHistoryAsSent() {
    String key = bed.api().clientWithKey("txt");
    Devices.link(bed.api(), bed.sim(), key, "txt", "d", "15556660001");
    String text = "before\u0000after \u0000\u0000 end";
    String id = bed.sim().send("15556669999", new JsonObject().put("to", "15556660001").put("text", text));
    JsonObject stored = Wait.until("message " + id + " in the history", 10_000, () -> {
      JsonArray items = bed.api().get("/api/clients/txt/devices/d/chats/15556669999/messages", key).data().getJsonArray("items");
      return items.stream().map(o -> (JsonObject) o).filter(m -> id.equals(m.getString("messageId"))).findFirst()
          .orElse(null);
    }, m -> m != null);
    assertEquals(text, stored.getJsonObject("content").getString("text"));
  }
}
