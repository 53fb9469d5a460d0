package dev.switchboard.message;

import dev.switchboard.device.Outbox;
import dev.switchboard.kernel.ChatIds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sends of every type through a real node and the real simulator, and what comes back. */
class MessagingTest {

  static final String CLIENT = "msg";
  static final String PHONE = "15551110000";
  static final String BOB = "15552220000";
  static final String BASE = "/api/clients/" + CLIENT + "/devices/d";

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode("--send-rate", "0").withClient(CLIENT);

  @BeforeAll
  static void start() {
    // The bursts below send for seconds on end: far above the default 600 requests a minute.
    bed.api().put("/api/clients/" + CLIENT + "/config", TestNode.MASTER, new JsonObject().put("rateLimitPerMinute", 100_000));
    Devices.link(bed.api(), bed.sim(), bed.key(), CLIENT, "d", PHONE);
  }

  static Api.Response send(String type, JsonObject body) {
    return bed.api().post(BASE + "/messages/" + type, bed.key(), body);
  }

  /** The message {@code bob} received with this id, once it arrived. */
  static JsonObject arrived(String phone, String messageId) {
    return Wait.until("message " + messageId + " at " + phone, 10_000, () -> find(bed.sim().received(phone), messageId),
        m -> m != null);
  }

  /** The ids of the messages {@code phone} received, in the order they arrived. */
  static List<String> receivedIds(String phone) {
    return bed.sim().received(phone).stream().map(o -> ((JsonObject) o).getString("messageId")).toList();
  }

