package dev.switchboard.cluster;

import dev.switchboard.tenant.RateLimitTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two clustered nodes in JVMs of their own on one database: one cluster, one set of tokens, one rate
 * limit across both, and a kill -9 noticed within seconds.
 */
class ClusterTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withProcesses(2, "cluster", List.of());

  @Test
  void twoNodesFormOneClusterShareTokensAndLimitsAndNoticeAKill() throws Exception {
    Api a = bed.api(0);
    Api b = bed.api(1);
    String key = a.clientWithKey("shared");
    String token = a.post("/api/auth/token", key, null).data().getString("token");
    assertEquals(200, b.get("/api/clients/shared", token).status(), "a token from alpha works on beta");

    keyChangesReachTheOtherNodeAtOnce(a, b);
    limitHoldsAcrossBothNodes(a, b, key);

    JsonObject overview = a.get("/api/admin/overview", TestNode.MASTER).data();
    assertEquals(2, overview.getInteger("clusterSize"));
    assertEquals(List.of("alpha", "beta"), liveNodes(overview));
    assertEquals(List.of("alpha", "beta"), liveNodes(b.get("/api/admin/overview", TestNode.MASTER).data()));

    long killedAt = System.currentTimeMillis();
    bed.process(1).kill9();
    Wait.until("alpha to see beta gone", 10_000, () -> clusterSize(a), n -> n == 1);
    long noticedMs = System.currentTimeMillis() - killedAt;
    assertTrue(noticedMs < 10_000, "noticed after " + noticedMs + " ms");
    assertEquals(List.of("alpha"), liveNodes(a.get("/api/admin/overview", TestNode.MASTER).data()));
  }

  /**
   * Nodes keep a key they have seen for a few seconds; rotating it on alpha makes beta forget it at
   * once (well before that lifetime ends), and so does revoking the new one.
   */
  private static void keyChangesReachTheOtherNodeAtOnce(Api a, Api b) {
    String old = a.clientWithKey("rotating");
    assertEquals(200, b.get("/api/clients/rotating", old).status());
    String rotated = a.post("/api/clients/rotating/key/rotate", old, null).data().getString("key");
    long t0 = System.nanoTime();
    Wait.until("beta to refuse the rotated key", 5_000, () -> b.get("/api/clients/rotating", old).status(), s -> s == 401);
    long rotateMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(rotateMs < 1_000, "beta refused the old key only after " + rotateMs + " ms");
    assertEquals(200, b.get("/api/clients/rotating", rotated).status());
    int revoked = a.delete("/api/clients/rotating/key", TestNode.MASTER).status();
    assertTrue(revoked == 200 || revoked == 204, "revoke answered " + revoked);
    t0 = System.nanoTime();
    Wait.until("beta to refuse the revoked key", 5_000, () -> b.get("/api/clients/rotating", rotated).status(), s -> s == 401);
    long revokeMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(revokeMs < 1_000, "beta refused the revoked key only after " + revokeMs + " ms");
  }

  /** 20 a minute, requests alternating between the nodes: 20 pass in all, the 21st is refused. */
  private static void limitHoldsAcrossBothNodes(Api a, Api b, String key) {
    Api.Response set = a.put("/api/clients/shared/config", TestNode.MASTER, new JsonObject().put("rateLimitPerMinute", 20));
    assertEquals(200, set.status(), set.toString());
    int passed = 0;
    List<String> remaining = new ArrayList<>();
    // Each node reads the new limit within seconds; requests that already ran under it count.
    for (Api node : List.of(a, b)) {
      Api.Response r = Wait.until("limit 20 on port " + node.port(), 5_000, () -> node.get("/api/clients/shared", key),
          resp -> "20".equals(resp.headers().get("RateLimit-Limit")));
      assertEquals(200, r.status(), r.toString());
      passed++;
      remaining.add(r.headers().get("RateLimit-Remaining"));
    }
    Api.Response last = null;
    for (int i = 0; passed < 21 && i < 40; i++) {
      last = (i % 2 == 0 ? a : b).get("/api/clients/shared", key);
      assertEquals("20", last.headers().get("RateLimit-Limit"), last.toString());
      if (last.status() != 200) {
        break;
      }
      passed++;
      remaining.add(last.headers().get("RateLimit-Remaining"));
    }
    assertEquals(20, passed, "requests under the limit across both nodes; remaining " + remaining);
    List<String> expected = new ArrayList<>();
    for (int i = 19; i >= 0; i--) {
      expected.add(String.valueOf(i));
    }
    assertEquals(expected, remaining, "one bucket, counted down by both nodes");
    RateLimitTest.assertRateLimited(last, 20);
    RateLimitTest.assertRateLimited(a.get("/api/clients/shared", key), 20);
    RateLimitTest.assertRateLimited(b.get("/api/clients/shared", key), 20);
  }

  private static int clusterSize(Api api) {
    Api.Response r = api.get("/api/health", null);
    return r.status() == 200 ? r.data().getInteger("clusterSize") : -1;
  }

  private static List<String> liveNodes(JsonObject overview) {
    List<String> names = new ArrayList<>();
    for (Object o : overview.getJsonArray("nodes", new JsonArray())) {
      JsonObject node = (JsonObject) o;
      if (node.getBoolean("live")) {
        names.add(node.getString("name"));
      }
    }
    return names;
  }
}
