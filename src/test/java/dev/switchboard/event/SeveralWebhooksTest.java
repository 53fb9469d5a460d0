package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several webhooks per client, each with its filters, secret, headers and deliveries, against real receivers. */
class SeveralWebhooksTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode();

  private static String hooks(String clientId) {
    return "/api/clients/" + clientId + "/webhooks";
  }

  private static JsonObject create(String key, String clientId, JsonObject body) {
    Api.Response r = bed.api().post(hooks(clientId), key, body);
    assertEquals(201, r.status(), r.toString());
    assertTrue(r.data().getString("secret").startsWith("whsec_"), r.toString());
    return r.data();
  }

  private static JsonArray deliveries(String key, String clientId, String webhookId) {
    Api.Response r = bed.api().get("/api/clients/" + clientId + "/webhook-deliveries?limit=100&webhookId=" + webhookId, key);
    assertEquals(200, r.status(), r.toString());
    return r.data().getJsonArray("items");
  }

  /** Each hit carries a Standard Webhooks signature made with {@code secret}, and not with {@code other}. */
  private static void signedWith(List<Receiver.Hit> hits, String secret, String other) throws Exception {
    for (Receiver.Hit h : hits) {
      String id = h.headers().get("webhook-id");
      String ts = h.headers().get("webhook-timestamp");
      assertEquals(EventKit.expectedSignature(secret, id, ts, h.body()), h.headers().get("webhook-signature"));
      assertNotEquals(EventKit.expectedSignature(other, id, ts, h.body()), h.headers().get("webhook-signature"));
    }
  }

  @Test
  void twoWebhooksWithDifferentFiltersGetExactlyTheirEventsWhileAHungOneRetriesOnItsOwn() throws Exception {
    try (Api simControl = EventKit.simControl(bed.sim()); Receiver messages = new Receiver(); Receiver status = new Receiver();
        Receiver hung = new Receiver(); Receiver v1 = new Receiver(); Receiver otherDevice = new Receiver()) {
      hung.answer(hit -> null);
      String key = bed.api().clientWithKey("fan");
      JsonObject dead = create(key, "fan", new JsonObject().put("url", hung.url()).put("events", new JsonArray().add("message")));
      JsonObject a = create(key, "fan", new JsonObject().put("url", messages.url())
          .put("events", new JsonArray().add("message")).put("headers", new JsonObject().put("Authorization", "Bearer crm")));
      JsonObject b = create(key, "fan", new JsonObject().put("url", status.url())
          .put("events", new JsonArray().add("device_status")).put("deviceIds", new JsonArray().add("d")));
      create(key, "fan", new JsonObject().put("url", otherDevice.url()).put("deviceIds", new JsonArray().add("elsewhere")));
      // The v1 webhook goes on beside them, with the client's own secret, and takes every event.
      EventKit.configure(bed.api(), key, "fan", new JsonObject().put("webhookUrl", v1.url())
          .put("events", new JsonObject().put("receipt", false)));
      String clientSecret = bed.api().get("/api/clients/fan/config", key).data().getString("webhookSecret");

      EventKit.link(bed.api(), bed.sim(), key, "fan", "d", "15554440001");
      long t0 = System.nanoTime();
      for (int i = 0; i < 40; i++) {
        EventKit.say(simControl, "15554449999", "15554440001", "fan out " + i);
      }
      List<Receiver.Hit> got = Wait.until("40 messages at the message webhook", 8_000, () -> messages.hits("message"),
          l -> l.size() == 40);
      double seconds = (got.get(39).receivedAtNanos() - t0) / 1e9;
      assertTrue(seconds < 4, "the 40 messages took " + seconds + " s beside a hung webhook of the same client");
      Wait.until("40 messages at the v1 webhook", 8_000, () -> v1.hits("message"), l -> l.size() == 40);
      assertTrue(hung.hits().size() <= 16, "the hung webhook holds at most its concurrency in flight: " + hung.hits().size());

      assertEquals(Set.of("message"), messages.hits().stream().map(Receiver.Hit::event).collect(Collectors.toSet()));
      assertEquals(Set.of("device_status"), status.hits().stream().map(Receiver.Hit::event).collect(Collectors.toSet()));
      assertTrue(status.hits().stream().anyMatch(h -> "CONNECTED".equals(h.json().getJsonObject("data").getString("status"))));
      assertTrue(v1.hits("device_status").size() >= status.hits().size(), "v1 takes every event its config lets through");
      assertEquals(List.of(), otherDevice.hits(), "a webhook of another device gets nothing");
      assertTrue(messages.hits().stream().allMatch(h -> "Bearer crm".equals(h.headers().get("authorization"))));
      signedWith(messages.hits(), a.getString("secret"), b.getString("secret"));
      signedWith(status.hits(), b.getString("secret"), a.getString("secret"));
      signedWith(v1.hits(), clientSecret, a.getString("secret"));
      assertEquals(messages.hits().stream().map(h -> h.headers().get("webhook-id")).collect(Collectors.toSet()),
          v1.hits("message").stream().map(h -> h.headers().get("webhook-id")).collect(Collectors.toSet()),
          "one event, the same id at each webhook");

      JsonArray delivered = deliveries(key, "fan", a.getString("webhookId"));
      assertEquals(40, delivered.size());
      delivered.forEach(o -> {
        assertEquals(a.getString("webhookId"), ((JsonObject) o).getString("webhookId"));
        assertEquals("delivered", ((JsonObject) o).getString("status"));
      });
      // The hung one times out (10 s) and is retried later, on its own; it never got in the others' way.
      JsonObject retried = Wait.until("a timed-out attempt of the hung webhook", 20_000, () -> deliveries(key, "fan",
          dead.getString("webhookId")).stream().map(o -> (JsonObject) o).filter(o -> o.getInteger("attempts") >= 1)
          .findFirst().orElse(null), x -> x != null);
      assertEquals("pending", retried.getString("status"), retried.toString());
      assertEquals(dead.getString("webhookId"), retried.getString("webhookId"));
      assertTrue(retried.getString("lastError").startsWith("no answer"), retried.toString());
      assertEquals(40, deliveries(key, "fan", dead.getString("webhookId")).size());
    }
  }

  @Test
  void theTestPingReports200ForALiveEndpointAndTheStatusOfAFailingOne() throws Exception {
    try (Receiver live = new Receiver(); Receiver failing = new Receiver()) {
      failing.answer(hit -> Receiver.Answer.status(503));
      String key = bed.api().clientWithKey("ping");
      JsonObject up = create(key, "ping", new JsonObject().put("url", live.url()).put("active", false));
      JsonObject down = create(key, "ping", new JsonObject().put("url", failing.url()));

      Api.Response ok = bed.api().post(hooks("ping") + "/" + up.getString("webhookId") + "/test", key, null);
      assertEquals(200, ok.status(), ok.toString());
      assertEquals(true, ok.data().getBoolean("ok"));
      assertEquals(200, ok.data().getInteger("statusCode"));
      assertTrue(ok.data().getLong("latencyMs") >= 0);
      assertNull(ok.data().getValue("error"));
      Receiver.Hit ping = live.hits().get(0);
      assertEquals("ping", ping.event(), "sent at once, even to a webhook switched off");
      signedWith(List.of(ping), up.getString("secret"), down.getString("secret"));

      Api.Response bad = bed.api().post(hooks("ping") + "/" + down.getString("webhookId") + "/test", key, new JsonObject());
      assertEquals(200, bad.status(), bad.toString());
      assertEquals(false, bad.data().getBoolean("ok"));
      assertEquals(503, bad.data().getInteger("statusCode"));
      assertEquals("HTTP 503", bad.data().getString("error"));

      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      Api.Response moved = bed.api().call(HttpMethod.PATCH, hooks("ping") + "/" + down.getString("webhookId"), key,
          new JsonObject().put("url", "http://127.0.0.1:" + closedPort + "/gone").toBuffer());
      assertEquals(200, moved.status(), moved.toString());
      JsonObject nobody = bed.api().post(hooks("ping") + "/" + down.getString("webhookId") + "/test", key, null).data();
      assertEquals(false, nobody.getBoolean("ok"));
      assertNull(nobody.getValue("statusCode"), nobody.toString());
      assertNotNull(nobody.getString("error"));

      // A rotated secret signs the next ping; the old one no longer does.
      Api.Response rotated = bed.api().post(hooks("ping") + "/" + up.getString("webhookId") + "/secret/rotate", key, null);
      assertEquals(200, rotated.status(), rotated.toString());
      String secret = rotated.data().getString("secret");
      assertNotEquals(up.getString("secret"), secret);
      bed.api().post(hooks("ping") + "/" + up.getString("webhookId") + "/test", key, null);
      signedWith(List.of(live.hits().get(1)), secret, up.getString("secret"));
    }
  }

  @Test
  void aWebhookThatAnswers410IsSwitchedOffAloneWhileTheClientsOtherWebhookGoesOn() {
    try (Api simControl = EventKit.simControl(bed.sim()); Receiver gone = new Receiver(); Receiver live = new Receiver()) {
      gone.answer(hit -> Receiver.Answer.status(410));
      String key = bed.api().clientWithKey("gone");
      JsonObject off = create(key, "gone", new JsonObject().put("url", gone.url()).put("events", new JsonArray().add("message")));
      create(key, "gone", new JsonObject().put("url", live.url()).put("events", new JsonArray().add("message")));
      EventKit.link(bed.api(), bed.sim(), key, "gone", "d", "15554450001");
      EventKit.say(simControl, "15554459999", "15554450001", "first");
      Wait.until("the 410", 10_000, gone::hits, l -> l.size() == 1);
      String one = hooks("gone") + "/" + off.getString("webhookId");
      Wait.until("the webhook switched off", 10_000, () -> bed.api().get(one, key).data(), w -> !w.getBoolean("active"));
      EventKit.say(simControl, "15554459999", "15554450001", "second");
      Wait.until("both messages at the other webhook", 10_000, () -> live.hits("message"), l -> l.size() == 2);
      assertEquals(1, gone.hits().size(), "nothing more goes to a webhook that answered 410");
      JsonObject failed = deliveries(key, "gone", off.getString("webhookId")).getJsonObject(0);
      assertEquals("failed", failed.getString("status"));
      assertEquals(410, failed.getInteger("lastStatusCode"));
    }
  }

  @Test
  void anEleventhWebhookAReservedHeaderAnUnsafeUrlAndOtherBadInputAre4xx() {
    String key = bed.api().clientWithKey("limits");
    String url = "http://127.0.0.1:9/hook";
    List<JsonObject> bad = List.of(
        new JsonObject().put("url", url).put("headers", new JsonObject().put("Webhook-Signature", "v1,forged")),
        new JsonObject().put("url", url).put("headers", new JsonObject().put("Content-Type", "text/plain")),
        new JsonObject().put("url", url).put("headers", new JsonObject().put("host", "evil.example")),
        new JsonObject().put("url", url).put("headers", new JsonObject().put("bad name", "x")),
        new JsonObject().put("url", url).put("headers", new JsonObject().put("x-ok", "line\r\nbreak")),
        new JsonObject().put("url", url).put("events", new JsonArray().add("nonsense")),
        new JsonObject().put("url", url).put("events", new JsonArray()),
        new JsonObject().put("url", url).put("deviceIds", new JsonArray().add("no/slash")),
        new JsonObject().put("url", url).put("secret", "whsec_mine"),
        new JsonObject().put("events", new JsonArray().add("message")));
    for (JsonObject body : bad) {
      Api.Response r = bed.api().post(hooks("limits"), key, body);
      assertEquals(400, r.status(), body + " -> " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
    for (String unsafe : List.of("ftp://127.0.0.1/hook", "http://user:pw@127.0.0.1/hook", "file:///etc/passwd")) {
      Api.Response r = bed.api().post(hooks("limits"), key, new JsonObject().put("url", unsafe));
      assertEquals(422, r.status(), unsafe + " -> " + r);
      assertEquals("UNSAFE_URL", r.errorCode());
    }

    String first = null;
    for (int i = 0; i < 10; i++) {
      JsonObject w = create(key, "limits", new JsonObject().put("url", url + i));
      first = first == null ? w.getString("webhookId") : first;
    }
    Api.Response eleventh = bed.api().post(hooks("limits"), key, new JsonObject().put("url", url));
    assertEquals(409, eleventh.status(), eleventh.toString());
    assertEquals("WEBHOOK_LIMIT_REACHED", eleventh.errorCode());

    JsonArray listed = bed.api().get(hooks("limits"), key).data().getJsonArray("items");
    assertEquals(10, listed.size());
    assertFalse(listed.getJsonObject(0).containsKey("secret"), "secrets are shown at creation and rotation only");
    Api.Response reserved = bed.api().call(HttpMethod.PATCH, hooks("limits") + "/" + first, key,
        new JsonObject().put("headers", new JsonObject().put("content-length", "1")).toBuffer());
    assertEquals(400, reserved.status(), reserved.toString());
    Api.Response unsafe = bed.api().call(HttpMethod.PATCH, hooks("limits") + "/" + first, key,
        new JsonObject().put("url", "gopher://127.0.0.1/").toBuffer());
    assertEquals(422, unsafe.status(), unsafe.toString());
    assertEquals(404, bed.api().get(hooks("limits") + "/wh_nope", key).status());
    assertEquals(404, bed.api().post(hooks("limits") + "/wh_nope/test", key, null).status());
    assertEquals(400, bed.api().get("/api/clients/limits/webhook-deliveries?webhookId=a%20b", key).status());

    assertEquals(200, bed.api().delete(hooks("limits") + "/" + first, key).status());
    assertEquals(404, bed.api().get(hooks("limits") + "/" + first, key).status());
    assertEquals(201, bed.api().post(hooks("limits"), key, new JsonObject().put("url", url)).status(),
        "room for one more after a delete");
  }
}
