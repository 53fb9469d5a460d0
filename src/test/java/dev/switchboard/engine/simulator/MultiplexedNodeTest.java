package dev.switchboard.engine.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node started with {@code --sim-connections 2}: its devices link, send and come back after a fault
 * over two sockets to the simulator, however many devices it runs.
 */
class MultiplexedNodeTest {

  private static final String PERSON = "15557780099";

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000)
      .withNode("--sim-connections", "2", "--send-rate", "0").withClient("mux");

  @Test
  void aNodeCarriesItsDevicesOverTwoSocketsAndEachDeviceRecoversFromItsOwnFault() {
    Api api = bed.api();
    String key = bed.key("mux");
    for (int i = 0; i < 5; i++) {
      Devices.link(api, bed.sim(), key, "mux", "d" + i, "1555778000" + i);
    }
    JsonObject stats = bed.sim().stats();
    assertEquals(5, stats.getInteger("connectedSessions"), stats.encode());
    assertEquals(2, stats.getInteger("openSessions"), "the node's devices take two sockets: " + stats);

    String connectedAt = Devices.get(api, key, "mux", "d3").getString("connectedAt");
    assertEquals(200, bed.sim().fault("15557780003", "disconnect").status());
    Wait.until("d3 connected again", 20_000, () -> Devices.get(api, key, "mux", "d3"),
        d -> "CONNECTED".equals(d.getString("status")) && !connectedAt.equals(d.getString("connectedAt")));
    Wait.until("five sessions again", 20_000, () -> bed.sim().stats(), s -> s.getInteger("connectedSessions") == 5);
    assertEquals(202, api.post("/api/clients/mux/devices/d3/messages/text", key,
        new JsonObject().put("to", PERSON).put("text", "back")).status());
    assertEquals(202, api.post("/api/clients/mux/devices/d0/messages/text", key,
        new JsonObject().put("to", PERSON).put("text", "never left")).status());
    JsonArray inbox = Wait.until("both messages", 20_000, () -> bed.sim().received(PERSON), a -> a.size() >= 2);
    assertEquals(2, inbox.size(), inbox.encode());
    assertEquals(2, bed.sim().stats().getInteger("openSessions"));
  }
}
