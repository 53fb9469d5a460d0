package dev.switchboard.engine.cobalt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real node on the Cobalt engine with no way to reach WhatsApp: a device goes to a retrying
 * state that says why, the node stays healthy and quick to answer, and the device can be deleted.
 */
@DisabledIf(value = "whatsappResolves", disabledReason = "this machine can reach WhatsApp; the test needs it unreachable")
class CobaltOfflineNodeTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode("--engine", "cobalt");

  static boolean whatsappResolves() {
    try {
      InetAddress.getByName("web.whatsapp.com");
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Test
  void aDeviceRetriesWithAClearErrorWhileTheNodeStaysHealthyAndDeleteWorks() {
    String key = bed.api().clientWithKey("cobalt1");
    long before = System.currentTimeMillis();
    Api.Response created = bed.api().post("/api/clients/cobalt1/devices", key, new JsonObject().put("deviceId", "phone-1"));
    assertEquals(201, created.status(), created.toString());
    assertTrue(System.currentTimeMillis() - before < 10_000, "creating a device is not held up by Cobalt");

    JsonObject device = Wait.until("a retrying status with an error", 60_000,
        () -> bed.api().get("/api/clients/cobalt1/devices/phone-1", key).data(),
        d -> Set.of("RECONNECTING", "FAILED").contains(d.getString("status")) && d.getString("lastError") != null);
    String lastError = device.getString("lastError");
    assertTrue(lastError.contains("WhatsApp"), "lastError names what failed: " + lastError);
    assertTrue(lastError.startsWith("cannot reach WhatsApp") || lastError.contains("did not answer"), lastError);

    // It keeps retrying (attempts grow), and the node answers quickly all the while.
    for (int i = 0; i < 5; i++) {
      long t0 = System.currentTimeMillis();
      Api.Response health = bed.api().get("/api/health", null);
      assertEquals(200, health.status(), health.toString());
      assertEquals("ok", health.data().getString("status"));
      assertTrue(System.currentTimeMillis() - t0 < 2_000, "health answered within 2 s");
      Api.Response list = bed.api().get("/api/clients/cobalt1/devices", key);
      assertEquals(200, list.status());
    }
    Api.Response qr = bed.api().get("/api/clients/cobalt1/devices/phone-1/qr", key);
    assertEquals(409, qr.status(), qr.toString());

    long t0 = System.currentTimeMillis();
    Api.Response deleted = bed.api().delete("/api/clients/cobalt1/devices/phone-1", key);
    assertTrue(deleted.status() == 200 || deleted.status() == 204, deleted.toString());
    assertTrue(System.currentTimeMillis() - t0 < 20_000, "delete is bounded");
    assertEquals(404, bed.api().get("/api/clients/cobalt1/devices/phone-1", key).status());
    assertEquals(200, bed.api().get("/api/health", null).status());
    assertNotNull(bed.node());
  }
}
