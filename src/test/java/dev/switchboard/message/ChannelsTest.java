package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Channels (newsletters): the list with the device's role, posts by the owner, and a clear failure for anyone else. */
class ChannelsTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode("--send-rate", "0");

  private static final String D = "/api/clients/ch/devices/d";
  private static final String PHONE = "15557770001";

  @Test
  void theOwnedChannelIsListedWithItsRoleAndItsTextAndImagePostsReachIt() {
    String key = bed.api().clientWithKey("ch");
    Devices.link(bed.api(), bed.sim(), key, "ch", "d", PHONE);
    String channelId = bed.sim().post("/sim/channels", new JsonObject().put("owner", PHONE).put("name", "Deals"))
        .json().getString("channelId");
    bed.sim().post("/sim/channels", new JsonObject().put("owner", "15557779999").put("name", "Not ours"));

    JsonArray channels = bed.api().get(D + "/channels", key).data().getJsonArray("items");
    assertEquals(new JsonArray().add(new JsonObject().put("channelId", channelId).put("name", "Deals").put("role", "owner")),
        channels);

    Api.Response text = bed.api().post(D + "/messages/text", key, new JsonObject().put("to", channelId).put("text", "20% off"));
    assertEquals(202, text.status(), text.toString());
    byte[] png = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    Api.Response uploaded = bed.api().callRaw(io.vertx.core.http.HttpMethod.POST, D + "/media", key,
        MessagingTest.multipart("deal.png", "image/png", png), MessagingTest.multipartHeaders());
    assertEquals(201, uploaded.status(), uploaded.toString());
    Api.Response image = bed.api().post(D + "/messages/image", key, new JsonObject().put("to", channelId)
        .put("mediaId", uploaded.data().getString("mediaId")).put("caption", "this week"));
    assertEquals(202, image.status(), image.toString());

    JsonArray posts = Wait.until("both posts in the channel", 10_000,
        () -> new JsonArray(bed.sim().get("/sim/channels/" + channelId + "/messages").body()), p -> p.size() == 2);
    JsonObject first = MessagingTest.find(posts, text.data().getString("messageId"));
    assertEquals("20% off", first.getString("text"), posts.encode());
    JsonObject second = MessagingTest.find(posts, image.data().getString("messageId"));
    assertEquals("image", second.getString("type"), posts.encode());
    assertEquals("this week", second.getString("caption"), posts.encode());
    Wait.until("the text marked sent", 10_000, () -> bed.api().get(D + "/messages/" + text.data().getString("messageId"), key)
        .data().getString("status"), "SENT"::equals);
  }

  @Test
  void aPostToAChannelTheDeviceDoesNotRunFailsWithTheReason() {
    String key = bed.api().clientWithKey("ch2");
    String d = "/api/clients/ch2/devices/d";
    Devices.link(bed.api(), bed.sim(), key, "ch2", "d", "15557770002");
    String theirs = bed.sim().post("/sim/channels", new JsonObject().put("owner", "15557779998").put("name", "News"))
        .json().getString("channelId");

    Api.Response r = bed.api().post(d + "/messages/text", key, new JsonObject().put("to", theirs).put("text", "hi"));
    assertEquals(202, r.status(), r.toString());
    String id = r.data().getString("messageId");
    JsonObject failed = Wait.until("the post to fail", 10_000, () -> bed.api().get(d + "/messages/" + id, key).data(),
        m -> "FAILED".equals(m.getString("status")));
    assertTrue(failed.getString("error").contains("owner or admin"), failed.encode());
    assertEquals(0, new JsonArray(bed.sim().get("/sim/channels/" + theirs + "/messages").body()).size());

    Api.Response location = bed.api().post(d + "/messages/location", key, new JsonObject().put("to", theirs)
        .put("latitude", 1).put("longitude", 2));
    assertEquals(400, location.status(), "a channel takes text and images: " + location);
    Api.Response reply = bed.api().post(d + "/messages/text", key, new JsonObject().put("to", theirs).put("text", "x")
        .put("replyTo", "ABC123"));
    assertEquals(400, reply.status(), reply.toString());
  }
}
