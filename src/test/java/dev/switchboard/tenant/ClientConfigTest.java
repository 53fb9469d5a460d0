package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client config: partial updates, null resets, tiers, URL safety, reset to defaults. */
class ClientConfigTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode().withNode("--allow-private-urls", "false");

  @Test
  void partialUpdatesChangeOnlyWhatIsSentAndNullResets() {
    String key = bed.api(0).clientWithKey("cfg1");
    JsonObject defaults = bed.api(0).get("/api/clients/cfg1/config", key).data();
    assertEquals(5, defaults.getInteger("maxDevices"));
    assertTrue(defaults.getString("webhookSecret").startsWith("whsec_"));
    assertTrue(defaults.getJsonObject("events").getBoolean("receipt"));

    JsonObject after = bed.api(0).put("/api/clients/cfg1/config", key, new JsonObject()
        .put("webhookUrl", "https://hooks.example.com/in")
        .put("webhookApiKey", "secret-value")
        .put("events", new JsonObject().put("presence_update", false))).data();
    assertEquals("https://hooks.example.com/in", after.getString("webhookUrl"));
    assertTrue(after.getBoolean("hasWebhookApiKey"));
    assertFalse(after.encode().contains("secret-value"), "the webhook API key is never shown");
    assertFalse(after.getJsonObject("events").getBoolean("presence_update"));
    assertTrue(after.getJsonObject("events").getBoolean("message"));

    JsonObject second = bed.api(0).put("/api/clients/cfg1/config", key, new JsonObject()
        .put("callPolicy", new JsonObject().put("reject", true).put("message", "לא זמין 📵"))).data();
    assertEquals("https://hooks.example.com/in", second.getString("webhookUrl"), "untouched fields stay");
    assertEquals("לא זמין 📵", second.getJsonObject("callPolicy").getString("message"));

    JsonObject reset = bed.api(0).put("/api/clients/cfg1/config", key, new JsonObject().putNull("webhookUrl").putNull("webhookApiKey")).data();
    assertNull(reset.getString("webhookUrl"));
    assertFalse(reset.getBoolean("hasWebhookApiKey"));
    assertFalse(reset.getJsonObject("events").getBoolean("presence_update"));

    JsonObject cleared = bed.api(0).delete("/api/clients/cfg1/config", key).data();
    assertTrue(cleared.getJsonObject("events").getBoolean("presence_update"));
    assertFalse(cleared.getJsonObject("callPolicy").getBoolean("reject"));
    assertEquals(defaults.getString("webhookSecret"), cleared.getString("webhookSecret"));
  }

  @Test
  void limitsNeedTheMasterKeyAndAClientCannotResetThemAway() {
    String key = bed.api(0).clientWithKey("cfg2");
    Api.Response denied = bed.api(0).put("/api/clients/cfg2/config", key, new JsonObject().put("maxDevices", 50));
    assertEquals(403, denied.status());
    assertEquals("FORBIDDEN", denied.errorCode());
    assertEquals(2, bed.api(0).put("/api/clients/cfg2/config", TestNode.MASTER, new JsonObject().put("maxDevices", 2))
        .data().getInteger("maxDevices"));
    assertEquals(2, bed.api(0).delete("/api/clients/cfg2/config", key).data().getInteger("maxDevices"));
    assertEquals(5, bed.api(0).delete("/api/clients/cfg2/config", TestNode.MASTER).data().getInteger("maxDevices"));
  }

  @Test
  void badValuesAreRefusedWithClearErrors() {
    String key = bed.api(0).clientWithKey("cfg3");
    assertEquals(400, bed.api(0).put("/api/clients/cfg3/config", key, new JsonObject().put("events", new JsonObject().put("bogus", true))).status());
    assertEquals(400, bed.api(0).put("/api/clients/cfg3/config", key, new JsonObject().put("events", new JsonObject().put("message", "yes"))).status());
    assertEquals(400, bed.api(0).put("/api/clients/cfg3/config", key, new JsonObject().put("webhookUrl", "not a url")).status());
    assertEquals(422, bed.api(0).put("/api/clients/cfg3/config", key, new JsonObject().put("webhookUrl", "ftp://example.com/x")).status());
    assertEquals(422, bed.api(0).put("/api/clients/cfg3/config", key, new JsonObject().put("webhookUrl", "https://user:pw@example.com/x")).status());
    assertEquals(400, bed.api(0).put("/api/clients/cfg3/config", TestNode.MASTER, new JsonObject().put("maxDevices", -1)).status());
    assertEquals(400, bed.api(0).put("/api/clients/cfg3/config", key, new JsonObject().put("callPolicy", new JsonObject().put("reject", "no"))).status());
    assertEquals(404, bed.api(0).get("/api/clients/nobody/config", TestNode.MASTER).status());
  }

  @Test
  void aWebhookApiKeyThatCannotBeAHeaderValueIsRefused() {
    String key = bed.api(0).clientWithKey("cfg5");
    for (String bad : new String[] {"abc\u007fdef", "abc\u0001", "sch\u00fcssel", "\u00a0key"}) {
      Api.Response r = bed.api(0).put("/api/clients/cfg5/config", key, new JsonObject().put("webhookApiKey", bad));
      assertEquals(400, r.status(), bad + ": " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
    assertEquals(200, bed.api(0).put("/api/clients/cfg5/config", key, new JsonObject().put("webhookApiKey", "Bearer a.b-c_d~e")).status());
  }

  @Test
  void privateAndMetadataAddressesAreUnsafeUnlessAllowed() {
    String key = bed.api(1).clientWithKey("cfg4");
    for (String url : new String[] {"http://127.0.0.1:9000/x", "http://10.1.2.3/x", "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://localhost/x", "http://[fd00::1]/",
        "http://0.0.0.0/", "http://172.16.0.1/"}) {
      Api.Response r = bed.api(1).put("/api/clients/cfg4/config", key, new JsonObject().put("webhookUrl", url));
      assertEquals(422, r.status(), url + " -> " + r);
      assertEquals("UNSAFE_URL", r.errorCode());
    }
    assertEquals(200, bed.api(1).put("/api/clients/cfg4/config", key,
        new JsonObject().put("webhookUrl", "https://not-resolving-yet.invalid/hook")).status());
    assertEquals(200, bed.api(0).put("/api/clients/cfg4/config", key, new JsonObject().put("webhookUrl", "http://127.0.0.1:9000/x")).status());
  }
}
