package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Named keys with scopes and device limits, on two nodes sharing one database: each key can do what
 * its scopes and devices allow and nothing else, a JWT issued with it keeps its limits, a key cannot
 * grant more than it holds, and a revoked key dies at once on both nodes.
 */
class ScopedKeysTest {

  private static final String C = "/api/clients/scoped";

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode().withNode("--node-name", "other-node")
      .withClient("scoped");

  private static Api apiA;
  private static Api apiB;
  private static String main;

  @BeforeAll
  static void start() {
    apiA = bed.api(0);
    apiB = bed.api(1);
    main = bed.key();
    Devices.link(apiA, bed.sim(), main, "scoped", "sales", "15550301001");
    Devices.link(apiA, bed.sim(), main, "scoped", "support", "15550301002");
  }

  private static JsonObject create(String asKey, JsonObject grant) {
    Api.Response r = apiA.post(C + "/keys", asKey, grant);
    assertEquals(201, r.status(), r.toString());
    return r.data();
  }

  private static Api.Response sendText(Api api, String key, String deviceId) {
    return api.post(C + "/devices/" + deviceId + "/messages/text", key,
        new JsonObject().put("to", "15550309999").put("text", "hello"));
  }

  private static void forbidden(Api.Response r, String requiredScope) {
    assertEquals(403, r.status(), r.toString());
    assertEquals("FORBIDDEN", r.errorCode(), r.toString());
    JsonObject details = r.json().getJsonObject("error").getJsonObject("details");
    if (requiredScope != null) {
      assertEquals(requiredScope, details.getString("requiredScope"), r.toString());
    }
  }

  @Test
  void aSendOnlyKeyLimitedToOneDeviceSendsFromItAndDoesNothingElse() {
    JsonObject crm = create(main, new JsonObject().put("name", "crm").put("scopes", new JsonArray().add("messages:send"))
        .put("deviceIds", new JsonArray().add("sales")));
    String key = crm.getString("key");
    assertEquals(new JsonArray().add("messages:send"), crm.getJsonArray("scopes"));
    assertEquals(202, sendText(apiA, key, "sales").status());
    assertEquals(202, sendText(apiB, key, "sales").status(), "the same on the other node");
    Api.Response other = sendText(apiA, key, "support");
    assertEquals(403, other.status(), other.toString());
    assertEquals("support", other.json().getJsonObject("error").getJsonObject("details").getString("deviceId"));
    forbidden(apiA.get(C + "/devices/sales/chats", key), "messages:read");
    forbidden(apiA.get(C + "/devices", key), "devices:read");
    forbidden(apiA.delete(C + "/devices/sales", key), "devices:manage");
    forbidden(apiA.put(C + "/config", key, new JsonObject().put("maxDevices", 1)), "config:write");
    forbidden(apiA.get(C + "/webhook-deliveries", key), "events:read");
    forbidden(apiA.post(C + "/key/rotate", key, null), "*");
    // Client-wide lists hold every device's messages: not for a key limited to some devices.
    forbidden(apiA.get("/api/clients/scoped/scheduled", key), null);
  }

  @Test
  void aReadOnlyKeyReadsButCannotWrite() {
    String key = create(main, new JsonObject().put("name", "dashboard")
        .put("scopes", new JsonArray().add("devices:read").add("messages:read"))).getString("key");
    Api.Response devices = apiA.get(C + "/devices", key);
    assertEquals(200, devices.status(), devices.toString());
    assertEquals(2, devices.data().getJsonArray("items").size());
    assertEquals(200, apiA.get(C + "/devices/sales/chats", key).status());
    assertEquals(200, apiA.get(C, key).status(), "its own client's record needs no scope");
    forbidden(sendText(apiA, key, "sales"), "messages:send");
    forbidden(apiA.post(C + "/devices", key, new JsonObject().put("deviceId", "third")), "devices:manage");
    forbidden(apiA.post(C + "/keys", key, new JsonObject().put("name", "x")), "keys:manage");
    forbidden(apiA.delete(C + "/keys/" + java.util.UUID.randomUUID(), key), "keys:manage");
  }

  @Test
  void aJwtOfAScopedKeyKeepsItsScopesAndDevices() {
    String key = create(main, new JsonObject().put("name", "widget").put("scopes", new JsonArray().add("devices:read"))
        .put("deviceIds", new JsonArray().add("support"))).getString("key");
    String token = apiA.post("/api/auth/token", key, null).data().getString("token");
    Api.Response listed = apiB.get(C + "/devices", token);
    assertEquals(200, listed.status(), listed.toString());
    JsonArray items = listed.data().getJsonArray("items");
    assertEquals(1, items.size(), "a key limited to devices lists only those: " + items);
    assertEquals("support", items.getJsonObject(0).getString("deviceId"));
    assertEquals(200, apiB.get(C + "/devices/support", token).status());
    assertEquals(403, apiB.get(C + "/devices/sales", token).status());
    forbidden(sendText(apiB, token, "support"), "messages:send");
  }

