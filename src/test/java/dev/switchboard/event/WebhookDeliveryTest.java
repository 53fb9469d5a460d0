package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.MultiMap;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhooks from a real simulated device to a real HTTP receiver on loopback. */
class WebhookDeliveryTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode();
  private static Api simControl;

  @BeforeAll
  static void start() {
    simControl = EventKit.simControl(bed.sim());
  }

  @AfterAll
  static void stop() {
    simControl.close();
  }

  private static JsonArray deliveries(String key, String clientId, String query) {
    Api.Response r = bed.api().get("/api/clients/" + clientId + "/webhook-deliveries" + query, key);
    assertEquals(200, r.status(), r.toString());
    return r.data().getJsonArray("items");
  }

  @Test
  void aMessageArrivesSignedWithTheClientsSecretAndApiKey() throws Exception {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("sig");
      EventKit.configure(bed.api(), key, "sig", new JsonObject().put("webhookUrl", receiver.url()).put("webhookApiKey", "hook-key-1"));
      String secret = bed.api().get("/api/clients/sig/config", key).data().getString("webhookSecret");
      EventKit.link(bed.api(), bed.sim(), key, "sig", "phone-1", "15551110001");
      String text = "שלום, مرحبا 👋 \"quoted\"";
      String messageId = EventKit.say(simControl, "15551119999", "15551110001", text);

      Receiver.Hit hit = Wait.until("the message webhook", 10_000, () -> receiver.hits("message"), l -> !l.isEmpty()).get(0);
      MultiMap h = hit.headers();
      assertEquals("hook-key-1", h.get("x-api-key"));
      assertTrue(h.get("content-type").startsWith("application/json"));
      JsonObject envelope = hit.json();
      assertEquals(envelope.getString("id"), h.get("webhook-id"));
      assertTrue(envelope.getString("id").startsWith("evt_"));
      long ts = Long.parseLong(h.get("webhook-timestamp"));
      assertTrue(Math.abs(ts - System.currentTimeMillis() / 1000) < 30, "timestamp is now: " + ts);
      assertEquals(EventKit.expectedSignature(secret, h.get("webhook-id"), h.get("webhook-timestamp"), hit.body()),
          h.get("webhook-signature"));
      assertNotEquals(EventKit.expectedSignature(secret, h.get("webhook-id"), h.get("webhook-timestamp"), hit.body() + " "),
          h.get("webhook-signature"), "the signature covers the body");

      assertEquals("message", envelope.getString("event"));
      assertEquals("sig", envelope.getString("clientId"));
      assertEquals("phone-1", envelope.getString("deviceId"));
      assertTrue(envelope.getString("timestamp").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
      JsonObject data = envelope.getJsonObject("data");
      assertEquals(messageId, data.getString("messageId"));
      assertEquals(text, data.getString("text"), "UTF-8 round-trips byte for byte");
      assertEquals("15551119999@s.whatsapp.net", data.getString("from"));
      assertEquals("15551119999@s.whatsapp.net", data.getString("chatId"));
      assertEquals("text", data.getString("type"));
      assertFalse(data.getBoolean("isGroup"));

      // Linking produced device_status events too, in the same envelope, up to CONNECTED.
      List<String> statuses = Wait.until("device_status CONNECTED", 5_000, () -> receiver.hits("device_status").stream()
          .map(x -> x.json().getJsonObject("data").getString("status")).toList(), l -> l.contains("CONNECTED"));
      assertTrue(statuses.contains("QR_READY"), statuses.toString());

      JsonObject delivered = Wait.until("the delivery listed as delivered", 5_000,
          () -> deliveries(key, "sig", "?status=delivered").stream().map(o -> (JsonObject) o)
              .filter(o -> o.getString("eventId").equals(envelope.getString("id"))).findFirst().orElse(null), d -> d != null);
      assertEquals(1, delivered.getInteger("attempts"));
      assertEquals(200, delivered.getInteger("lastStatusCode"));
      assertEquals(receiver.url(), delivered.getString("url"));
      assertEquals("message", delivered.getString("event"));
    }
  }

  @Test
  void aReceiverThatFailsFirstGetsTheEventLaterWithTheSameId() {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("retry");
      EventKit.link(bed.api(), bed.sim(), key, "retry", "d", "15551120001");
      AtomicInteger messageCalls = new AtomicInteger();
      receiver.answer(hit -> {
        if (!"message".equals(hit.event())) {
          return Receiver.Answer.ok();
        }
        int n = messageCalls.incrementAndGet();
        if (n == 1) {
          return Receiver.Answer.status(500);
        }
        if (n == 2) {
          return new Receiver.Answer(429, "", MultiMap.caseInsensitiveMultiMap().add("Retry-After", "2"));
        }
        return Receiver.Answer.ok();
      });
      EventKit.configure(bed.api(), key, "retry", new JsonObject().put("webhookUrl", receiver.url()));
      EventKit.say(simControl, "15551129999", "15551120001", "try again");

      List<Receiver.Hit> hits = Wait.until("three attempts", 15_000, () -> receiver.hits("message"), l -> l.size() >= 3);
      Set<String> ids = hits.stream().map(x -> x.headers().get("webhook-id")).collect(Collectors.toSet());
      assertEquals(1, ids.size(), "every attempt carries the same id: " + ids);
      assertEquals(hits.get(0).body(), hits.get(2).body(), "the same envelope on every attempt");
      double retryAfterGap = (hits.get(2).receivedAtNanos() - hits.get(1).receivedAtNanos()) / 1e9;
      assertTrue(retryAfterGap >= 1.9, "Retry-After: 2 was honoured, gap " + retryAfterGap);

      JsonObject d = Wait.until("delivered after 3 attempts", 5_000, () -> deliveries(key, "retry", "?status=delivered")
          .stream().map(o -> (JsonObject) o).filter(o -> "message".equals(o.getString("event"))).findFirst().orElse(null),
          x -> x != null);
      assertEquals(3, d.getInteger("attempts"));
      assertEquals(3, receiver.hits("message").size(), "nothing more once acknowledged");
    }
  }

  @Test
  void switchedOffEventsAreNotSent() {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("switch");
      EventKit.configure(bed.api(), key, "switch", new JsonObject().put("webhookUrl", receiver.url())
          .put("events", new JsonObject().put("device_status", false).put("presence_update", false)));
      EventKit.link(bed.api(), bed.sim(), key, "switch", "d", "15551130001");
      EventKit.say(simControl, "15551139999", "15551130001", "first");
      assertEquals(200, simControl.post("/sim/phones/15551139999/presence", null,
          new JsonObject().put("chatId", "15551130001@s.whatsapp.net").put("state", "composing")).status());
      EventKit.say(simControl, "15551139999", "15551130001", "second");
      Wait.until("both messages", 10_000, () -> receiver.hits("message"), l -> l.size() == 2);
      assertEquals(List.of(), receiver.hits("device_status"));
      assertEquals(List.of(), receiver.hits("presence_update"));
      assertTrue(deliveries(key, "switch", "").stream().map(o -> ((JsonObject) o).getString("event"))
          .allMatch("message"::equals));

      // Switched back on, the next event goes out at once (the config cache was invalidated).
      EventKit.configure(bed.api(), key, "switch", new JsonObject().put("events", new JsonObject().put("presence_update", true)));
      assertEquals(200, simControl.post("/sim/phones/15551139999/presence", null,
          new JsonObject().put("chatId", "15551130001@s.whatsapp.net").put("state", "paused")).status());
      Wait.until("the presence_update", 5_000, () -> receiver.hits("presence_update"), l -> l.size() == 1);
    }
  }

  @Test
  void aReplyFromTheWebhookIsSentBackToTheChat() {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("reply");
      receiver.answer(hit -> "message".equals(hit.event())
          ? Receiver.Answer.json(new JsonObject().put("reply", "echo: " + hit.json().getJsonObject("data").getString("text")))
          : Receiver.Answer.ok());
      EventKit.configure(bed.api(), key, "reply", new JsonObject().put("webhookUrl", receiver.url()));
      EventKit.link(bed.api(), bed.sim(), key, "reply", "d", "15551140001");
      EventKit.say(simControl, "15551149999", "15551140001", "ping ✓");
      JsonObject got = Wait.until("the auto-reply in the person's inbox", 10_000,
          () -> EventKit.inbox(simControl, "15551149999"), a -> !a.isEmpty()).getJsonObject(0);
      assertEquals("echo: ping ✓", got.getString("text"));
      assertEquals("15551140001", got.getString("from").replace("@s.whatsapp.net", ""));
    }
  }

  @Test
  void aHugeAnswerIsAcknowledgedButNotReadForAReply() {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("huge");
      String padding = "x".repeat(2 * 1024 * 1024);
      receiver.answer(hit -> {
        if (!"message".equals(hit.event())) {
          return Receiver.Answer.ok();
        }
        String text = hit.json().getJsonObject("data").getString("text");
        JsonObject answer = new JsonObject().put("reply", "re: " + text);
        return Receiver.Answer.json("big".equals(text) ? answer.put("padding", padding) : answer);
      });
      EventKit.configure(bed.api(), key, "huge", new JsonObject().put("webhookUrl", receiver.url()));
      EventKit.link(bed.api(), bed.sim(), key, "huge", "d", "15551190001");
      EventKit.say(simControl, "15551199999", "15551190001", "big");
      Wait.until("the big one delivered", 10_000, () -> deliveries(key, "huge", "?status=delivered").stream()
          .map(o -> (JsonObject) o).filter(o -> "message".equals(o.getString("event"))).count(), n -> n == 1);
      EventKit.say(simControl, "15551199999", "15551190001", "small");
      JsonArray inbox = Wait.until("the small one's reply", 10_000, () -> EventKit.inbox(simControl, "15551199999"),
          a -> !a.isEmpty());
      assertEquals(1, inbox.size(), inbox.encode());
      assertEquals("re: small", inbox.getJsonObject(0).getString("text"));
    }
  }

  @Test
  void deliveriesCanBeListedByStatusAndRetriedByHand() {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("list");
      EventKit.configure(bed.api(), key, "list", new JsonObject().put("webhookUrl", receiver.url())
          .put("events", new JsonObject().put("device_status", false)));
      EventKit.link(bed.api(), bed.sim(), key, "list", "d", "15551150001");
      for (int i = 0; i < 3; i++) {
        EventKit.say(simControl, "15551159999", "15551150001", "m" + i);
      }
      Wait.until("3 delivered", 10_000, () -> deliveries(key, "list", "?status=delivered"), a -> a.size() == 3);
      assertEquals(0, deliveries(key, "list", "?status=failed").size());
      assertEquals(0, deliveries(key, "list", "?status=pending").size());

      JsonObject page1 = bed.api().get("/api/clients/list/webhook-deliveries?limit=2", key).data();
      assertEquals(2, page1.getJsonArray("items").size());
      JsonObject page2 = bed.api().get("/api/clients/list/webhook-deliveries?limit=2&cursor=" + page1.getString("nextCursor"), key).data();
      assertEquals(1, page2.getJsonArray("items").size());
      assertNull(page2.getString("nextCursor"));

      JsonObject first = deliveries(key, "list", "").getJsonObject(2);
      List<String> fields = List.of("id", "eventId", "webhookId", "event", "deviceId", "status", "attempts", "nextAttemptAt", "url",
          "lastStatusCode", "lastError", "lastAttemptAt", "deliveredAt", "createdAt");
      assertEquals(fields, List.copyOf(first.fieldNames()), "a delivery's fields, in the order of docs/api.md");
      assertNull(first.getValue("nextAttemptAt"), "no next attempt for a delivered one");
      Api.Response retried = bed.api().post("/api/clients/list/webhook-deliveries/" + first.getString("id") + "/retry", key, null);
      assertEquals(202, retried.status(), retried.toString());
      assertEquals(fields, List.copyOf(retried.data().fieldNames()));
      assertEquals("pending", retried.data().getString("status"));
      assertNotNull(retried.data().getString("nextAttemptAt"), "due now");
      Wait.until("the event sent again", 5_000, () -> receiver.hits("message").stream()
          .filter(x -> x.headers().get("webhook-id").equals(first.getString("eventId"))).count(), n -> n == 2);

      assertEquals(400, bed.api().get("/api/clients/list/webhook-deliveries?status=lost", key).status());
      assertEquals(400, bed.api().get("/api/clients/list/webhook-deliveries?limit=0", key).status());
      assertEquals(400, bed.api().get("/api/clients/list/webhook-deliveries?cursor=%21%21", key).status());
      assertEquals(400, bed.api().post("/api/clients/list/webhook-deliveries/abc/retry", key, null).status());
      assertEquals(404, bed.api().post("/api/clients/list/webhook-deliveries/999999999/retry", key, null).status());
      String other = bed.api().clientWithKey("list-other");
      assertEquals(401, bed.api().get("/api/clients/list/webhook-deliveries", other).status());
      assertEquals(404, bed.api().post("/api/clients/list-other/webhook-deliveries/" + first.getString("id") + "/retry", other, null)
          .status(), "another client's delivery is not found");
    }
  }

  @Test
  void a410StopsTheEndpointAndTheFailureIsDeadLettered() {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("gone");
      EventKit.link(bed.api(), bed.sim(), key, "gone", "d", "15551160001");
      receiver.answer(hit -> Receiver.Answer.status(410));
      EventKit.configure(bed.api(), key, "gone", new JsonObject().put("webhookUrl", receiver.url()));
      EventKit.say(simControl, "15551169999", "15551160001", "anyone?");
      Wait.until("webhookUrl switched off", 10_000, () -> bed.api().get("/api/clients/gone/config", key).data(),
          c -> c.getValue("webhookUrl") == null);
      JsonObject failed = Wait.until("a failed delivery", 5_000, () -> deliveries(key, "gone", "?status=failed"), a -> !a.isEmpty())
          .getJsonObject(0);
      assertEquals(410, failed.getInteger("lastStatusCode"));
      assertEquals("webhook.disabled", bed.api().get("/api/clients/gone/audit", key).data().getJsonArray("items")
          .getJsonObject(0).getString("action"));
      int before = receiver.hits().size();
      // The live feed shows when the node has dealt with the next event: with the webhook off it is
      // published there alone, neither stored for delivery nor posted.
      List<String> feed = new CopyOnWriteArrayList<>();
      WebSocketClient ws = bed.node().vertx().createWebSocketClient();
      TestNode.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(bed.node().httpPort())
          .setURI("/api/events/ws?events=message").addHeader("x-api-key", key)).onSuccess(s -> s.textMessageHandler(feed::add)));
      EventKit.say(simControl, "15551169999", "15551160001", "still there?");
      Wait.until("the message on the live feed", 10_000, () -> feed, f -> f.stream().anyMatch(t -> t.contains("still there?")));
      TestNode.await(ws.close());
      assertEquals(1, count("SELECT count(*) FROM events WHERE client_id = 'gone' AND event = 'message'"));
      assertEquals(before, receiver.hits().size(), "nothing is posted to a stopped endpoint");
    }
  }

  @Test
  void failuresPastTheRetryWindowAreDeadLetteredAndAnExpiredLeaseIsClaimedAgain() {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("dead");
      EventKit.link(bed.api(), bed.sim(), key, "dead", "d", "15551170001");
      receiver.answer(hit -> Receiver.Answer.status(503));
      EventKit.configure(bed.api(), key, "dead", new JsonObject().put("webhookUrl", receiver.url())
          .put("events", new JsonObject().put("device_status", false)));
      EventKit.say(simControl, "15551179999", "15551170001", "a");
      EventKit.say(simControl, "15551179999", "15551170001", "b");
      Wait.until("both attempted once", 10_000, () -> count("SELECT count(*) FROM webhook_deliveries WHERE client_id = 'dead'"
          + " AND attempts >= 1 AND locked_by IS NULL"), n -> n == 2);
      JsonArray pending = deliveries(key, "dead", "?status=pending");
      assertEquals(2, pending.size());
      assertEquals("HTTP 503", pending.getJsonObject(0).getString("lastError"));
      String a = pending.getJsonObject(1).getString("id");
      String b = pending.getJsonObject(0).getString("id");

      // a: its first attempt was 25 h ago, so the next failure is final.
      exec("UPDATE webhook_deliveries SET retry_from = now() - interval '25 hours', next_attempt_at = now() WHERE id = $1",
          Long.parseLong(a));
      Wait.until("a dead-lettered", 10_000, () -> deliveries(key, "dead", "?status=failed"), arr -> arr.size() == 1);
      // b: claimed by a node that died (its lease ran out a moment ago); the endpoint has recovered.
      receiver.answer(hit -> Receiver.Answer.ok());
      exec("UPDATE webhook_deliveries SET locked_by = 'ghost|1', locked_until = now() + interval '1 second',"
          + " next_attempt_at = now() WHERE id = $1", Long.parseLong(b));
      Wait.until("b delivered once the ghost's lease ran out", 10_000, () -> deliveries(key, "dead", "?status=delivered"),
          arr -> arr.size() == 1 && arr.getJsonObject(0).getString("id").equals(b));
    }
  }

  @Test
  void theWebhookSecretCanBeRotatedAndNewDeliveriesUseIt() throws Exception {
    try (Receiver receiver = new Receiver()) {
      String key = bed.api().clientWithKey("rot");
      String old = bed.api().get("/api/clients/rot/config", key).data().getString("webhookSecret");
      assertTrue(old.startsWith("whsec_"));
      Api.Response rotated = bed.api().post("/api/clients/rot/webhook-secret/rotate", key, null);
      assertEquals(200, rotated.status(), rotated.toString());
      String secret = rotated.data().getString("webhookSecret");
      assertNotEquals(old, secret);
      assertEquals(secret, bed.api().get("/api/clients/rot/config", key).data().getString("webhookSecret"));
      assertEquals("webhook_secret.rotated", bed.api().get("/api/clients/rot/audit", key).data().getJsonArray("items")
          .getJsonObject(0).getString("action"));
      assertEquals(401, bed.api().post("/api/clients/rot/webhook-secret/rotate", bed.api().clientWithKey("rot-other"), null).status());
      assertEquals(400, bed.api().post("/api/clients/rot/webhook-secret/rotate", key, new JsonObject().put("x", 1)).status());

      EventKit.configure(bed.api(), key, "rot", new JsonObject().put("webhookUrl", receiver.url()));
      EventKit.link(bed.api(), bed.sim(), key, "rot", "d", "15551180001");
      Receiver.Hit hit = Wait.until("an event", 10_000, receiver::hits, l -> !l.isEmpty()).get(0);
      assertEquals(EventKit.expectedSignature(secret, hit.headers().get("webhook-id"), hit.headers().get("webhook-timestamp"),
          hit.body()), hit.headers().get("webhook-signature"));
    }
  }

  private static long count(String sql) {
    return TestNode.await(bed.node().pool().query(sql).execute()).iterator().next().getLong(0);
  }

  private static void exec(String sql, long id) {
    TestNode.await(bed.node().pool().preparedQuery(sql).execute(Tuple.of(id)));
  }
}
