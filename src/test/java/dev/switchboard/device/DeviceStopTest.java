package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A stopped device keeps its credentials, stays stopped across a restart, and starts again without a QR. */
class DeviceStopTest {

  private static final String PHONE = "15559990001";
  private static final String D = "/api/clients/stp/devices/s";

  @Test
  void aStoppedDeviceStaysStoppedAcrossANodeRestartAndStartsAgainWithoutAQr() throws Exception {
    try (Sim sim = new Sim(20_000)) {
      String db = TestDatabase.newDatabase();
      Node first = TestNode.start(TestNode.config(db, "--sim-url", sim.url()));
      String key;
      try (Api api = new Api(first.httpPort())) {
        key = api.clientWithKey("stp");
        Devices.link(api, sim, key, "stp", "s", PHONE);
        Api.Response stop = api.post(D + "/stop", key, null);
        assertEquals(202, stop.status(), stop.toString());
        Devices.awaitStatus(api, key, "stp", "s", "STOPPED");
        Wait.until("the session closed", 10_000, () -> sim.stats().getInteger("connectedSessions"), n -> n == 0);
        Api.Response send = api.post(D + "/messages/text", key, new JsonObject().put("to", "15559990002").put("text", "hi"));
        assertEquals(409, send.status(), send.toString());
        assertEquals("DEVICE_NOT_CONNECTED", send.errorCode());
      } finally {
        TestNode.stop(first);
      }
      // Sent while the device is stopped: the network keeps it for the device.
      String waiting = sim.send("15559990002", new JsonObject().put("to", PHONE).put("text", "are you there?"));
      Node second = TestNode.start(TestNode.config(db, "--sim-url", sim.url()));
      try (Api api = new Api(second.httpPort())) {
        // Two reconcile rounds (3 s apart) had their chance to resume it.
        Thread.sleep(7_000);
        assertEquals("STOPPED", Devices.get(api, key, "stp", "s").getString("status"));
        assertEquals(0, sim.stats().getInteger("connectedSessions"), "no session was opened for a stopped device");

        Api.Response start = api.post(D + "/start", key, null);
        assertEquals(202, start.status(), start.toString());
        // No QR is scanned: the stored credentials resume the session.
        Devices.awaitStatus(api, key, "stp", "s", "CONNECTED");
        Wait.until("the message kept while stopped", 10_000, () -> {
          JsonArray items = api.get(D + "/chats/15559990002/messages", key).data().getJsonArray("items");
          return items.stream().anyMatch(m -> waiting.equals(((JsonObject) m).getString("messageId")));
        }, found -> found);
        assertEquals(0, sim.stats().getInteger("conflicts"));
      } finally {
        TestNode.stop(second);
      }
    }
  }
}
