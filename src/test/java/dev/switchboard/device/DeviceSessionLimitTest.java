package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node holding all the device sessions it may (SWITCHBOARD_MAX_SESSIONS) refuses the next device clearly. */
class DeviceSessionLimitTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(1_500).withNode("--max-sessions", "2");

  @Test
  void theDeviceBeyondTheNodesLimitIsRefusedWithA503NamingTheLimitAndTheOthersKeepWorking() {
    String key = bed.api().clientWithKey("cap");
    String devices = "/api/clients/cap/devices";
    Devices.link(bed.api(), bed.sim(), key, "cap", "one", "15557020001");
    assertEquals(201, bed.api().post(devices, key, new JsonObject().put("deviceId", "two")).status());

    long t0 = System.nanoTime();
    Api.Response third = bed.api().post(devices, key, new JsonObject().put("deviceId", "three"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, third.status(), third.toString());
    assertEquals("UNAVAILABLE", third.errorCode());
    String message = third.json().getJsonObject("error").getString("message");
    assertTrue(message.contains("SWITCHBOARD_MAX_SESSIONS=2") && message.contains("not added"), message);
    assertTrue(third.headers().contains("Retry-After"), "says when to try again");
    assertTrue(ms < 2_000, "refused in " + ms + " ms");
    assertEquals(404, bed.api().get(devices + "/three", key).status(), "the refused device was not added");

    assertEquals("CONNECTED", Devices.get(bed.api(), key, "cap", "one").getString("status"));
    assertEquals(202, bed.api().post(devices + "/one/messages/text", key,
        new JsonObject().put("to", "15557029999").put("text", "still sending")).status());

    // Removing a device frees its session for the next one.
    assertEquals(200, bed.api().delete(devices + "/two", key).status());
    assertEquals(201, bed.api().post(devices, key, new JsonObject().put("deviceId", "three")).status());
  }
}
