package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Looking a person up, blocking it (its messages are then not delivered), and the account's own profile. */
class AccountTest {

  private static final String D = "/api/clients/acc/devices/d";
  private static final String PHONE = "15557660000";
  private static final String BOB = "15557661111";
  private static final String CAROL = "15557662222";

  @Test
  void aBlockedPersonsMessagesAreNotDeliveredAndTheProfileIsWhatWasSet() throws Exception {
    try (Sim sim = new Sim(20_000)) {
      Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url()));
      try (Api api = new Api(node.httpPort())) {
        String key = api.clientWithKey("acc");
        Devices.link(api, sim, key, "acc", "d", PHONE);
        assertEquals(200, sim.put("/sim/accounts/" + BOB, new JsonObject().put("name", "Bob").put("about", "at the gym")).status());
        JsonObject bob = api.get(D + "/contacts/+" + BOB, key).data();
        assertEquals(BOB + "@s.whatsapp.net", bob.getString("jid"));
        assertEquals("Bob", bob.getString("name"));
        assertEquals("at the gym", bob.getString("about"));
        assertEquals(false, bob.getBoolean("blocked"));
        Api.Response missing = api.get(D + "/contacts/99912345678", key);
        assertEquals(404, missing.status(), missing.toString());

        assertEquals(202, api.post(D + "/contacts/" + BOB + "/block", key, null).status());
        assertEquals(true, api.get(D + "/contacts/" + BOB, key).data().getBoolean("blocked"));
        assertEquals(new JsonArray().add(BOB), sim.get("/sim/accounts/" + PHONE).json().getJsonArray("blocked"));
        String blocked = sim.send(BOB, new JsonObject().put("to", PHONE).put("text", "let me in"));
        String fromCarol = sim.send(CAROL, new JsonObject().put("to", PHONE).put("text", "hello"));
        Wait.until("Carol's message", 10_000, () -> history(api, key, CAROL).contains(fromCarol), found -> found);
        Thread.sleep(500);
        assertTrue(!history(api, key, BOB).contains(blocked), "a blocked person's message was delivered");

        assertEquals(202, api.post(D + "/contacts/" + BOB + "/unblock", key, null).status());
        String after = sim.send(BOB, new JsonObject().put("to", PHONE).put("text", "thanks"));
        Wait.until("Bob's message after the unblock", 10_000, () -> history(api, key, BOB).contains(after), found -> found);

        Api.Response set = api.patch(D + "/profile", key, new JsonObject().put("name", "Corner Shop").put("about", "Open 9-17"));
        assertEquals(202, set.status(), set.toString());
        JsonObject profile = api.get(D + "/profile", key).data();
        assertEquals(PHONE + "@s.whatsapp.net", profile.getString("jid"));
        assertEquals("Corner Shop", profile.getString("name"));
        assertEquals("Open 9-17", profile.getString("about"));
        assertEquals("Corner Shop", sim.get("/sim/accounts/" + PHONE).json().getString("name"));
        assertEquals(400, api.patch(D + "/profile", key, new JsonObject()).status());
      } finally {
        TestNode.stop(node);
      }
    }
  }

  private static String history(Api api, String key, String chat) {
    return api.get(D + "/chats/" + chat + "/messages", key).data().getJsonArray("items").encode();
  }
}
