package dev.switchboard.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stats over time, the message log and the call log, against traffic whose figures the test knows. */
class UsageTest {

  static final String PHONE = "15558880001";
  static final String PEER = "15558880002";

  private static Sim sim;
  private static Node node;
  private static Api api;
  private static String key;

  @BeforeAll
  static void start() {
    sim = new Sim(20_000);
    node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url(), "--send-rate", "0"));
    api = new Api(node.httpPort());
    key = api.clientWithKey("use");
    api.clientWithKey("use2");
    Devices.link(api, sim, key, "use", "d", PHONE);
  }

  @AfterAll
  static void stop() {
    api.close();
    TestNode.stop(node);
    sim.close();
  }

  static void minute(String clientId, String at, int sent, int received, int webhookFailed) {
    TestNode.await(node.pool().preparedQuery("""
        INSERT INTO usage_minutes (client_id, minute, sent, received, webhook_failed) VALUES ($1, $2, $3, $4, $5)""")
        .execute(Tuple.of(clientId, Instant.parse(at).atOffset(ZoneOffset.UTC), sent, received, webhookFailed)));
  }

  static JsonArray items(String path, String key) {
    Api.Response r = api.get(path, key);
    assertEquals(200, r.status(), r.toString());
    return r.data().getJsonArray("items");
  }

  @Test
  void bucketsAcrossAnHourBoundarySumTheirMinutes() {
    minute("use", "2030-01-05T10:58:00Z", 1, 0, 0);
    minute("use", "2030-01-05T10:59:00Z", 2, 5, 1);
    minute("use", "2030-01-05T11:00:00Z", 4, 0, 0);
    minute("use", "2030-01-05T11:01:00Z", 8, 1, 0);
    minute("use2", "2030-01-05T11:30:00Z", 16, 0, 0);
    String c = "/api/clients/use/stats";

    JsonArray hours = items(c + "?bucket=hour&since=2030-01-05T10:00:00Z&until=2030-01-05T12:00:00Z", key);
    assertEquals(2, hours.size());
    assertEquals("2030-01-05T10:00:00.000Z", hours.getJsonObject(0).getString("t"));
    assertEquals(3, hours.getJsonObject(0).getLong("sent"));
    assertEquals(5, hours.getJsonObject(0).getLong("received"));
    assertEquals(1, hours.getJsonObject(0).getLong("webhookFailed"));
    assertEquals("2030-01-05T11:00:00.000Z", hours.getJsonObject(1).getString("t"));
    assertEquals(12, hours.getJsonObject(1).getLong("sent"));
    assertEquals(1, hours.getJsonObject(1).getLong("received"));

    JsonArray minutes = items(c + "?bucket=minute&since=2030-01-05T10:58:30Z&until=2030-01-05T11:01:00Z", key);
    assertEquals(List.of(1L, 2L, 4L), minutes.stream().map(o -> ((JsonObject) o).getLong("sent")).toList(),
        "since rounds down to its minute; until is exclusive");

    JsonArray days = items(c + "?bucket=day&since=2030-01-04T00:00:00Z&until=2030-01-06T00:00:00Z", key);
    assertEquals(List.of(0L, 15L), days.stream().map(o -> ((JsonObject) o).getLong("sent")).toList());

    JsonArray all = items("/api/admin/stats?bucket=hour&since=2030-01-05T10:00:00Z&until=2030-01-05T12:00:00Z",
        TestNode.MASTER);
    assertEquals(List.of(3L, 28L), all.stream().map(o -> ((JsonObject) o).getLong("sent")).toList());
    assertEquals(401, api.get("/api/admin/stats", null).status());
    assertEquals(401, api.get("/api/clients/use2/stats", key).status(), "another client's stats");
  }

  @Test
  void badPeriodsAndBucketsAre400() {
    String c = "/api/clients/use/stats";
    assertEquals(400, api.get(c + "?bucket=week", key).status());
    assertEquals(400, api.get(c + "?since=yesterday", key).status());
    assertEquals(400, api.get(c + "?since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z", key).status());
    assertEquals(400, api.get(c + "?bucket=minute&since=2020-01-01T00:00:00Z&until=2030-01-01T00:00:00Z", key).status());
    assertEquals(400, api.get("/api/clients/use/messages?direction=sideways", key).status());
    assertEquals(400, api.get("/api/clients/use/messages?status=LOST", key).status());
    assertEquals(400, api.get("/api/clients/use/calls?until=never", key).status());
  }

  @Test
  void liveTrafficIsCountedAndLoggedNewestFirst() {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    for (int i = 0; i < 3; i++) {
      assertEquals(202, api.post("/api/clients/use/devices/d/messages/text", key,
          new JsonObject().put("to", PEER).put("text", "out " + i)).status());
    }
    for (int i = 0; i < 2; i++) {
      sim.send(PEER, new JsonObject().put("to", PHONE).put("text", "in " + i));
    }
    String since = "?bucket=minute&since=" + start.minus(1, ChronoUnit.MINUTES);
    Wait.until("the sends and inbound messages in the stats", 15_000, () -> total(items("/api/clients/use/stats" + since, key)),
        t -> t.getLong("sent") == 3 && t.getLong("received") == 2);

    String window = "since=" + start.minus(1, ChronoUnit.MINUTES) + "&until=" + Instant.now().plus(1, ChronoUnit.HOURS);
    JsonArray log = items("/api/clients/use/messages?" + window, key);
    assertEquals(5, log.size());
    long inbound = log.stream().filter(o -> "inbound".equals(((JsonObject) o).getString("direction"))).count();
    assertEquals(2, inbound);
    assertEquals("d", log.getJsonObject(0).getString("deviceId"));
    assertEquals(2, items("/api/clients/use/messages?direction=inbound&" + window, key).size());
    assertEquals(2, items("/api/clients/use/messages?status=RECEIVED&" + window, key).size());
    assertEquals(0, items("/api/clients/use/messages?deviceId=other&" + window, key).size());

    Api.Response first = api.get("/api/clients/use/messages?limit=2&" + window, key);
    String cursor = first.data().getString("nextCursor");
    assertNotNull(cursor);
    JsonArray rest = items("/api/clients/use/messages?limit=10&cursor=" + cursor + "&" + window, key);
    assertEquals(3, rest.size(), "the pages together hold each message once");
    assertEquals(0, items("/api/clients/use2/messages", TestNode.MASTER).size());
  }

  @Test
  void theMessageLogFiltersByTimeAcrossAnHourBoundary() {
    for (String at : List.of("2031-03-01T10:59:59Z", "2031-03-01T11:00:00Z", "2031-03-01T11:00:01Z")) {
      TestNode.await(node.pool().preparedQuery("""
          INSERT INTO messages (client_id, device_id, message_id, direction, chat_id, type, content, status, created_at)
          VALUES ('use', 'd', $1, 'outbound', $2, 'text', '{"text":"x"}', 'SENT', $3)""")
          .execute(Tuple.of("M" + at, PEER + "@s.whatsapp.net", Instant.parse(at).atOffset(ZoneOffset.UTC))));
    }
    JsonArray after = items("/api/clients/use/messages?since=2031-03-01T11:00:00Z&until=2031-03-01T12:00:00Z", key);
    assertEquals(List.of("M2031-03-01T11:00:01Z", "M2031-03-01T11:00:00Z"),
        after.stream().map(o -> ((JsonObject) o).getString("messageId")).toList());
    JsonArray before = items("/api/clients/use/messages?since=2031-03-01T10:00:00Z&until=2031-03-01T11:00:00Z", key);
    assertEquals(List.of("M2031-03-01T10:59:59Z"), before.stream().map(o -> ((JsonObject) o).getString("messageId")).toList());
  }

  @Test
  void aCallToTheDeviceIsInTheCallLog() {
    Api.Response call = sim.post("/sim/phones/" + PEER + "/calls", new JsonObject().put("to", PHONE).put("video", true));
    assertEquals(200, call.status(), call.toString());
    String callId = call.json().getString("callId");
    JsonObject logged = Wait.until("the call in the log", 10_000, () -> items("/api/clients/use/calls", key),
        items -> !items.isEmpty()).getJsonObject(0);
    assertEquals(callId, logged.getString("callId"));
    assertEquals("d", logged.getString("deviceId"));
    assertEquals(true, logged.getBoolean("video"));
    assertNotNull(logged.getString("at"));
    assertEquals(0, items("/api/clients/use/calls?deviceId=other", key).size());
    assertNull(api.get("/api/clients/use/calls", key).data().getString("nextCursor"));
  }

  static JsonObject total(JsonArray buckets) {
    JsonObject sum = new JsonObject().put("sent", 0L).put("received", 0L);
    buckets.forEach(o -> {
      JsonObject b = (JsonObject) o;
      sum.put("sent", sum.getLong("sent") + b.getLong("sent")).put("received", sum.getLong("received") + b.getLong("received"));
    });
    return sum;
  }
}
