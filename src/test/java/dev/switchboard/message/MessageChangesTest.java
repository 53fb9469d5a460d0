package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.event.Receiver;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Edits, deletes for everyone and poll votes, both ways, through a real node and the real simulator. */
class MessageChangesTest {

  static final String CLIENT = "chg";
  static final String PHONE = "15558880000";
  static final String BOB = "15558881111";
  static final String CAROL = "15558882222";
  static final String BASE = "/api/clients/" + CLIENT + "/devices/d";

  private static Sim sim;
  private static Node node;
  private static Api api;
  private static Receiver receiver;
  private static String key;

  @BeforeAll
  static void start() {
    sim = new Sim(20_000);
    receiver = new Receiver();
    node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url(), "--send-rate", "0"));
    api = new Api(node.httpPort());
    key = api.clientWithKey(CLIENT);
    assertEquals(200, api.put("/api/clients/" + CLIENT + "/config", key, new JsonObject().put("webhookUrl", receiver.url()))
        .status());
    Devices.link(api, sim, key, CLIENT, "d", PHONE);
  }

  @AfterAll
  static void stop() {
    api.close();
    TestNode.stop(node);
    receiver.close();
    sim.close();
  }

  private static String sent(String type, JsonObject body) {
    Api.Response r = api.post(BASE + "/messages/" + type, key, body);
    assertEquals(202, r.status(), r.toString());
    String id = r.data().getString("messageId");
    Wait.until(id + " SENT", 10_000, () -> api.get(BASE + "/messages/by-id/" + id, key).data(),
        m -> "SENT".equals(m.getString("status")) || "DELIVERED".equals(m.getString("status")));
    return id;
  }

  private static JsonObject received(String phone, String messageId, String field) {
    return Wait.until(field + " on " + messageId + " at " + phone, 10_000,
        () -> MessagingTest.find(sim.received(phone), messageId), m -> m != null && m.containsKey(field));
  }

  private static JsonObject inHistory(String chat, String messageId, String field) {
    return Wait.until(field + " of " + messageId + " in the history", 10_000, () -> {
      JsonArray items = api.get(BASE + "/chats/" + chat + "/messages", key).data().getJsonArray("items");
      return MessagingTest.find(items, messageId);
    }, m -> m != null && m.containsKey(field));
  }

  private static JsonObject event(String type, String idField, String id) {
    return Wait.until(type + " of " + id, 10_000, () -> receiver.hits(type).stream().map(h -> h.json().getJsonObject("data"))
        .filter(d -> id.equals(d.getString(idField))).reduce((a, b) -> b).orElse(null), d -> d != null);
  }

  @Test
  void anEditAndARevokeReachThePersonAndTheHistoryShowsThem() {
    String id = sent("text", new JsonObject().put("to", BOB).put("text", "helo"));
    Api.Response edited = api.patch(BASE + "/messages/" + id, key, new JsonObject().put("text", "hello ✓"));
    assertEquals(202, edited.status(), edited.toString());
    assertEquals("hello ✓", received(BOB, id, "editedText").getString("editedText"));
    JsonObject mine = inHistory(BOB, id, "editedAt");
    assertEquals("hello ✓", mine.getJsonObject("content").getString("text"));

    Api.Response revoked = api.post(BASE + "/messages/" + id + "/revoke", key, null);
    assertEquals(202, revoked.status(), revoked.toString());
    assertEquals(true, received(BOB, id, "revoked").getBoolean("revoked"));
    JsonObject gone = inHistory(BOB, id, "revoked");
    assertEquals(true, gone.getBoolean("revoked"));
    assertNull(gone.getValue("content"), gone.toString());
    assertEquals(202, api.post(BASE + "/messages/" + id + "/revoke", key, null).status(), "deleting again changes nothing");

    Api.Response late = api.patch(BASE + "/messages/by-id/" + id, key, new JsonObject().put("text", "too late"));
    assertEquals(409, late.status(), late.toString());
    assertEquals("NOT_EDITABLE", late.errorCode());
  }

  @Test
  void whatWhatsAppWouldRefuseIsAConflictAndAnUnknownMessageIsNotFound() {
    String poll = sent("poll", new JsonObject().put("to", BOB).put("question", "Q?").put("options", new JsonArray().add("a").add("b")));
    Api.Response notText = api.patch(BASE + "/messages/" + poll, key, new JsonObject().put("text", "x"));
    assertEquals("NOT_EDITABLE", notText.errorCode(), notText.toString());
    String later = api.post(BASE + "/messages/text", key, new JsonObject().put("to", BOB).put("text", "later")
        .put("sendAt", Instant.now().plusSeconds(3600).toString())).data().getString("messageId");
    Api.Response unsent = api.post(BASE + "/messages/" + later + "/revoke", key, null);
    assertEquals(409, unsent.status(), unsent.toString());
    assertEquals("NOT_REVOCABLE", unsent.errorCode());
    String theirs = sim.send(BOB, new JsonObject().put("to", PHONE).put("text", "mine"));
    inHistory(BOB, theirs, "messageId");
    assertEquals("NOT_EDITABLE", api.patch(BASE + "/messages/" + theirs, key, new JsonObject().put("text", "x")).errorCode());
    assertEquals("NOT_REVOCABLE", api.post(BASE + "/messages/" + theirs + "/revoke", key, null).errorCode());
    Api.Response missing = api.post(BASE + "/messages/3EB0NOSUCHMESSAGE/revoke", key, null);
    assertEquals(404, missing.status(), missing.toString());
    assertEquals("MESSAGE_NOT_FOUND", missing.errorCode());
    assertEquals(400, api.patch(BASE + "/messages/" + poll, key, new JsonObject().put("text", "")).status());
  }

  /**
   * Moves a sent message's send time back by {@code age} in the database, as if it had been sent that
   * long ago: the windows are measured from the stored send time, so no test waits 15 minutes.
   */
  private static void sentAgo(String messageId, Duration age) {
    RowSet<Row> rows = TestNode.await(node.pool().preparedQuery("UPDATE messages SET sent_at = now() - make_interval(secs => $3),"
        + " created_at = now() - make_interval(secs => $3) WHERE client_id = $1 AND message_id = $2")
        .execute(Tuple.of(CLIENT, messageId, (double) age.toSeconds())));
    assertEquals(1, rows.rowCount(), messageId);
  }

  @Test
  void aTextCanBeEditedFourteenMinutesAfterItWasSentButNotSixteen() {
    String id = sent("text", new JsonObject().put("to", CAROL).put("text", "meet at 5"));
    sentAgo(id, Duration.ofMinutes(14));
    Api.Response inTime = api.patch(BASE + "/messages/" + id, key, new JsonObject().put("text", "meet at 6"));
    assertEquals(202, inTime.status(), inTime.toString());
    assertEquals("meet at 6", received(CAROL, id, "editedText").getString("editedText"));

    sentAgo(id, Duration.ofMinutes(16));
    Api.Response late = api.patch(BASE + "/messages/" + id, key, new JsonObject().put("text", "meet at 7"));
    assertEquals(409, late.status(), late.toString());
    assertEquals("NOT_EDITABLE", late.errorCode());
    assertTrue(late.json().getJsonObject("error").getString("message").contains("15 minutes"), late.toString());
    assertEquals("meet at 6", inHistory(CAROL, id, "editedAt").getJsonObject("content").getString("text"), "not edited");
  }

  @Test
  void aMessageCanBeDeletedForEveryoneFiftyNineHoursAfterItWasSentButNotSixtyOne() {
    String id = sent("text", new JsonObject().put("to", CAROL).put("text", "wrong chat, sorry"));
    sentAgo(id, Duration.ofHours(61));
    Api.Response late = api.post(BASE + "/messages/" + id + "/revoke", key, null);
    assertEquals(409, late.status(), late.toString());
    assertEquals("NOT_REVOCABLE", late.errorCode());
    assertTrue(late.json().getJsonObject("error").getString("message").contains("60 hours"), late.toString());
    assertNull(MessagingTest.find(sim.received(CAROL), id).getValue("revoked"), "still there at the person");

    sentAgo(id, Duration.ofHours(59));
    Api.Response inTime = api.post(BASE + "/messages/" + id + "/revoke", key, null);
    assertEquals(202, inTime.status(), inTime.toString());
    assertEquals(true, received(CAROL, id, "revoked").getBoolean("revoked"));
  }

  @Test
  void anotherPersonsEditAndRevokeArriveAsEventsWithTheirIdsAndShowInTheHistory() {
    String id = sim.send(BOB, new JsonObject().put("to", PHONE).put("text", "see you at 5"));
    event("message", "messageId", id);
    assertEquals(200, sim.post("/sim/phones/" + BOB + "/edits", new JsonObject().put("messageId", id).put("text", "see you at 6"))
        .status());
    JsonObject edit = event("message_edited", "messageId", id);
    assertEquals("see you at 6", edit.getString("text"));
    assertEquals(BOB + "@s.whatsapp.net", edit.getString("from"));
    assertEquals(BOB + "@s.whatsapp.net", edit.getString("chatId"));
    assertEquals("see you at 6", inHistory(BOB, id, "editedAt").getJsonObject("content").getString("text"));

    assertEquals(200, sim.post("/sim/phones/" + BOB + "/revokes", new JsonObject().put("messageId", id)).status());
    JsonObject revoke = event("message_revoked", "messageId", id);
    assertEquals(BOB + "@s.whatsapp.net", revoke.getString("from"));
    JsonObject gone = inHistory(BOB, id, "revoked");
    assertNull(gone.getValue("content"), gone.toString());
  }

  @Test
  void votesArriveAsEventsAndThePollsResultsCountEachVotersCurrentChoice() {
    Api.Response group = api.post(BASE + "/groups", key, new JsonObject().put("subject", "Lunch")
        .put("participants", new JsonArray().add(BOB).add(CAROL)));
    assertEquals(201, group.status(), group.toString());
    String groupId = group.data().getString("groupId");
    String poll = sent("poll", new JsonObject().put("to", groupId).put("question", "Where?")
        .put("options", new JsonArray().add("pizza").add("falafel").add("sushi")));
    received(BOB, poll, "options");
    received(CAROL, poll, "options");
    vote(BOB, poll, "pizza");
    vote(CAROL, poll, "pizza");
    vote(BOB, poll, "falafel");
    List<JsonObject> votes = Wait.until("three poll_vote events", 10_000, () -> receiver.hits("poll_vote").stream()
        .map(h -> h.json().getJsonObject("data")).filter(d -> poll.equals(d.getString("pollMessageId"))).toList(),
        l -> l.size() == 3);
    assertEquals(groupId, votes.get(0).getString("chatId"));
    // Each vote event holds the voter's whole choice then; webhooks may arrive in any order, the results are the order.
    assertEquals(java.util.Set.of("pizza", "falafel"), votes.stream().filter(v -> v.getString("voter").startsWith(BOB))
        .map(v -> v.getJsonArray("options").getString(0)).collect(java.util.stream.Collectors.toSet()));

    JsonObject results = api.get(BASE + "/messages/" + poll + "/votes", key).data();
    assertEquals("Where?", results.getString("question"));
    JsonArray options = results.getJsonArray("options");
    assertEquals(3, options.size(), results.toString());
    assertOption(options.getJsonObject(0), "pizza", CAROL);
    assertOption(options.getJsonObject(1), "falafel", BOB);
    assertEquals(0, options.getJsonObject(2).getInteger("count"));

    String text = sent("text", new JsonObject().put("to", BOB).put("text", "not a poll"));
    assertEquals(404, api.get(BASE + "/messages/" + text + "/votes", key).status());
  }

  private static void vote(String phone, String poll, String option) {
    Api.Response r = sim.post("/sim/phones/" + phone + "/votes", new JsonObject().put("pollMessageId", poll)
        .put("options", new JsonArray().add(option)));
    assertEquals(200, r.status(), r.toString());
  }

  private static void assertOption(JsonObject option, String name, String voter) {
    assertEquals(name, option.getString("name"));
    assertEquals(1, option.getInteger("count"), option.toString());
    assertEquals(new JsonArray().add(voter + "@s.whatsapp.net"), option.getJsonArray("voters"));
    assertNotNull(option);
    assertTrue(option.containsKey("voters"));
  }
}
