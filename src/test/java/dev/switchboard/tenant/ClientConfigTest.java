package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Client config: partial updates, null resets, tiers, URL safety, reset to defaults. */
@ExtendWith(VertxExtension.class)
class ClientConfigTest {

  private static Node node;
  private static Node strict;
  private static Api api;
  private static Api strictApi;

  @BeforeAll
  static void start() {
    String db = TestDatabase.newDatabase();
    node = TestNode.start(db);
    strict = TestNode.start(TestNode.config(db, "--allow-private-urls", "false"));
    api = new Api(node.httpPort());
    strictApi = new Api(strict.httpPort());
  }

  @AfterAll
  static void stop() {
    api.close();
    strictApi.close();
    TestNode.stop(node);
    TestNode.stop(strict);
  }

  @Test
  void partialUpdatesChangeOnlyWhatIsSentAndNullResets() {
    String key = api.clientWithKey("cfg1");
    JsonObject defaults = api.get("/api/clients/cfg1/config", key).data();
    assertEquals(5, defaults.getInteger("maxDevices"));
    assertTrue(defaults.getString("webhookSecret").startsWith("whsec_"));
    assertTrue(defaults.getJsonObject("events").getBoolean("receipt"));

    JsonObject after = api.put("/api/clients/cfg1/config", key, new JsonObject()
        .put("webhookUrl", "https://hooks.example.com/in")
        .put("webhookApiKey", "secret-value")
        .put("events", new JsonObject().put("presence_update", false))).data();
    assertEquals("https://hooks.example.com/in", after.getString("webhookUrl"));
    assertTrue(after.getBoolean("hasWebhookApiKey"));
    assertFalse(after.encode().contains("secret-value"), "the webhook API key is never shown");
    assertFalse(after.getJsonObject("events").getBoolean("presence_update"));
    assertTrue(after.getJsonObject("events").getBoolean("message"));

    JsonObject second = api.put("/api/clients/cfg1/config", key, new JsonObject()
        .put("callPolicy", new JsonObject().put("reject", true).put("message", "לא זמין 📵"))).data();
    assertEquals("https://hooks.example.com/in", second.getString("webhookUrl"), "untouched fields stay");
    assertEquals("לא זמין 📵", second.getJsonObject("callPolicy").getString("message"));

    JsonObject reset = api.put("/api/clients/cfg1/config", key, new JsonObject().putNull("webhookUrl").putNull("webhookApiKey")).data();
    assertNull(reset.getString("webhookUrl"));
    assertFalse(reset.getBoolean("hasWebhookApiKey"));
    assertFalse(reset.getJsonObject("events").getBoolean("presence_update"));

    JsonObject cleared = api.delete("/api/clients/cfg1/config", key).data();
    assertTrue(cleared.getJsonObject("events").getBoolean("presence_update"));
    assertFalse(cleared.getJsonObject("callPolicy").getBoolean("reject"));
    assertEquals(defaults.getString("webhookSecret"), cleared.getString("webhookSecret"));
  }

  @Test
  void limitsNeedTheMasterKeyAndAClientCannotResetThemAway() {
    String key = api.clientWithKey("cfg2");
    Api.Response denied = api.put("/api/clients/cfg2/config", key, new JsonObject().put("maxDevices", 50));
    assertEquals(403, denied.status());
    assertEquals("FORBIDDEN", denied.errorCode());
    assertEquals(2, api.put("/api/clients/cfg2/config", TestNode.MASTER, new JsonObject().put("maxDevices", 2))
        .data().getInteger("maxDevices"));
    assertEquals(2, api.delete("/api/clients/cfg2/config", key).data().getInteger("maxDevices"));
    assertEquals(5, api.delete("/api/clients/cfg2/config", TestNode.MASTER).data().getInteger("maxDevices"));
  }

  @Test
  void badValuesAreRefusedWithClearErrors() {
    String key = api.clientWithKey("cfg3");
    assertEquals(400, api.put("/api/clients/cfg3/config", key, new JsonObject().put("events", new JsonObject().put("bogus", true))).status());
    assertEquals(400, api.put("/api/clients/cfg3/config", key, new JsonObject().put("events", new JsonObject().put("message", "yes"))).status());
    assertEquals(400, api.put("/api/clients/cfg3/config", key, new JsonObject().put("webhookUrl", "not a url")).status());
    assertEquals(422, api.put("/api/clients/cfg3/config", key, new JsonObject().put("webhookUrl", "ftp://example.com/x")).status());
    assertEquals(422, api.put("/api/clients/cfg3/config", key, new JsonObject().put("webhookUrl", "https://user:pw@example.com/x")).status());
    assertEquals(400, api.put("/api/clients/cfg3/config", TestNode.MASTER, new JsonObject().put("maxDevices", -1)).status());
    assertEquals(400, api.put("/api/clients/cfg3/config", key, new JsonObject().put("callPolicy", new JsonObject().put("reject", "no"))).status());
    assertEquals(404, api.get("/api/clients/nobody/config", TestNode.MASTER).status());
  }

  @Test
  void aWebhookApiKeyThatCannotBeAHeaderValueIsRefused() {
    String key = api.clientWithKey("cfg5");
    for (String bad : new String[] {"abc\u007fdef", "abc\u0001", "sch\u00fcssel", "\u00a0key"}) {
      Api.Response r = api.put("/api/clients/cfg5/config", key, new JsonObject().put("webhookApiKey", bad));
      assertEquals(400, r.status(), bad + ": " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
    assertEquals(200, api.put("/api/clients/cfg5/config", key, new JsonObject().put("webhookApiKey", "Bearer a.b-c_d~e")).status());
  }

  @Test
  void privateAndMetadataAddressesAreUnsafeUnlessAllowed() {
    String key = strictApi.clientWithKey("cfg4");
    for (String url : new String[] {"http://127.0.0.1:9000/x", "http://10.1.2.3/x", "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://localhost/x", "http://[fd00::1]/",
        "http://0.0.0.0/", "http://172.16.0.1/"}) {
      Api.Response r = strictApi.put("/api/clients/cfg4/config", key, new JsonObject().put("webhookUrl", url));
      assertEquals(422, r.status(), url + " -> " + r);
      assertEquals("UNSAFE_URL", r.errorCode());
    }
    assertEquals(200, strictApi.put("/api/clients/cfg4/config", key,
        new JsonObject().put("webhookUrl", "https://not-resolving-yet.invalid/hook")).status());
    assertEquals(200, api.put("/api/clients/cfg4/config", key, new JsonObject().put("webhookUrl", "http://127.0.0.1:9000/x")).status());
  }
}
