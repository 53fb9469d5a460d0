package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Monthly message quotas on two nodes sharing one database: a quota of N lets N messages through
 * and refuses the next with 402 and the X-Quota headers, a send of several recipients that would
 * pass it is refused whole, concurrent sends on both nodes never pass it together, and the month's
 * use is the same on both nodes and after a restart.
 */
class QuotaTest {

  private static final String C = "/api/clients/quota";
  private static String db;
  private static Sim sim;
  private static Node a;
  private static Node b;
  private static Api apiA;
  private static Api apiB;
  private static String key;

  @BeforeAll
  static void start() {
    sim = new Sim(20_000);
    db = TestDatabase.newDatabase();
    a = TestNode.start(TestNode.config(db, "--sim-url", sim.url()));
    b = TestNode.start(TestNode.config(db, "--sim-url", sim.url(), "--node-name", "other-node"));
    apiA = new Api(a.httpPort());
    apiB = new Api(b.httpPort());
    key = apiA.clientWithKey("quota");
    Devices.link(apiA, sim, key, "quota", "d", "15550401001");
  }

  @AfterAll
  static void stop() {
    apiA.close();
    apiB.close();
    TestNode.stop(a);
    TestNode.stop(b);
    sim.close();
  }

  private static void setQuota(Long quota) {
    Api.Response r = apiA.put(C + "/config", TestNode.MASTER, new JsonObject().put("monthlyMessageQuota", quota));
    assertEquals(200, r.status(), r.toString());
  }

  private static Api.Response send(Api api, String... to) {
    JsonObject body = new JsonObject().put("text", "quota test");
    if (to.length == 1) {
      body.put("to", to[0]);
    } else {
      body.put("to", new JsonArray(List.of(to)));
    }
    return api.post(C + "/devices/d/messages/text", key, body);
  }

  private static Api.Response keyed(Api api, JsonObject body, String idempotencyKey) {
    return api.call(HttpMethod.POST, C + "/devices/d/messages/text", key, body.toBuffer(),
        MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", idempotencyKey));
  }

  private static long used() {
    return apiA.get(C + "/usage", key).data().getLong("messagesSent");
  }

  private static long nextMonth() {
    return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
  }

  @Test
  void aQuotaOfNLetsNThroughRefusesTheNextWholeAndTheUseIsTheSameEverywhere() {
    Wait.until("earlier sends counted", 5_000, QuotaTest::used, n -> n >= 0);
    long before = used();
    setQuota(before + 3);
    for (int i = 1; i <= 3; i++) {
      Api.Response r = send(i % 2 == 0 ? apiB : apiA, "155504020" + i);
      assertEquals(202, r.status(), r.toString());
      assertEquals(String.valueOf(before + 3), r.headers().get("X-Quota-Limit"));
      assertEquals(String.valueOf(3 - i), r.headers().get("X-Quota-Remaining"));
      assertEquals(String.valueOf(nextMonth()), r.headers().get("X-Quota-Reset"));
    }
    Api.Response over = send(apiA, "15550402009");
    assertEquals(402, over.status(), over.toString());
    assertEquals("QUOTA_EXCEEDED", over.errorCode());
    assertEquals("0", over.headers().get("X-Quota-Remaining"));
    assertEquals(String.valueOf(before + 3), over.headers().get("X-Quota-Limit"));
    assertEquals(0, sim.received("15550402009").size(), "nothing of a refused send goes out");

    // Two more allowed: a send to three is refused whole, one to two passes.
    setQuota(before + 5);
    Api.Response three = send(apiB, "15550403001", "15550403002", "15550403003");
    assertEquals(402, three.status(), three.toString());
    assertEquals("2", three.headers().get("X-Quota-Remaining"));
    assertEquals(202, send(apiB, "15550403001", "15550403002").status());
    assertEquals(402, send(apiA, "15550403004").status());

    for (Api api : List.of(apiA, apiB)) {
      JsonObject usage = api.get(C + "/usage", key).data();
      assertEquals(before + 5, usage.getLong("messagesSent"), usage.encode());
      assertEquals(before + 5, usage.getLong("quota"));
      assertEquals(0, usage.getLong("remaining"));
      assertEquals(1, usage.getLong("devices"));
      assertTrue(usage.getLong("apiRequests") > 0, usage.encode());
    }
    setQuota(null);
    Api.Response free = send(apiA, "15550403005");
    assertEquals(202, free.status());
    assertNull(free.headers().get("X-Quota-Limit"), "no quota, no headers");
  }

  @Test
  void concurrentSendsOnTwoNodesNeverPassTheQuotaTogether() throws Exception {
    long before = Wait.until("earlier sends counted", 5_000, QuotaTest::used, n -> n >= 0);
    setQuota(before + 10);
    List<CompletableFuture<Integer>> sends = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Api api = i % 2 == 0 ? apiA : apiB;
      String to = String.format("1555040%04d", 5000 + i);
      sends.add(CompletableFuture.supplyAsync(() -> send(api, to).status()));
    }
    int accepted = 0;
    for (CompletableFuture<Integer> s : sends) {
      int status = s.get();
      assertTrue(status == 202 || status == 402, "status " + status);
      accepted += status == 202 ? 1 : 0;
    }
    assertEquals(10, accepted);
    assertEquals(before + 10, used());
    setQuota(null);
  }

