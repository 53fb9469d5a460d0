package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keys: format, hashing, rotation and revocation taking effect at once, tokens, lastUsedAt. */
class ClientKeysTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode();

  @Test
  void keysAre256RandomBitsStoredOnlyAsHashes() {
    Api.Response r = bed.api().post("/api/clients/k1/key", TestNode.MASTER, new JsonObject().put("ttlDays", 30));
    assertEquals(201, r.status());
    String key = r.data().getString("key");
    assertTrue(key.matches("sb_[A-Za-z0-9_-]{43}"), key);
    assertEquals(key.substring(0, 7), r.data().getString("prefix"));
    var row = TestNode.await(bed.node().pool().preparedQuery("SELECT key_hash, prefix FROM client_keys WHERE client_id = $1")
        .execute(Tuple.of("k1"))).iterator().next();
    assertEquals(32, row.getBuffer("key_hash").length());
    var dump = TestNode.await(bed.node().pool().query("SELECT string_agg(t::text, '|') AS s FROM client_keys t").execute())
        .iterator().next().getString("s");
    assertTrue(!dump.contains(key.substring(3)), "the clear key must not be stored");
    // Shown once: the summary only has the prefix.
    JsonObject summary = bed.api().get("/api/clients/k1", TestNode.MASTER).data();
    assertEquals(r.data().getString("prefix"), summary.getJsonObject("key").getString("prefix"));
    assertTrue(!summary.encode().contains(key));
  }

  @Test
  void rotateAndRevokeTakeEffectAtOnce() {
    String first = bed.api().clientWithKey("k2");
    assertEquals(200, bed.api().get("/api/clients/k2", first).status());
    Api.Response rotated = bed.api().post("/api/clients/k2/key/rotate", first, null);
    assertEquals(201, rotated.status());
    String second = rotated.data().getString("key");
    assertNotEquals(first, second);
    assertEquals(401, bed.api().get("/api/clients/k2", first).status());
    assertEquals(200, bed.api().get("/api/clients/k2", second).status());

    Api.Response reissued = bed.api().post("/api/clients/k2/key", TestNode.MASTER, new JsonObject());
    String third = reissued.data().getString("key");
    assertEquals(401, bed.api().get("/api/clients/k2", second).status());
    assertEquals(200, bed.api().get("/api/clients/k2", third).status());

    assertEquals(200, bed.api().delete("/api/clients/k2/key", TestNode.MASTER).status());
    assertEquals(401, bed.api().get("/api/clients/k2", third).status());
    assertEquals(404, bed.api().delete("/api/clients/k2/key", TestNode.MASTER).status());
    assertEquals(false, bed.api().get("/api/clients/k2", TestNode.MASTER).data().getJsonObject("key").getBoolean("hasKey"));

    var audit = bed.api().get("/api/clients/k2/audit", TestNode.MASTER).data().getJsonArray("items");
    assertEquals("key.revoked", audit.getJsonObject(0).getString("action"));
    assertEquals("key.issued", audit.getJsonObject(1).getString("action"));
    assertEquals("key.rotated", audit.getJsonObject(2).getString("action"));
    assertEquals("client", audit.getJsonObject(2).getString("actor"));
    assertEquals("127.0.0.1", audit.getJsonObject(2).getString("sourceIp"));
  }

  @Test
  void tokensCarryTheScopeAndDieWithTheirKey() {
    String key = bed.api().clientWithKey("k3");
    bed.api().clientWithKey("k3other");
    Api.Response issued = bed.api().post("/api/auth/token", key, new JsonObject().put("ttlSeconds", 120));
    assertEquals(201, issued.status());
    assertEquals("client:k3", issued.data().getString("scope"));
    assertNotNull(issued.data().getString("expiresAt"));
    String token = issued.data().getString("token");
    MultiMap bearer = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token);
    assertEquals(200, bed.api().call(HttpMethod.GET, "/api/clients/k3", null, null, bearer).status());
    assertEquals(401, bed.api().call(HttpMethod.GET, "/api/clients/k3other", null, null, bearer).status());
    assertEquals(403, bed.api().call(HttpMethod.GET, "/api/clients", null, null, bearer).status());
    assertEquals(200, bed.api().get("/api/clients/k3", token).status(), "a token works in x-api-key too");

    bed.api().post("/api/clients/k3/key/rotate", key, null);
    assertEquals(401, bed.api().call(HttpMethod.GET, "/api/clients/k3", null, null, bearer).status());

    String masterToken = bed.api().post("/api/auth/token", TestNode.MASTER, null).data().getString("token");
    assertEquals(200, bed.api().get("/api/clients", masterToken).status());
    String tampered = masterToken.substring(0, masterToken.length() - 3) + "abc";
    assertEquals(401, bed.api().get("/api/clients", tampered).status());
  }

  @Test
  void lastUsedAtIsKeptWithoutAWritePerRequest() throws Exception {
    String key = bed.api().clientWithKey("k4");
    assertNull(bed.api().get("/api/clients/k4", TestNode.MASTER).data().getJsonObject("key").getString("lastUsedAt"));
    bed.api().get("/api/clients/k4/config", key);
    // Visible at once through the node's memory, before the batch write.
    assertNotNull(bed.api().get("/api/clients/k4", TestNode.MASTER).data().getJsonObject("key").getString("lastUsedAt"));
    long deadline = System.currentTimeMillis() + LastUsed.FLUSH_MS * 3;
    String stored = null;
    while (stored == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      var rows = TestNode.await(bed.node().pool().preparedQuery("SELECT last_used_at FROM client_keys WHERE client_id = $1")
          .execute(Tuple.of("k4")));
      var at = rows.iterator().next().getOffsetDateTime("last_used_at");
      stored = at == null ? null : at.toString();
    }
    assertNotNull(stored, "lastUsedAt is flushed in the background");
  }

  @Test
  void deletingAClientRemovesItsDataAndKey() {
    String key = bed.api().clientWithKey("k5");
    assertEquals(409, bed.api().post("/api/clients", TestNode.MASTER, new JsonObject().put("clientId", "k5")).status());
    assertEquals(200, bed.api().delete("/api/clients/k5", TestNode.MASTER).status());
    assertEquals(404, bed.api().get("/api/clients/k5", TestNode.MASTER).status());
    assertEquals(401, bed.api().get("/api/clients/k5", key).status());
    assertEquals(404, bed.api().delete("/api/clients/k5", TestNode.MASTER).status());
    assertEquals("client.deleted", bed.api().get("/api/clients/k5/audit", TestNode.MASTER).data().getJsonArray("items")
        .getJsonObject(0).getString("action"));
  }

  @Test
  void listsArePagedWithCursors() {
    for (int i = 0; i < 5; i++) {
      bed.api().post("/api/clients", TestNode.MASTER, new JsonObject().put("clientId", "page" + i));
    }
    JsonObject first = bed.api().get("/api/clients?limit=2", TestNode.MASTER).data();
    assertEquals(2, first.getJsonArray("items").size());
    String cursor = first.getString("nextCursor");
    assertNotNull(cursor);
    JsonObject second = bed.api().get("/api/clients?limit=2&cursor=" + cursor, TestNode.MASTER).data();
    assertNotEquals(first.getJsonArray("items").getJsonObject(0).getString("clientId"),
        second.getJsonArray("items").getJsonObject(0).getString("clientId"));
  }
}
