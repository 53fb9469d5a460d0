package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rate limits on one node: headers on every authenticated answer, 429 past the limit, new limits within seconds. */
public class RateLimitTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode();

  @Test
  void everyAuthenticatedResponseCarriesTheHeadersAndPublicOnesDoNot() {
    String key = bed.api().clientWithKey("heads");
    Api.Response ok = bed.api().get("/api/clients/heads", key);
    assertEquals(200, ok.status(), ok.toString());
    assertEquals("600", ok.headers().get("RateLimit-Limit"));
    assertEquals("599", ok.headers().get("RateLimit-Remaining"));
    int reset = Integer.parseInt(ok.headers().get("RateLimit-Reset"));
    assertTrue(reset >= 1 && reset <= 60, "reset in " + reset + " s");

    Api.Response notFound = bed.api().get("/api/clients/heads/devices/nope", key);
    assertEquals(404, notFound.status(), notFound.toString());
    assertEquals("598", notFound.headers().get("RateLimit-Remaining"));
    Api.Response otherClient = bed.api().get("/api/clients/someone-else", key);
    assertEquals(401, otherClient.status());
    assertEquals("597", otherClient.headers().get("RateLimit-Remaining"));
    Api.Response badBody = bed.api().call(io.vertx.core.http.HttpMethod.PUT, "/api/clients/heads/config", key,
        io.vertx.core.buffer.Buffer.buffer("{not json"));
    assertEquals(400, badBody.status());
    assertEquals("596", badBody.headers().get("RateLimit-Remaining"));

    Api.Response master = bed.api().get("/api/clients", TestNode.MASTER);
    assertEquals(200, master.status());
    assertEquals("6000", master.headers().get("RateLimit-Limit"));

    assertNull(bed.api().get("/api/health", null).headers().get("RateLimit-Limit"));
    assertNull(bed.api().get("/api/openapi.json", null).headers().get("RateLimit-Limit"));
    assertNull(bed.api().get("/docs/", null).headers().get("RateLimit-Limit"));
    Api.Response unknownKey = bed.api().get("/api/clients/heads", "sb_unknown");
    assertEquals(401, unknownKey.status());
    assertNull(unknownKey.headers().get("RateLimit-Limit"), "no bucket for a key that is not one");
  }

  @Test
  void pastTheLimitIs429AndANewLimitHoldsWithinSeconds() {
    String key = bed.api().clientWithKey("limited");
    String token = bed.api().post("/api/auth/token", key, null).data().getString("token");
    setLimit("limited", 5);
    int used = awaitLimit(key, "limited", 5);
    for (int i = used; i < 5; i++) {
      Api.Response r = bed.api().get("/api/clients/limited", key);
      assertEquals(200, r.status(), "request " + (i + 1) + " of 5: " + r);
      assertEquals(String.valueOf(5 - i - 1), r.headers().get("RateLimit-Remaining"));
    }
    Api.Response refused = bed.api().get("/api/clients/limited", key);
    assertRateLimited(refused, 5);

    // A token issued by the key takes from the key's bucket.
    assertRateLimited(bed.api().get("/api/clients/limited", token), 5);

    setLimit("limited", 50);
    awaitLimit(key, "limited", 50);
    setLimit("limited", 2);
    used = awaitLimit(key, "limited", 2);
    for (int i = used; i < 2; i++) {
      assertEquals(200, bed.api().get("/api/clients/limited", key).status());
    }
    assertRateLimited(bed.api().get("/api/clients/limited/config", key), 2);
  }

  @Test
  void theMasterKeyIsNotHeldToAClientsLimitButHasItsOwn() {
    String key = bed.api().clientWithKey("tiny");
    setLimit("tiny", 1);
    int used = awaitLimit(key, "tiny", 1);
    if (used == 0) {
      assertEquals(200, bed.api().get("/api/clients/tiny", key).status());
    }
    assertRateLimited(bed.api().get("/api/clients/tiny", key), 1);
    for (int i = 0; i < 20; i++) {
      Api.Response r = bed.api().get("/api/clients/tiny", TestNode.MASTER);
      assertEquals(200, r.status(), r.toString());
      assertEquals("6000", r.headers().get("RateLimit-Limit"));
    }

    Node strict = TestNode.start(TestNode.config(bed.db(), "--master-rate-limit", "3", "--node-name", "strict"));
    try (Api strictApi = new Api(strict.httpPort())) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, strictApi.get("/api/clients", TestNode.MASTER).status());
      }
      assertRateLimited(strictApi.get("/api/clients", TestNode.MASTER), 3);
    } finally {
      TestNode.stop(strict);
    }
  }

  private static void setLimit(String clientId, int perMinute) {
    Api.Response r = bed.api().put("/api/clients/" + clientId + "/config", TestNode.MASTER,
        new JsonObject().put("rateLimitPerMinute", perMinute));
    assertEquals(200, r.status(), r.toString());
    assertEquals(perMinute, r.data().getInteger("rateLimitPerMinute"));
  }

  /** Polls until the node applies {@code limit}; how many requests of the new limit that used up. */
  private static int awaitLimit(String key, String clientId, int limit) {
    int[] used = {0};
    Wait.until("limit " + limit, 5_000, () -> {
      Api.Response r = bed.api().get("/api/clients/" + clientId, key);
      boolean applied = String.valueOf(limit).equals(r.headers().get("RateLimit-Limit"));
      if (applied && r.status() == 200) {
        used[0]++;
      }
      return applied;
    }, applied -> applied);
    return used[0];
  }

  public static void assertRateLimited(Api.Response r, int limit) {
    assertEquals(429, r.status(), r.toString());
    assertEquals("RATE_LIMITED", r.errorCode());
    int retryAfter = Integer.parseInt(r.headers().get("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    assertEquals(String.valueOf(limit), r.headers().get("RateLimit-Limit"));
    assertEquals("0", r.headers().get("RateLimit-Remaining"));
    int reset = Integer.parseInt(r.headers().get("RateLimit-Reset"));
    assertTrue(reset >= 1 && reset <= 60, "RateLimit-Reset " + reset);
  }
}
