package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.switchboard.support.Api;
import dev.switchboard.support.Sim;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What the event tests share: linking a simulated device, people sending to it, checking signatures. */
final class EventKit {

  private EventKit() {
  }

  static JsonObject device(Api api, String key, String clientId, String deviceId) {
    return api.get("/api/clients/" + clientId + "/devices/" + deviceId, key).data();
  }

  /** Registers a device and links it by scanning its QR as {@code phone}; waits until CONNECTED. */
  static void link(Api api, Sim sim, String key, String clientId, String deviceId, String phone) {
    Api.Response created = api.post("/api/clients/" + clientId + "/devices", key, new JsonObject().put("deviceId", deviceId));
    assertEquals(201, created.status(), created.toString());
    JsonObject qr = created.data().getJsonObject("qr");
    assertNotNull(qr, "the QR is in the 201 when ready within 5 s: " + created);
    assertEquals(200, sim.pair(qr.getString("qr"), phone).status());
    Wait.until(deviceId + " CONNECTED", 20_000, () -> device(api, key, clientId, deviceId),
        d -> d != null && "CONNECTED".equals(d.getString("status")));
  }

  static Api simControl(Sim sim) {
    return new Api(URI.create(sim.url()).getPort());
  }

  /** The simulated person {@code from} sends a text to {@code to}; returns the message id. */
  static String say(Api simControl, String from, String to, String text) {
    Api.Response r = simControl.post("/sim/phones/" + from + "/messages", null,
        new JsonObject().put("to", to).put("type", "text").put("text", text));
    assertEquals(200, r.status(), r.toString());
    return r.json().getString("messageId");
  }

  static JsonArray inbox(Api simControl, String phone) {
    return new JsonArray(simControl.get("/sim/phones/" + phone + "/messages", null).body());
  }

  static void configure(Api api, String key, String clientId, JsonObject config) {
    Api.Response r = api.put("/api/clients/" + clientId + "/config", key, config);
    assertEquals(200, r.status(), r.toString());
  }

  /** Standard Webhooks, computed here independently of the gateway's code. */
  static String expectedSignature(String secret, String id, String timestamp, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    byte[] sig = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(sig);
  }
}
