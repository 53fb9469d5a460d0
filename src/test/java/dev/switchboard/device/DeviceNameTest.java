package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A device's name: given when it is added or later, shown wherever the device is, checked, and kept by the registry. */
class DeviceNameTest {

  private static final String C = "/api/clients/nm";

  @Test
  void aNameGivenAtRegistrationOrByRenamingIsShownEverywhereAndOutlivesARestart() {
    String db = TestDatabase.newDatabase();
    String key;
    Node first = TestNode.start(TestNode.config(db));
    try (Api api = new Api(first.httpPort())) {
      key = api.clientWithKey("nm");
      Api.Response created = api.post(C + "/devices", key, new JsonObject().put("deviceId", "desk").put("name", "  Front desk "));
      assertEquals(201, created.status(), created.toString());
      assertEquals("Front desk", created.data().getString("name"), "trimmed");
      Api.Response plain = api.post(C + "/devices", key, new JsonObject().put("deviceId", "plain"));
      assertEquals(201, plain.status(), plain.toString());
      assertNull(plain.data().getString("name"));
      assertEquals(true, plain.data().containsKey("name"), "the field is there, null, for a device without a name");

      Api.Response renamed = api.patch(C + "/devices/plain", key, new JsonObject().put("name", "Sales · ventas 📞"));
      assertEquals(200, renamed.status(), renamed.toString());
      assertEquals("Sales · ventas 📞", renamed.data().getString("name"));
      assertEquals("plain", renamed.data().getString("deviceId"));
      JsonObject audit = api.get(C + "/audit", key).data().getJsonArray("items").getJsonObject(0);
      assertEquals("device.renamed", audit.getString("action"), audit.encode());
      assertEquals("Sales · ventas 📞", audit.getJsonObject("details").getString("name"), audit.encode());
      assertEquals("Sales · ventas 📞", api.get(C + "/devices/plain", key).data().getString("name"));
      JsonArray listed = api.get(C + "/devices", key).data().getJsonArray("items");
      assertEquals("Front desk", listed.getJsonObject(0).getString("name"), listed.encode());
      assertEquals("Sales · ventas 📞", listed.getJsonObject(1).getString("name"), listed.encode());

      JsonObject overview = Wait.until("both devices in the overview", 10_000,
          () -> api.get("/api/admin/overview", TestNode.MASTER).data(), o -> devicesOf(o).size() == 2);
      assertEquals("Front desk", devicesOf(overview).getJsonObject(0).getString("name"), overview.encode());
    } finally {
      TestNode.stop(first);
    }
    // The name is a field of the device's row: a node started afresh (or one taking over) reads it there.
    Node second = TestNode.start(TestNode.config(db));
    try (Api api = new Api(second.httpPort())) {
      assertEquals("Front desk", api.get(C + "/devices/desk", key).data().getString("name"));
      assertEquals("Sales · ventas 📞", api.get(C + "/devices/plain", key).data().getString("name"));
    } finally {
      TestNode.stop(second);
    }
  }

  @Test
  void aNameThatIsNotOneLineOfOneToAHundredCharactersIsRefusedAndAnUnknownDeviceIsNotFound() {
    Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase()));
    try (Api api = new Api(node.httpPort())) {
      String key = api.clientWithKey("nm");
      assertEquals(201, api.post(C + "/devices", key, new JsonObject().put("deviceId", "d").put("name", "Desk")).status());
      String hundred = "é".repeat(99) + "😀";
      for (Object bad : new Object[] {"", "   ", "x".repeat(101), "a\nb", "tab\there", 7, true, new JsonArray().add("x")}) {
        invalid(api.patch(C + "/devices/d", key, new JsonObject().put("name", bad)), "PATCH name " + bad);
        invalid(api.post(C + "/devices", key, new JsonObject().put("deviceId", "e").put("name", bad)), "POST name " + bad);
      }
      invalid(api.patch(C + "/devices/d", key, new JsonObject().putNull("name")), "PATCH null name");
      invalid(api.patch(C + "/devices/d", key, new JsonObject()), "PATCH without a name");
      invalid(api.patch(C + "/devices/d", key, new JsonObject().put("name", "ok").put("status", "STOPPED")), "unknown field");
      assertEquals(404, api.get(C + "/devices/e", key).status(), "no device was added by a refused POST");
      assertEquals("Desk", api.get(C + "/devices/d", key).data().getString("name"), "nor renamed by a refused PATCH");

      Api.Response longest = api.patch(C + "/devices/d", key, new JsonObject().put("name", "  " + hundred + "  "));
      assertEquals(200, longest.status(), longest.toString());
      assertEquals(hundred, longest.data().getString("name"), "100 characters (one of them outside the BMP) once trimmed");

      Api.Response missing = api.patch(C + "/devices/nope", key, new JsonObject().put("name", "x"));
      assertEquals(404, missing.status(), missing.toString());
      assertEquals("DEVICE_NOT_FOUND", missing.errorCode());
    } finally {
      TestNode.stop(node);
    }
  }

  @Test
  void renamingNeedsTheDevicesManageScope() {
    Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase()));
    try (Api api = new Api(node.httpPort())) {
      String key = api.clientWithKey("nm");
      assertEquals(201, api.post(C + "/devices", key, new JsonObject().put("deviceId", "d")).status());
      String reader = scoped(api, key, "devices:read");
      Api.Response refused = api.patch(C + "/devices/d", reader, new JsonObject().put("name", "x"));
      assertEquals(403, refused.status(), refused.toString());
      assertEquals("devices:manage", refused.json().getJsonObject("error").getJsonObject("details").getString("requiredScope"));
      Api.Response done = api.patch(C + "/devices/d", scoped(api, key, "devices:manage"), new JsonObject().put("name", "x"));
      assertEquals(200, done.status(), done.toString());
    }  finally {
      TestNode.stop(node);
    }
  }

  private static String scoped(Api api, String key, String scope) {
    Api.Response r = api.post(C + "/keys", key, new JsonObject().put("name", scope).put("scopes", new JsonArray().add(scope)));
    assertEquals(201, r.status(), r.toString());
    return r.data().getString("key");
  }

  private static void invalid(Api.Response r, String what) {
    assertEquals(400, r.status(), what + ": " + r);
    assertEquals("VALIDATION_ERROR", r.errorCode(), what + ": " + r);
    assertEquals(false, r.json().getBoolean("success"), what);
  }

  private static JsonArray devicesOf(JsonObject overview) {
    return overview.getJsonArray("nodes").getJsonObject(0).getJsonArray("devices");
  }
}
