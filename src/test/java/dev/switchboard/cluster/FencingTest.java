package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.NodeCluster;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node paused past its lease (SIGSTOP, as a long GC pause or a partition would) loses its
 * devices to the others, and when it wakes up it stops them at once instead of running them twice.
 */
class FencingTest {

  @Test
  void aNodePausedPastItsLeaseStopsItsSessionsWhenItWakes() throws Exception {
    try (NodeCluster c = new NodeCluster("cluster-fencing", List.of()); Api a0 = c.api(0); Api a1 = c.api(1)) {
      Wait.until("three members", 30_000, () -> a0.get("/api/health", null).data().getInteger("clusterSize"), n -> n == 3);
      String key = a0.clientWithKey("acme");
      a0.put("/api/clients/acme/config", dev.switchboard.support.TestNode.MASTER, new JsonObject().put("maxDevices", 9));
      for (int i = 0; i < 9; i++) {
        String id = "d" + i;
        assertEquals(201, a0.post("/api/clients/acme/devices", key, new JsonObject().put("deviceId", id)).status());
        String qr = Wait.until("QR of " + id, 20_000, () -> a0.get("/api/clients/acme/devices/" + id + "/qr", key),
            r -> r.status() == 200).data().getString("qr");
        assertEquals(200, c.sim.pair(qr, String.valueOf(15_570_000_000L + i)).status());
      }
      JsonArray linked = Wait.until("all connected", 60_000, () -> ClusterFailoverTest.devices(a0, key),
          items -> items.stream().allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))));
      Map<String, Integer> spread = ClusterFailoverTest.spread(linked);
      int paused = 2;
      String pausedName = c.names.get(paused);
      assertTrue(spread.getOrDefault(pausedName, 0) > 0, "the paused node runs devices: " + spread);

      long pid = c.nodes.get(paused).pid();
      new ProcessBuilder("kill", "-STOP", String.valueOf(pid)).start().waitFor();
      try {
        // The others see it gone (heartbeat) and take its devices from stored credentials.
        Wait.until("devices moved off the paused node", 60_000, () -> ClusterFailoverTest.devices(a0, key),
            items -> items.stream().allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))
                && !pausedName.equals(((JsonObject) o).getString("node"))));
        Thread.sleep(16_000); // past the paused node's 15 s lease
      } finally {
        new ProcessBuilder("kill", "-CONT", String.valueOf(pid)).start().waitFor();
      }
      // Awake again, it finds its leases gone and stops its sessions instead of writing over the new owners.
      Wait.until("the woken node stops its stale sessions", 20_000,
          () -> uncheckedRead(c), log -> log.contains("stopping all") || log.contains("Lost the lease"));
      // A device whose new owner's session the woken node disturbed before it stopped reconnects.
      JsonArray after = Wait.until("every device connected on the others", 30_000, () -> ClusterFailoverTest.devices(a1, key),
          items -> items.stream().allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))));
      after.forEach(o -> {
        JsonObject d = (JsonObject) o;
        assertEquals("CONNECTED", d.getString("status"), d.toString());
        assertTrue(!pausedName.equals(d.getString("node")), "still owned by the others: " + d);
      });
    }
  }

  private static String uncheckedRead(NodeCluster c) {
    try {
      return Files.readString(c.log);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