  static JsonObject find(JsonArray items, String messageId) {
    for (Object o : items) {
      if (messageId.equals(((JsonObject) o).getString("messageId"))) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  static JsonObject status(String messageId, String status) {
    return Wait.until(messageId + " " + status, 10_000, () -> bed.api().get(BASE + "/messages/" + messageId, bed.key()).data(),
        m -> status.equals(m.getString("status")));
  }

  @Test
  void everyTypeArrivesWithItsFields() {
    String hebrewArabicEmoji = "שלום עולם · مرحبا بالعالم · 👋🏽👨‍👩‍👧‍👦 ✓";
    Api.Response text = send("text", new JsonObject().put("to", "+" + BOB).put("text", hebrewArabicEmoji));
    assertEquals(202, text.status(), text.toString());
    assertEquals("QUEUED", text.data().getString("status"));
    assertEquals(BOB + "@s.whatsapp.net", text.data().getString("to"));
    String textId = text.data().getString("messageId");
    JsonObject got = arrived(BOB, textId);
    assertArrayEquals(hebrewArabicEmoji.getBytes(StandardCharsets.UTF_8), got.getString("text").getBytes(StandardCharsets.UTF_8));
    assertEquals("SENT", status(textId, "SENT").getString("status"));

    byte[] png = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    String mediaId = upload("pixel.png", "image/png", png).getString("mediaId");

    JsonObject image = arrived(BOB, send("image", new JsonObject().put("to", BOB).put("mediaId", mediaId).put("caption", "a pixel"))
        .data().getString("messageId"));
    assertEquals("image", image.getString("type"));
    assertEquals("a pixel", image.getString("text"));

    String replyId = send("text", new JsonObject().put("to", BOB).put("text", "see above").put("replyTo", textId)
        .put("mentions", new JsonArray().add(BOB))).data().getString("messageId");
    JsonObject reply = arrived(BOB, replyId);
    assertEquals(textId, reply.getString("replyTo"), reply.toString());

    JsonObject location = arrived(BOB, send("location", new JsonObject().put("to", BOB).put("latitude", 32.0853)
        .put("longitude", 34.7818).put("name", "תל אביב")).data().getString("messageId"));
    assertEquals("location", location.getString("type"));

    JsonObject contact = arrived(BOB, send("contact", new JsonObject().put("to", BOB)
        .put("contacts", new JsonArray().add(new JsonObject().put("name", "Ann").put("phone", "+15553330000"))))
        .data().getString("messageId"));
    assertEquals("contact", contact.getString("type"));

    JsonObject poll = arrived(BOB, send("poll", new JsonObject().put("to", BOB).put("question", "Lunch?")
        .put("options", new JsonArray().add("pizza").add("falafel"))).data().getString("messageId"));
    assertEquals("poll", poll.getString("type"));

    for (String type : List.of("video", "audio", "file", "sticker")) {
      JsonObject body = new JsonObject().put("to", BOB).put("mediaId", mediaId);
      if (type.equals("file")) {
        body.put("fileName", "report.pdf");
      }
      Api.Response r = send(type, body);
      assertEquals(202, r.status(), type + ": " + r);
      assertEquals(type, arrived(BOB, r.data().getString("messageId")).getString("type"));
    }
    Api.Response react = send("react", new JsonObject().put("to", BOB).put("messageId", textId).put("emoji", "👍"));
    assertEquals(202, react.status(), react.toString());
    status(react.data().getString("messageId"), "SENT");
  }

  @Test
  void severalRecipientsGetOneMessageEach() {
    Api.Response r = send("text", new JsonObject().put("to", new JsonArray().add(BOB).add("15552220001")).put("text", "hi all"));
    assertEquals(202, r.status(), r.toString());
    JsonArray messages = r.data().getJsonArray("messages");
    assertEquals(2, messages.size());
    arrived(BOB, messages.getJsonObject(0).getString("messageId"));
    arrived("15552220001", messages.getJsonObject(1).getString("messageId"));
  }

  /**
   * Sends to a connected device on this node are handed to its actor as they commit, not left for a
   * claim: each goes out at once (a row left behind waits at least 5 s for the scheduler's sweep), in
   * the order accepted, and once.
   */
  @Test
  void sendsGoStraightToTheirActorInOrderAndOnce() {
    long duplicatesBefore = bed.sim().stats().getLong("duplicatesDropped");
    List<String> ids = burst("15552220011", List.of());
    for (String id : ids) {
      JsonObject m = status(id, "SENT");
      Duration waited = Duration.between(Instant.parse(m.getString("createdAt")), Instant.parse(m.getString("sentAt")));
      assertTrue(waited.toMillis() < 3_000, id + " waited " + waited + " between its 202 and its SENT");
    }
    assertEquals(duplicatesBefore, bed.sim().stats().getLong("duplicatesDropped"), "nothing was sent twice");
  }

  /** Scheduled messages falling due mid-burst make the actor claim from its outbox too: still in order and once. */
  @Test
  void claimsAmidHandedSendsKeepTheOrderAndSendOnce() {
    String to = "15552220012";
    long duplicatesBefore = bed.sim().stats().getLong("duplicatesDropped");
    String soon = Instant.now().plusMillis(800).toString();
    List<String> scheduled = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      scheduled.add(send("text", new JsonObject().put("to", to).put("text", "due " + i).put("sendAt", soon)).data()
          .getString("messageId"));
    }
    burst(to, scheduled);
    assertEquals(duplicatesBefore, bed.sim().stats().getLong("duplicatesDropped"), "nothing was sent twice");
  }

  /**
   * A hand-off can reach the actor after a claim already took and sent its rows: the writer's event loop
   * was busy while the actor's went on (say a scheduled message fell due, and its claim found them
   * committed). The late hand-off sends nothing again.
   */
  @Test
  void aHandOffThatComesAfterAClaimSentItsRowSendsNothingAgain() {
    String to = "15552220013";
    String chat = to + "@s.whatsapp.net";
    long duplicatesBefore = bed.sim().stats().getLong("duplicatesDropped");
    Outbox outbox = (Outbox) bed.node().messages().store().attached(CLIENT, "d");
    String id = ChatIds.newMessageId();
    JsonObject content = new JsonObject().put("text", "handed late");
    // Stored taken for the actor, as a send accepted on this node is, and not handed over yet.
    MessageRepository.Stored row = TestNode.await(MessageRepository.insert(bed.node().pool(),
        List.of(new MessageRepository.Draft(CLIENT, "d", id, chat, "text", content, "QUEUED", null, outbox.epoch())))).get(0);
    assertTrue(row.taken(), row.toString());
    outbox.context().runOnContext(v -> outbox.wake());
    status(id, "SENT");
    outbox.context().runOnContext(v -> outbox.take(List.of(new MessageRepository.Claimed(row.id(), id, chat, "text", content))));
    // A send after it goes out after anything the late hand-off would send.
    String after = send("text", new JsonObject().put("to", to).put("text", "after")).data().getString("messageId");
    arrived(to, after);
    assertEquals(List.of(id, after), receivedIds(to));
    assertEquals(duplicatesBefore, bed.sim().stats().getLong("duplicatesDropped"), "nothing was sent twice");
  }

  /**
   * More sends than an actor holds in memory ({@link Outbox#MAX_HANDED}) arrive while the network is slow
   * to answer: those beyond it stay in the table and a claim takes them, with the ones already handed.
   * Still each goes out once, and each recipient gets them in the order accepted.
   */
  @Test
  void sendsBeyondWhatAnActorHoldsGoOutThroughAClaimInOrderAndOnce() {
    long duplicatesBefore = bed.sim().stats().getLong("duplicatesDropped");
    List<String> to = new ArrayList<>();
    for (int i = 0; i < SendRequest.MAX_RECIPIENTS; i++) {
      to.add(String.format("155544%05d", i));
    }
    // One wave goes out at once and is held up by the latency; the others wait in memory, beyond its limit.
    int requests = Outbox.MAX_HANDED / to.size() + 2;
    bed.sim().post("/sim/faults", new JsonObject().put("phone", PHONE).put("kind", "latency").put("ms", 600));
    List<List<String>> accepted = new ArrayList<>();
    try {
      for (int r = 0; r < requests; r++) {
        Api.Response sent = send("text", new JsonObject().put("to", new JsonArray(to)).put("text", "wave " + r));
        assertEquals(202, sent.status(), sent.toString());
        accepted.add(sent.data().getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("messageId")).toList());
      }
    } finally {
      bed.sim().post("/sim/faults", new JsonObject().put("phone", PHONE).put("kind", "latency").put("ms", 0));
    }
    long lastAccepted = System.nanoTime();
    for (int i = 0; i < to.size(); i++) {
      String phone = to.get(i);
      int n = i;
      List<String> expected = accepted.stream().map(ids -> ids.get(n)).toList();
      // A row left in the table without a claim would wait at least 5 s for the scheduler's sweep.
      Wait.until("the waves at " + phone, 30_000, () -> bed.sim().received(phone).size(), size -> size >= requests);
      assertTrue(System.nanoTime() - lastAccepted < 4_000_000_000L, "the waves took over 4 s to arrive at " + phone);
      List<String> arrived = receivedIds(phone);
      assertEquals(expected, arrived, "once each, in the order accepted, at " + phone);
    }
    assertEquals(duplicatesBefore, bed.sim().stats().getLong("duplicatesDropped"), "nothing was sent twice");
  }

