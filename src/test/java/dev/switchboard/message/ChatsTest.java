package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat list with names and last messages, and archive, pin and mute set on the account and kept. */
class ChatsTest {

  private static final String D = "/api/clients/cht/devices/d";
  private static final String PHONE = "15557770100";
  private static final String BOB = "15557770111";
  private static final String CAROL = "15557770122";

  @Test
  void chatsShowNamesAndLastMessagesAndTheirFlagsFilterAndReachTheAccount() {
    try (Sim sim = new Sim(20_000)) {
      Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url(), "--send-rate", "0"));
      try (Api api = new Api(node.httpPort())) {
        String key = api.clientWithKey("cht");
        Devices.link(api, sim, key, "cht", "d", PHONE);
        assertEquals(200, sim.put("/sim/accounts/" + BOB, new JsonObject().put("name", "Bob")).status());
        String fromBob = sim.send(BOB, new JsonObject().put("to", PHONE).put("text", "hi there"));
        String toCarol = api.post(D + "/messages/text", key, new JsonObject().put("to", CAROL).put("text", "see you"))
            .data().getString("messageId");
        String group = api.post(D + "/groups", key, new JsonObject().put("subject", "Team")
            .put("participants", new JsonArray().add(BOB))).data().getString("groupId");
        api.post(D + "/messages/text", key, new JsonObject().put("to", group).put("text", "hello team"));
        List<JsonObject> items = Wait.until("three chats", 10_000, () -> chats(api, key, ""), l -> l.size() == 3);
        JsonObject bob = find(items, BOB + "@s.whatsapp.net");
        assertEquals("Bob", bob.getString("name"));
        assertEquals(fromBob, bob.getJsonObject("lastMessage").getString("messageId"));
        assertEquals("hi there", bob.getJsonObject("lastMessage").getString("text"));
        assertEquals(false, bob.getJsonObject("lastMessage").getBoolean("fromMe"));
        JsonObject carol = find(items, CAROL + "@s.whatsapp.net");
        assertEquals(toCarol, carol.getJsonObject("lastMessage").getString("messageId"));
        assertEquals(true, carol.getJsonObject("lastMessage").getBoolean("fromMe"));
        assertEquals("Team", find(items, group).getString("name"));

        Api.Response archived = api.post(D + "/chats/" + BOB + "/archive", key, new JsonObject().put("archived", true));
        assertEquals(202, archived.status(), archived.toString());
        assertEquals(true, archived.data().getBoolean("archived"));
        assertEquals(List.of(BOB + "@s.whatsapp.net"), ids(chats(api, key, "?archived=true")));
        assertEquals(2, chats(api, key, "?archived=false").size());
        assertEquals(202, api.post(D + "/chats/" + CAROL + "/pin", key, new JsonObject().put("pinned", true)).status());
        assertEquals(202, api.post(D + "/chats/" + BOB + "/mute", key, new JsonObject().put("until", "2030-01-01T00:00:00Z"))
            .status());
        JsonObject one = api.get(D + "/chats/" + BOB, key).data();
        assertEquals(true, one.getBoolean("archived"));
        assertEquals(false, one.getBoolean("pinned"));
        assertEquals("2030-01-01T00:00:00.000Z", one.getString("mutedUntil"));
        JsonObject account = sim.get("/sim/accounts/" + PHONE).json().getJsonObject("chats");
        assertEquals(true, account.getJsonObject(BOB + "@s.whatsapp.net").getBoolean("archived"));
        assertEquals(true, account.getJsonObject(CAROL + "@s.whatsapp.net").getBoolean("pinned"));
        assertEquals("2030-01-01T00:00:00Z", account.getJsonObject(BOB + "@s.whatsapp.net").getString("mutedUntil"));

        assertEquals(202, api.post(D + "/chats/" + BOB + "/mute", key, new JsonObject().putNull("until")).status());
        assertNull(api.get(D + "/chats/" + BOB, key).data().getString("mutedUntil"));
        assertEquals(400, api.get(D + "/chats?archived=maybe", key).status());
        assertEquals(400, api.post(D + "/chats/" + BOB + "/mute", key, new JsonObject()).status());
        assertEquals(404, api.get(D + "/chats/15557770199", key).status());
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static List<JsonObject> chats(Api api, String key, String query) {
    return api.get(D + "/chats" + query, key).data().getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
  }

  private static List<String> ids(List<JsonObject> chats) {
    return chats.stream().map(c -> c.getString("chatId")).toList();
  }

  private static JsonObject find(List<JsonObject> chats, String chatId) {
    return chats.stream().filter(c -> chatId.equals(c.getString("chatId"))).findFirst().orElseThrow(() ->
        new AssertionError("no chat " + chatId + " in " + chats));
  }
}
