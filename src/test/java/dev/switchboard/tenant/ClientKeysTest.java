package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keys: format, hashing, rotation and revocation taking effect at once, tokens, lastUsedAt. */
@ExtendWith(VertxExtension.class)
class ClientKeysTest {

  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestDatabase.newDatabase());
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stop() {
    api.close();
    TestNode.stop(node);
  }

  @Test
  void keysAre256RandomBitsStoredOnlyAsHashes() {
    Api.Response r = api.post("/api/clients/k1/key", TestNode.MASTER, new JsonObject().put("ttlDays", 30));
    assertEquals(201, r.status());
    String key = r.data().getString("key");
    assertTrue(key.matches("sb_[A-Za-z0-9_-]{43}"), key);
    assertEquals(key.substring(0, 7), r.data().getString("prefix"));
    var row = TestNode.await(node.pool().preparedQuery("SELECT key_hash, prefix FROM client_keys WHERE client_id = $1")
        .execute(Tuple.of("k1"))).iterator().next();
    assertEquals(32, row.getBuffer("key_hash").length());
    var dump = TestNode.await(node.pool().query("SELECT string_agg(t::text, '|') AS s FROM client_keys t").execute())
        .iterator().next().getString("s");
    assertTrue(!dump.contains(key.substring(3)), "the clear key must not be stored");
    // Shown once: the summary only has the prefix.
    JsonObject summary = api.get("/api/clients/k1", TestNode.MASTER).data();
    assertEquals(r.data().getString("prefix"), summary.getJsonObject("key").getString("prefix"));
    assertTrue(!summary.encode().contains(key));
  }

  @Test
  void rotateAndRevokeTakeEffectAtOnce() {
    String first = api.clientWithKey("k2");
    assertEquals(200, api.get("/api/clients/k2", first).status());
    Api.Response rotated = api.post("/api/clients/k2/key/rotate", first, null);
    assertEquals(201, rotated.status());
    String second = rotated.data().getString("key");
    assertNotEquals(first, second);
    assertEquals(401, api.get("/api/clients/k2", first).status());
    assertEquals(200, api.get("/api/clients/k2", second).status());

    Api.Response reissued = api.post("/api/clients/k2/key", TestNode.MASTER, new JsonObject());
    String third = reissued.data().getString("key");
    assertEquals(401, api.get("/api/clients/k2", second).status());
    assertEquals(200, api.get("/api/clients/k2", third).status());

    assertEquals(200, api.delete("/api/clients/k2/key", TestNode.MASTER).status());
    assertEquals(401, api.get("/api/clients/k2", third).status());
    assertEquals(404, api.delete("/api/clients/k2/key", TestNode.MASTER).status());
    assertEquals(false, api.get("/api/clients/k2", TestNode.MASTER).data().getJsonObject("key").getBoolean("hasKey"));

    var audit = api.get("/api/clients/k2/audit", TestNode.MASTER).data().getJsonArray("items");
    assertEquals("key.revoked", audit.getJsonObject(0).getString("action"));
    assertEquals("key.issued", audit.getJsonObject(1).getString("action"));
    assertEquals("key.rotated", audit.getJsonObject(2).getString("action"));
    assertEquals("client", audit.getJsonObject(2).getString("actor"));
    assertEquals("127.0.0.1", audit.getJsonObject(2).getString("sourceIp"));
  }

  @Test
  void tokensCarryTheScopeAndDieWithTheirKey() {
    String key = api.clientWithKey("k3");
    api.clientWithKey("k3other");
    Api.Response issued = api.post("/api/auth/token", key, new JsonObject().put("ttlSeconds", 120));
    assertEquals(201, issued.status());
    assertEquals("client:k3", issued.data().getString("scope"));
    assertNotNull(issued.data().getString("expiresAt"));
    String token = issued.data().getString("token");
    MultiMap bearer = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token);
    assertEquals(200, api.call(HttpMethod.GET, "/api/clients/k3", null, null, bearer).status());
    assertEquals(401, api.call(HttpMethod.GET, "/api/clients/k3other", null, null, bearer).status());
    assertEquals(403, api.call(HttpMethod.GET, "/api/clients", null, null, bearer).status());
    assertEquals(200, api.get("/api/clients/k3", token).status(), "a token works in x-api-key too");

    api.post("/api/clients/k3/key/rotate", key, null);
    assertEquals(401, api.call(HttpMethod.GET, "/api/clients/k3", null, null, bearer).status());

    String masterToken = api.post("/api/auth/token", TestNode.MASTER, null).data().getString("token");
    assertEquals(200, api.get("/api/clients", masterToken).status());
    String tampered = masterToken.substring(0, masterToken.length() - 3) + "abc";
    assertEquals(401, api.get("/api/clients", tampered).status());
  }

  @Test
  void lastUsedAtIsKeptWithoutAWritePerRequest() throws Exception {
    String key = api.clientWithKey("k4");
    assertNull(api.get("/api/clients/k4", TestNode.MASTER).data().getJsonObject("key").getString("lastUsedAt"));
    api.get("/api/clients/k4/config", key);
    // Visible at once through the node's memory, before the batch write.
    assertNotNull(api.get("/api/clients/k4", TestNode.MASTER).data().getJsonObject("key").getString("lastUsedAt"));
    long deadline = System.currentTimeMillis() + LastUsed.FLUSH_MS * 3;
    String stored = null;
    while (stored == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      var rows = TestNode.await(node.pool().preparedQuery("SELECT last_used_at FROM client_keys WHERE client_id = $1")
          .execute(Tuple.of("k4")));
      var at = rows.iterator().next().getOffsetDateTime("last_used_at");
      stored = at == null ? null : at.toString();
    }
    assertNotNull(stored, "lastUsedAt is flushed in the background");
  }

  @Test
  void deletingAClientRemovesItsDataAndKey() {
    String key = api.clientWithKey("k5");
    assertEquals(409, api.post("/api/clients", TestNode.MASTER, new JsonObject().put("clientId", "k5")).status());
    assertEquals(200, api.delete("/api/clients/k5", TestNode.MASTER).status());
    assertEquals(404, api.get("/api/clients/k5", TestNode.MASTER).status());
    assertEquals(401, api.get("/api/clients/k5", key).status());
    assertEquals(404, api.delete("/api/clients/k5", TestNode.MASTER).status());
    assertEquals("client.deleted", api.get("/api/clients/k5/audit", TestNode.MASTER).data().getJsonArray("items")
        .getJsonObject(0).getString("action"));
  }

  @Test
  void listsArePagedWithCursors() {
    for (int i = 0; i < 5; i++) {
      api.post("/api/clients", TestNode.MASTER, new JsonObject().put("clientId", "page" + i));
    }
    JsonObject first = api.get("/api/clients?limit=2", TestNode.MASTER).data();
    assertEquals(2, first.getJsonArray("items").size());
    String cursor = first.getString("nextCursor");
    assertNotNull(cursor);
    JsonObject second = api.get("/api/clients?limit=2&cursor=" + cursor, TestNode.MASTER).data();
    assertNotEquals(first.getJsonArray("items").getJsonObject(0).getString("clientId"),
        second.getJsonArray("items").getJsonObject(0).getString("clientId"));
  }
}