  /** Sends one after another for 2.5 s; checks they all arrived once, in order, beside {@code others}. */
  private static List<String> burst(String to, List<String> others) {
    List<String> ids = new ArrayList<>();
    long until = System.nanoTime() + 2_500_000_000L;
    for (int i = 0; i < 150 || System.nanoTime() < until; i++) {
      Api.Response r = send("text", new JsonObject().put("to", to).put("text", "burst " + i));
      assertEquals(202, r.status(), r.toString());
      ids.add(r.data().getString("messageId"));
    }
    Wait.until("the burst at " + to, 20_000, () -> bed.sim().received(to).size(), n -> n >= ids.size() + others.size());
    List<String> arrived = receivedIds(to);
    assertEquals(ids, arrived.stream().filter(ids::contains).toList(), "in the order accepted");
    assertTrue(arrived.containsAll(others));
    assertEquals(ids.size() + others.size(), arrived.size());
    return ids;
  }

  @Test
  void receiptsMoveTheStatus() {
    String id = send("text", new JsonObject().put("to", "15552220002").put("text", "read me")).data().getString("messageId");
    arrived("15552220002", id);
    assertEquals(200, bed.sim().receipt("15552220002", id, "DELIVERED").status());
    assertNotNull(status(id, "DELIVERED").getString("deliveredAt"));
    assertEquals(200, bed.sim().receipt("15552220002", id, "READ").status());
    JsonObject read = status(id, "READ");
    assertNotNull(read.getString("readAt"));
    assertNotNull(read.getString("sentAt"));
  }

