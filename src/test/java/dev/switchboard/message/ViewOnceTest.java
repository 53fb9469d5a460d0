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
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** View-once image, video and audio reach the person flagged, and a person's view-once photo arrives flagged. */
class ViewOnceTest {

  private static final String D = "/api/clients/vo/devices/d";
  private static final String PHONE = "15558883000";
  private static final String BOB = "15558883111";

  @Test
  void viewOnceMediaIsFlaggedBothWays() {
    try (Sim sim = new Sim(20_000)) {
      Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url(), "--send-rate", "0"));
      try (Api api = new Api(node.httpPort())) {
        String key = api.clientWithKey("vo");
        Devices.link(api, sim, key, "vo", "d", PHONE);
        byte[] png = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        Api.Response uploaded = api.callRaw(io.vertx.core.http.HttpMethod.POST, D + "/media", key,
            MessagingTest.multipart("pixel.png", "image/png", png), MessagingTest.multipartHeaders());
        assertEquals(201, uploaded.status(), uploaded.toString());
        String mediaId = uploaded.data().getString("mediaId");
        for (String type : new String[] {"image", "video", "audio"}) {
          Api.Response r = api.post(D + "/messages/" + type, key, new JsonObject().put("to", BOB).put("mediaId", mediaId)
              .put("viewOnce", true));
          assertEquals(202, r.status(), type + ": " + r);
          String id = r.data().getString("messageId");
          JsonObject got = Wait.until(type + " at " + BOB, 10_000, () -> MessagingTest.find(sim.received(BOB), id), m -> m != null);
          assertEquals(true, got.getBoolean("viewOnce"), got.encode());
        }
        assertEquals(400, api.post(D + "/messages/text", key, new JsonObject().put("to", BOB).put("text", "x")
            .put("viewOnce", true)).status(), "viewOnce is for image, video and audio");

        String theirs = sim.send(BOB, new JsonObject().put("to", PHONE).put("type", "image").put("viewOnce", true));
        JsonObject stored = Wait.until("the view-once photo in the history", 10_000, () -> {
          JsonArray items = api.get(D + "/chats/" + BOB + "/messages", key).data().getJsonArray("items");
          return MessagingTest.find(items, theirs);
        }, m -> m != null);
        assertEquals(true, stored.getJsonObject("content").getBoolean("viewOnce"), stored.encode());
      } finally {
        TestNode.stop(node);
      }
    }
  }
}