  @Test
  void aKeyCannotGrantWhatItLacks() {
    String manager = create(main, new JsonObject().put("name", "manager")
        .put("scopes", new JsonArray().add("keys:manage").add("messages:send"))).getString("key");
    Api.Response wider = apiA.post(C + "/keys", manager, new JsonObject().put("name", "wider")
        .put("scopes", new JsonArray().add("config:write")));
    assertEquals(403, wider.status(), wider.toString());
    Api.Response all = apiA.post(C + "/keys", manager, new JsonObject().put("name", "everything"));
    assertEquals(403, all.status(), "no scopes means *, which it lacks: " + all);
    assertEquals(201, apiA.post(C + "/keys", manager, new JsonObject().put("name", "narrower")
        .put("scopes", new JsonArray().add("messages:send"))).status());
    Api.Response unknown = apiA.post(C + "/keys", main, new JsonObject().put("name", "x")
        .put("scopes", new JsonArray().add("messages:delete")));
    assertEquals(400, unknown.status(), unknown.toString());
  }

  @Test
  void aRevokedKeyDiesAtOnceOnEveryNodeWithItsTokens() {
    JsonObject created = create(main, new JsonObject().put("name", "short-lived")
        .put("scopes", new JsonArray().add("devices:read")));
    String key = created.getString("key");
    String token = apiB.post("/api/auth/token", key, null).data().getString("token");
    assertEquals(200, apiA.get(C + "/devices", key).status());
    assertEquals(200, apiB.get(C + "/devices", key).status());
    assertEquals(200, apiB.get(C + "/devices", token).status());
    Api.Response revoked = apiB.delete(C + "/keys/" + created.getString("keyId"), main);
    assertEquals(200, revoked.status(), revoked.toString());
    for (Api api : List.of(apiA, apiB)) {
      assertEquals(401, api.get(C + "/devices", key).status(), "the key, at once");
      assertEquals(401, api.get(C + "/devices", token).status(), "its token, at once");
    }
    assertEquals(200, apiA.get(C + "/devices", main).status(), "the other keys live on");
    assertEquals(404, apiA.delete(C + "/keys/" + created.getString("keyId"), main).status());
  }

  @Test
  void keysAreListedWithoutTheKeyAndAudited() {
    JsonObject created = create(main, new JsonObject().put("name", "listed").put("scopes", new JsonArray().add("events:read")));
    String key = created.getString("key");
    forbidden(apiA.get(C + "/devices/sales", key), "devices:read");
    assertEquals(200, apiA.get(C + "/webhook-deliveries", key).status());
    JsonArray items = apiA.get(C + "/keys", main).data().getJsonArray("items");
    JsonObject listed = items.stream().map(o -> (JsonObject) o)
        .filter(k -> created.getString("keyId").equals(k.getString("keyId"))).findFirst().orElseThrow();
    assertEquals("listed", listed.getString("name"));
    assertEquals(created.getString("prefix"), listed.getString("prefix"));
    assertFalse(listed.containsKey("key"), "the key itself is shown only when created");
    assertNull(listed.getValue("deviceIds"));
    assertTrue(listed.getString("lastUsedAt") != null, "its use shows: " + listed);
    assertTrue(items.stream().map(o -> (JsonObject) o).anyMatch(k -> k.getBoolean("main")), "the v1 key is listed: " + items);
    JsonArray audit = apiA.get(C + "/audit", main).data().getJsonArray("items");
    assertTrue(audit.stream().map(o -> ((JsonObject) o).getString("action")).anyMatch("key.created"::equals), audit.encode());
  }

  @Test
  void aClientHoldsAtMostTwentyKeys() {
    String db = TestDatabase.newDatabase();
    Node node = TestNode.start(db);
    try (Api api = new Api(node.httpPort())) {
      String key = api.clientWithKey("many");
      for (int i = 1; i < NamedKeys.MAX_KEYS; i++) {
        assertEquals(201, api.post("/api/clients/many/keys", key, new JsonObject().put("name", "k" + i)).status());
      }
      Api.Response over = api.post("/api/clients/many/keys", key, new JsonObject().put("name", "one too many"));
      assertEquals(409, over.status(), over.toString());
      assertEquals("KEY_LIMIT_REACHED", over.errorCode());
    } finally {
      TestNode.stop(node);
    }
  }
}