  @Test
  void aClientKeyCannotSetItsQuotaAndTheUseSurvivesARestart() {
    Api.Response r = apiA.put(C + "/config", key, new JsonObject().put("monthlyMessageQuota", 1_000_000));
    assertEquals(403, r.status(), r.toString());
    Api.Response bad = apiA.put(C + "/config", TestNode.MASTER, new JsonObject().put("monthlyMessageQuota", -1));
    assertEquals(400, bad.status(), bad.toString());
    // Without a quota the sends are counted after they are stored, within a second.
    long before = used();
    assertEquals(202, send(apiA, "15550406001").status());
    assertEquals(202, send(apiA, "15550406002").status());
    assertEquals(before + 2, used(), "at once on the node that stored them");
    Wait.until("counted on the other node", 5_000, () -> apiB.get(C + "/usage", key).data().getLong("messagesSent"),
        n -> n == before + 2);
    // A send just before a graceful stop is counted by the stop itself.
    assertEquals(202, send(apiB, "15550406003").status());
    TestNode.stop(b);
    b = TestNode.start(TestNode.config(db, "--sim-url", sim.url(), "--node-name", "other-node"));
    apiB.close();
    apiB = new Api(b.httpPort());
    assertEquals(before + 3, apiB.get(C + "/usage", key).data().getLong("messagesSent"));
    assertEquals(before + 3, used());
  }

  @Test
  void aKeyedSendPastTheQuotaKeepsNoKeyAndItsReplayIsNotCountedTwice() {
    long before = Wait.until("earlier sends counted", 5_000, QuotaTest::used, n -> n >= 0);
    setQuota(before + 1);
    JsonObject body = new JsonObject().put("to", "15550407001").put("text", "keyed");
    Api.Response first = keyed(apiA, body, "quota-k1");
    assertEquals(202, first.status(), first.toString());
    assertEquals("0", first.headers().get("X-Quota-Remaining"));
    Api.Response replay = keyed(apiB, body, "quota-k1");
    assertEquals(202, replay.status(), "a replay answers as the first did: " + replay);
    assertEquals(first.data().getString("messageId"), replay.data().getString("messageId"));
    assertEquals(before + 1, used(), "the replay reserved nothing");

    JsonObject other = new JsonObject().put("to", "15550407002").put("text", "keyed, over");
    Api.Response over = keyed(apiA, other, "quota-k2");
    assertEquals(402, over.status(), over.toString());
    // The refused send recorded nothing under its key: once the quota allows it, the same key sends.
    setQuota(before + 2);
    Api.Response again = keyed(apiA, other, "quota-k2");
    assertEquals(202, again.status(), again.toString());
    assertEquals(before + 2, used());
    // Stored under its new id (the device sends at its paced rate, one a second, behind the earlier tests' sends).
    String id = again.data().getString("messageId");
    assertEquals(200, apiA.get(C + "/devices/d/messages/" + id, key).status());
    setQuota(null);
  }
}