  @Test
  void idempotencyKeyReturnsTheFirstAnswerAndRefusesAnotherBody() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "order-42");
    JsonObject body = new JsonObject().put("to", "15552220003").put("text", "once");
    Api.Response first = bed.api().call(HttpMethod.POST, BASE + "/messages/text", bed.key(), body.toBuffer(), headers);
    Api.Response again = bed.api().call(HttpMethod.POST, BASE + "/messages/text", bed.key(), body.toBuffer(), headers);
    assertEquals(202, first.status(), first.toString());
    assertEquals(202, again.status());
    assertEquals(first.data(), again.data());
    Api.Response other = bed.api().call(HttpMethod.POST, BASE + "/messages/text", bed.key(),
        new JsonObject().put("to", "15552220003").put("text", "twice").toBuffer(), headers);
    assertEquals(409, other.status());
    assertEquals("IDEMPOTENCY_CONFLICT", other.errorCode());
    status(first.data().getString("messageId"), "SENT");
    Wait.until("one message only", 5_000, () -> bed.sim().received("15552220003").size(), n -> n >= 1);
    assertEquals(1, bed.sim().received("15552220003").size());
    // Another key sends again.
    headers.set("Idempotency-Key", "order-43");
    Api.Response fresh = bed.api().call(HttpMethod.POST, BASE + "/messages/text", bed.key(), body.toBuffer(), headers);
    assertTrue(!fresh.data().getString("messageId").equals(first.data().getString("messageId")));
  }

  @Test
  void scheduledMessagesWaitCanBeCancelledAndGoOutWhenDue() {
    String later = Instant.now().plusSeconds(3600).toString();
    Api.Response held = send("text", new JsonObject().put("to", "15552220004").put("text", "later").put("sendAt", later));
    assertEquals(202, held.status(), held.toString());
    assertEquals("SCHEDULED", held.data().getString("status"));
    String heldId = held.data().getString("messageId");
    JsonArray scheduled = bed.api().get("/api/clients/" + CLIENT + "/scheduled", bed.key()).data().getJsonArray("items");
    assertNotNull(find(scheduled, heldId));
    Api.Response cancelled = bed.api().delete(BASE + "/messages/" + heldId, bed.key());
    assertEquals(200, cancelled.status(), cancelled.toString());
    assertEquals("CANCELLED", cancelled.data().getString("status"));
    assertNull(find(bed.api().get("/api/clients/" + CLIENT + "/scheduled", bed.key()).data().getJsonArray("items"), heldId));

    String soon = Instant.now().plusSeconds(2).toString();
    String soonId = send("text", new JsonObject().put("to", "15552220004").put("text", "soon").put("sendAt", soon))
        .data().getString("messageId");
    assertEquals("SCHEDULED", bed.api().get(BASE + "/messages/" + soonId, bed.key()).data().getString("status"));
    arrived("15552220004", soonId);
    Api.Response tooLate = bed.api().delete(BASE + "/messages/" + soonId, bed.key());
    assertEquals(409, tooLate.status());
    assertEquals(1, bed.sim().received("15552220004").size(), "the cancelled one never went out");
  }

  @Test
  void inboundMessagesAreKeptInHistoryAndChats() {
    String carol = "15552220005";
    String sentId = send("text", new JsonObject().put("to", carol).put("text", "hello carol")).data().getString("messageId");
    arrived(carol, sentId);
    String inId = bed.sim().send(carol, new JsonObject().put("to", PHONE).put("type", "text").put("text", "hi! 🌍"));
    String imageId = bed.sim().send(carol, new JsonObject().put("to", PHONE).put("type", "image").put("caption", "look"));
    JsonArray history = Wait.until("history", 10_000,
        () -> bed.api().get(BASE + "/chats/" + carol + "/messages", bed.key()).data().getJsonArray("items"), h -> h.size() == 3);
    assertEquals(imageId, history.getJsonObject(0).getString("messageId"), "newest first");
    assertEquals(inId, history.getJsonObject(1).getString("messageId"));
    assertEquals("inbound", history.getJsonObject(1).getString("direction"));
    assertEquals("hi! 🌍", history.getJsonObject(1).getJsonObject("content").getString("text"));
    assertEquals("outbound", history.getJsonObject(2).getString("direction"));

    String mediaId = history.getJsonObject(0).getJsonObject("content").getString("mediaId");
    assertNotNull(mediaId, history.getJsonObject(0).toString());
    Api.Response media = bed.api().get(BASE + "/media/" + mediaId, bed.key());
    assertEquals(200, media.status());
    assertEquals("image/png", media.headers().get("content-type"));
    assertTrue(media.body().length() > 0);

    Api.Response page = bed.api().get(BASE + "/chats/" + carol + "/messages?limit=2", bed.key());
    assertEquals(2, page.data().getJsonArray("items").size());
    String cursor = page.data().getString("nextCursor");
    assertEquals(sentId, bed.api().get(BASE + "/chats/" + carol + "/messages?limit=2&cursor=" + cursor, bed.key()).data()
        .getJsonArray("items").getJsonObject(0).getString("messageId"));

    JsonObject chat = null;
    for (Object o : bed.api().get(BASE + "/chats", bed.key()).data().getJsonArray("items")) {
      if (((JsonObject) o).getString("chatId").equals(carol + "@s.whatsapp.net")) {
        chat = (JsonObject) o;
      }
    }
    assertNotNull(chat);
    assertEquals(2, chat.getInteger("unreadCount"));
    Api.Response read = bed.api().post(BASE + "/chats/" + carol + "@s.whatsapp.net/read", bed.key(), null);
    assertEquals(202, read.status(), read.toString());
    assertEquals(2, read.data().getInteger("read"));
    Wait.until("read receipts at carol", 10_000,
        () -> bed.sim().get("/sim/phones/" + carol + "/receipts").body().toString(), s -> s.contains(inId) && s.contains("READ"));
  }

  @Test
  void twoClientsDevicesTalkToEachOther() {
    String otherKey = bed.api().clientWithKey("msg-other");
    Devices.link(bed.api(), bed.sim(), otherKey, "msg-other", "o", "15554440000");
    String id = send("text", new JsonObject().put("to", "15554440000").put("text", "hello other client")).data().getString("messageId");
    JsonArray theirs = Wait.until("the other device's history", 10_000,
        () -> bed.api().get("/api/clients/msg-other/devices/o/chats/" + PHONE + "/messages", otherKey).data().getJsonArray("items"),
        h -> h.size() == 1);
    assertEquals(id, theirs.getJsonObject(0).getString("messageId"));
    assertEquals("hello other client", theirs.getJsonObject(0).getJsonObject("content").getString("text"));
    // and never visible to the sender's client key on the other client's paths
    assertEquals(401, bed.api().get("/api/clients/msg-other/devices/o/chats/" + PHONE + "/messages", bed.key()).status());
  }

  @Test
  void contactsPresenceAndOnWhatsApp() {
    assertEquals(true, bed.api().get(BASE + "/on-whatsapp/" + BOB, bed.key()).data().getBoolean("exists"));
    assertEquals(false, bed.api().get(BASE + "/on-whatsapp/9995550000", bed.key()).data().getBoolean("exists"));
    assertEquals(202, bed.api().post(BASE + "/presence", bed.key(), new JsonObject().put("state", "composing").put("chatId", BOB)).status());
    assertEquals(400, bed.api().post(BASE + "/presence", bed.key(), new JsonObject().put("state", "dancing")).status());
    Api.Response contacts = bed.api().get(BASE + "/contacts", bed.key());
    assertEquals(200, contacts.status(), contacts.toString());
    assertNotNull(contacts.data().getJsonArray("items"));
  }

  @Test
  void groupFlows() {
    Api.Response created = bed.api().post(BASE + "/groups", bed.key(),
        new JsonObject().put("subject", "Team 🚀").put("participants", new JsonArray().add("15556660001").add("15556660002")));
    assertEquals(201, created.status(), created.toString());
    String groupId = created.data().getString("groupId");
    assertTrue(groupId.endsWith("@g.us"));
    assertTrue(bed.api().get(BASE + "/groups", bed.key()).data().getJsonArray("items").encode().contains(groupId));
    JsonObject meta = bed.api().get(BASE + "/groups/" + groupId, bed.key()).data();
    assertEquals("Team 🚀", meta.getString("subject"));
    assertEquals(3, meta.getJsonArray("participants").size());

    Api.Response changed = bed.api().post(BASE + "/groups/" + groupId + "/participants", bed.key(),
        new JsonObject().put("add", new JsonArray().add("15556660003")).put("promote", new JsonArray().add("15556660001")));
    assertEquals(200, changed.status(), changed.toString());
    assertEquals(2, changed.data().getJsonArray("items").size());
    assertEquals(4, bed.api().get(BASE + "/groups/" + groupId, bed.key()).data().getJsonArray("participants").size());

    String msg = send("text", new JsonObject().put("to", groupId).put("text", "hello team")).data().getString("messageId");
    arrived("15556660003", msg);

    JsonObject invite = bed.api().get(BASE + "/groups/" + groupId + "/invite", bed.key()).data();
    assertTrue(invite.getString("url").startsWith("https://chat.whatsapp.com/"));
    assertEquals(invite.getString("url"), "https://chat.whatsapp.com/" + invite.getString("code"));

    // Another client's device joins by the link, then again by the bare code (already in: no change).
    String joinerKey = bed.api().clientWithKey("msg-joiner");
    Devices.link(bed.api(), bed.sim(), joinerKey, "msg-joiner", "j", "15554440007");
    String joinBase = "/api/clients/msg-joiner/devices/j/groups/join";
    Api.Response joined = bed.api().post(joinBase, joinerKey, new JsonObject().put("invite", invite.getString("url")));
    assertEquals(200, joined.status(), joined.toString());
    assertEquals(groupId, joined.data().getString("groupId"));
    assertTrue(bed.api().get(BASE + "/groups/" + groupId, bed.key()).data().getJsonArray("participants").encode().contains("15554440007"));
    assertEquals(5, bed.api().get(BASE + "/groups/" + groupId, bed.key()).data().getJsonArray("participants").size());
    assertEquals(200, bed.api().post(joinBase, joinerKey, new JsonObject().put("invite", invite.getString("code"))).status());
    assertEquals(5, bed.api().get(BASE + "/groups/" + groupId, bed.key()).data().getJsonArray("participants").size());
    int unknown = bed.api().post(joinBase, joinerKey, new JsonObject().put("invite", "AAAAAAAAAAAAAAAAAAAAAA")).status();
    assertTrue(unknown >= 400 && unknown < 500, "an unknown invite code is " + unknown);
    assertEquals(400, bed.api().post(joinBase, joinerKey, new JsonObject().put("invite", "https://example.com/x y")).status());
    assertEquals(400, bed.api().post(joinBase, joinerKey, new JsonObject()).status());

    assertEquals(202, bed.api().post(BASE + "/groups/" + groupId + "/leave", bed.key(), null).status());

    // A group made by a person, joined by link.
    String theirs = bed.sim().post("/sim/groups", new JsonObject().put("owner", "15556660009").put("subject", "Theirs")
        .put("participants", new JsonArray().add("15556660008"))).json().getString("groupId");
    assertNotNull(theirs);
    assertEquals(400, bed.api().post(BASE + "/groups/not-a-group/participants", bed.key(), new JsonObject().put("add", new JsonArray().add(BOB))).status());
  }

  @Test
  void theCallPolicyRejectsCallsAndTellsTheCaller() {
    String callerPhone = "15552220009";
    assertEquals(200, bed.api().put("/api/clients/" + CLIENT + "/config", bed.key(), new JsonObject().put("callPolicy",
        new JsonObject().put("reject", true).put("message", "No calls please, write to me 📵"))).status());
    try {
      String callId = bed.sim().post("/sim/phones/" + callerPhone + "/calls", new JsonObject().put("to", PHONE)).json().getString("callId");
      Wait.until("the call rejected", 10_000, () -> bed.sim().get("/sim/phones/" + callerPhone + "/calls").body().toString(),
          calls -> calls.contains(callId) && calls.contains("rejected"));
      JsonArray got = Wait.until("the policy's message at the caller", 10_000, () -> bed.sim().received(callerPhone), a -> a.size() == 1);
      assertEquals("No calls please, write to me 📵", got.getJsonObject(0).getString("text"));
    } finally {
      bed.api().put("/api/clients/" + CLIENT + "/config", bed.key(), new JsonObject().put("callPolicy", (Object) null));
    }
    // Without the policy a call rings on (the config cache is invalidated at once on this node).
    String ringing = bed.sim().post("/sim/phones/" + callerPhone + "/calls", new JsonObject().put("to", PHONE)).json().getString("callId");
    Wait.until("the call seen by the device", 10_000, () -> bed.api().get(BASE + "/chats", bed.key()).status(), st -> st == 200);
    io.vertx.core.json.JsonArray calls = new JsonArray(bed.sim().get("/sim/phones/" + callerPhone + "/calls").body());
    for (Object o : calls) {
      JsonObject call = (JsonObject) o;
      if (ringing.equals(call.getString("callId"))) {
        assertEquals("ringing", call.getString("status"), call.toString());
      }
    }
  }

  @Test
  void badInputGetsItsFourHundred() {
    expect(400, "VALIDATION_ERROR", send("text", new JsonObject().put("to", "12ab").put("text", "x")));
    expect(400, "VALIDATION_ERROR", send("text", new JsonObject().put("to", BOB)));
    expect(400, "VALIDATION_ERROR", send("text", new JsonObject().put("to", BOB).put("text", 42)));
    expect(400, "VALIDATION_ERROR", send("text", new JsonObject().put("to", BOB).put("text", "x".repeat(4097))));
    expect(400, "VALIDATION_ERROR", send("text", new JsonObject().put("to", BOB).put("text", "x").put("colour", "red")));
    expect(400, "VALIDATION_ERROR", send("poll", new JsonObject().put("to", BOB).put("question", "?").put("options", new JsonArray().add("one"))));
    expect(400, "VALIDATION_ERROR", send("location", new JsonObject().put("to", BOB).put("latitude", 91).put("longitude", 0)));
    expect(400, "VALIDATION_ERROR", send("image", new JsonObject().put("to", BOB)));
    expect(400, "VALIDATION_ERROR", send("image", new JsonObject().put("to", BOB).put("mediaId", "med_nope")));
    expect(400, "VALIDATION_ERROR", send("text", new JsonObject().put("to", BOB).put("text", "x").put("sendAt", "tomorrow")));
    expect(400, "VALIDATION_ERROR", send("text", new JsonObject().put("to", new JsonArray()).put("text", "x")));
    expect(404, "NOT_FOUND", send("telegram", new JsonObject().put("to", BOB).put("text", "x")));
    expect(404, "DEVICE_NOT_FOUND", bed.api().post("/api/clients/" + CLIENT + "/devices/ghost/messages/text", bed.key(),
        new JsonObject().put("to", BOB).put("text", "x")));
    expect(404, "MESSAGE_NOT_FOUND", bed.api().get(BASE + "/messages/3EB0000000000000000000", bed.key()));
    expect(422, "UNSAFE_URL", send("image", new JsonObject().put("to", BOB).put("url", "ftp://example.com/a.png")));
    expect(413, "PAYLOAD_TOO_LARGE", bed.api().post(BASE + "/messages/text", bed.key(),
        new JsonObject().put("to", BOB).put("text", "x".repeat(1_100_000))));
  }

  @Test
  void aUrlIsFetchedByTheGatewayAndAPrivateOneIsRefusedWithoutTheSwitch() throws Exception {
    byte[] bytes = "%PDF-1.4 a tiny file".getBytes(StandardCharsets.UTF_8);
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var server = vertx.createHttpServer().requestHandler(req -> {
        if (req.path().equals("/redirect")) {
          req.response().setStatusCode(302).putHeader("location", "/doc.pdf").end();
        } else if (req.path().equals("/big")) {
          req.response().putHeader("content-type", "application/octet-stream").end(Buffer.buffer(new byte[17 * 1024 * 1024]));
        } else {
          req.response().putHeader("content-type", "application/pdf").end(Buffer.buffer(bytes));
        }
      }).listen(0).await(10, java.util.concurrent.TimeUnit.SECONDS);
      String url = "http://127.0.0.1:" + server.actualPort();
      Api.Response r = send("file", new JsonObject().put("to", "15552220006").put("url", url + "/redirect").put("fileName", "doc.pdf"));
      assertEquals(202, r.status(), r.toString());
      arrived("15552220006", r.data().getString("messageId"));
      Api.Response big = send("file", new JsonObject().put("to", BOB).put("url", url + "/big").put("fileName", "big.bin"));
      expect(413, "PAYLOAD_TOO_LARGE", big);

      // A node without --allow-private-urls refuses loopback, by literal address and by a name that resolves to it.
      Node strict = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", bed.sim().url(),
          "--allow-private-urls", "false", "--node-name", "strict"));
      try (Api strictApi = new Api(strict.httpPort())) {
        String k = strictApi.clientWithKey("strict");
        Devices.link(strictApi, bed.sim(), k, "strict", "d", "15551119999");
        for (String bad : List.of(url + "/doc.pdf", "http://localhost:" + server.actualPort() + "/doc.pdf",
            "http://169.254.169.254/latest/meta-data", "http://[::1]/x")) {
          Api.Response refused = strictApi.post("/api/clients/strict/devices/d/messages/image", k,
              new JsonObject().put("to", BOB).put("url", bad));
          expect(422, "UNSAFE_URL", refused);
        }
      } finally {
        TestNode.stop(strict);
      }
    } finally {
      vertx.close();
    }
  }

  @Test
  void uploadsAreLimitedAndChecked() {
    Api.Response big = bed.api().callRaw(HttpMethod.POST, BASE + "/media", bed.key(), multipart("big.bin", "application/octet-stream",
        new byte[17 * 1024 * 1024]), multipartHeaders());
    expect(413, "PAYLOAD_TOO_LARGE", big);
    Api.Response none = bed.api().callRaw(HttpMethod.POST, BASE + "/media", bed.key(), Buffer.buffer("{}"),
        MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"));
    expect(400, "VALIDATION_ERROR", none);
    expect(404, "DEVICE_NOT_FOUND", bed.api().callRaw(HttpMethod.POST, "/api/clients/" + CLIENT + "/devices/ghost/media", bed.key(),
        multipart("a.txt", "text/plain", new byte[] {1}), multipartHeaders()));
    expect(401, "UNAUTHORIZED", bed.api().callRaw(HttpMethod.POST, BASE + "/media", null,
        multipart("a.txt", "text/plain", new byte[] {1}), multipartHeaders()));
  }

  private static final String BOUNDARY = "----switchboard-test-boundary";

  static Buffer multipart(String name, String mime, byte[] bytes) {
    return Buffer.buffer()
        .appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
            + "\"\r\nContent-Type: " + mime + "\r\n\r\n")
        .appendBytes(bytes)
        .appendString("\r\n--" + BOUNDARY + "--\r\n");
  }

  static MultiMap multipartHeaders() {
    return MultiMap.caseInsensitiveMultiMap().add("content-type", "multipart/form-data; boundary=" + BOUNDARY);
  }

  static JsonObject upload(String name, String mime, byte[] bytes) {
    Api.Response r = bed.api().callRaw(HttpMethod.POST, BASE + "/media", bed.key(), multipart(name, mime, bytes), multipartHeaders());
    assertEquals(201, r.status(), r.toString());
    assertEquals(bytes.length, r.data().getInteger("size"));
    assertEquals(mime, r.data().getString("mimeType"));
    return r.data();
  }

  static void expect(int status, String code, Api.Response r) {
    assertEquals(status, r.status(), r.toString());
    assertEquals(code, r.errorCode(), r.toString());
  }
}
