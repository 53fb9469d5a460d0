package dev.switchboard.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;

/** Device steps shared by tests: read a device, wait for a state, link one through the simulator. */
public final class Devices {

  private Devices() {
  }

  public static JsonObject get(Api api, String key, String clientId, String deviceId) {
    return api.get("/api/clients/" + clientId + "/devices/" + deviceId, key).data();
  }

  public static JsonObject awaitStatus(Api api, String key, String clientId, String deviceId, String status) {
    return Wait.until(deviceId + " " + status, 20_000, () -> get(api, key, clientId, deviceId),
        d -> d != null && status.equals(d.getString("status")));
  }

  /** Registers a device and links it by scanning its QR as {@code phone}. */
  public static void link(Api api, Sim sim, String key, String clientId, String deviceId, String phone) {
    Api.Response created = api.post("/api/clients/" + clientId + "/devices", key, new JsonObject().put("deviceId", deviceId));
    assertEquals(201, created.status(), created.toString());
    JsonObject qr = created.data().getJsonObject("qr");
    assertNotNull(qr, "the QR is in the 201 when ready within 5 s: " + created);
    assertEquals(200, sim.pair(qr.getString("qr"), phone).status());
    awaitStatus(api, key, clientId, deviceId, "CONNECTED");
  }
}
