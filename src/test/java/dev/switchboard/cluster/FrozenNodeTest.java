package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Api;
import dev.switchboard.support.NodeCluster;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node frozen (SIGSTOP) past the heartbeat deadline comes back as a cluster of its own. The
 * halves must become one again soon, or each takes the other's devices in turn and the network
 * sees every session connected twice, over and over.
 */
class FrozenNodeTest {

  static final int DEVICES = 12;

  @Test
  void aNodeFrozenForTwentySecondsRejoinsAndNoSessionFlapsBetweenTheHalves() throws Exception {
    try (NodeCluster c = new NodeCluster("frozen-node", List.of()); Api a0 = c.api(0); Api a1 = c.api(1); Api a2 = c.api(2)) {
      Wait.until("three members", 30_000, () -> a0.get("/api/health", null).data().getInteger("clusterSize"), n -> n == 3);
      String key = a0.clientWithKey("acme");
      a0.put("/api/clients/acme/config", TestNode.MASTER, new JsonObject().put("maxDevices", DEVICES));
      for (int i = 0; i < DEVICES; i++) {
        JsonObject created = a0.post("/api/clients/acme/devices", key, new JsonObject().put("deviceId", "d" + i)).data();
        c.sim.pair(created.getJsonObject("qr").getString("qr"), String.valueOf(15_558_100_000L + i));
      }
      Wait.until("every device CONNECTED", 30_000, () -> ClusterFailoverTest.devices(a0, key).stream()
          .allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))), all -> all);

      c.nodes.get(2).signal("STOP");
      Thread.sleep(20_000);
      c.nodes.get(2).signal("CONT");
      List<Api> apis = List.of(a0, a1, a2);
      for (Api api : apis) {
        Wait.until("three members again on every node", 40_000,
            () -> api.get("/api/health", null).data().getInteger("clusterSize"), n -> n == 3);
      }
      Wait.until("every device CONNECTED", 40_000, () -> ClusterFailoverTest.devices(a0, key).stream()
          .allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))), all -> all);
      // Settled: the frozen node's quarantine is over and no session changes hands any more.
      Thread.sleep(35_000);
      long conflicts = c.sim.stats().getLong("conflicts");
      Thread.sleep(10_000);
      assertEquals(conflicts, c.sim.stats().getLong("conflicts"), "no session changes hands once the cluster is one again");
      assertEquals(DEVICES, c.sim.stats().getInteger("connectedSessions"));
    }
  }

  /**
   * A freeze shorter than a lease: the node's devices are still its own when it wakes, it takes the
   * freeze for what it is, stops them and claims none for a while, then they come back. Texts sent to
   * them throughout, through the other nodes, all arrive once.
   */
  @Test
  void aNodeFrozenForSevenSecondsStopsItsDevicesAndEveryTextSentMeanwhileArrivesOnce() throws Exception {
    try (NodeCluster c = new NodeCluster("short-freeze", List.of()); Api a0 = c.api(0); Api a1 = c.api(1); Api a2 = c.api(2)) {
      Wait.until("three members", 30_000, () -> a0.get("/api/health", null).data().getInteger("clusterSize"), n -> n == 3);
      String key = a0.clientWithKey("acme");
      a0.put("/api/clients/acme/config", TestNode.MASTER, new JsonObject().put("maxDevices", DEVICES)
          .put("rateLimitPerMinute", 1_000_000));
      for (int i = 0; i < DEVICES; i++) {
        JsonObject created = a0.post("/api/clients/acme/devices", key, new JsonObject().put("deviceId", "d" + i)).data();
        c.sim.pair(created.getJsonObject("qr").getString("qr"), String.valueOf(15_558_200_000L + i));
      }
      Wait.until("every device CONNECTED", 30_000, () -> ClusterFailoverTest.devices(a0, key).stream()
          .allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))), all -> all);
      String frozen = "n3";
      long onFrozen = ClusterFailoverTest.devices(a0, key).stream()
          .filter(o -> frozen.equals(((JsonObject) o).getString("node"))).count();

      java.util.Map<String, String> accepted = new java.util.concurrent.ConcurrentHashMap<>();
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      Thread sender = Thread.ofPlatform().start(() -> {
        int n = 0;
        while (!stop.get()) {
          Api via = n % 2 == 0 ? a0 : a1;
          String to = "1555830" + String.format("%04d", n % DEVICES);
          try {
            Api.Response r = via.post("/api/clients/acme/devices/d" + (n % DEVICES) + "/messages/text", key,
                new JsonObject().put("to", to).put("text", "#" + n));
            if (r.status() == 202) {
              accepted.put(r.data().getString("messageId"), to);
            }
          } catch (RuntimeException e) {
            // Not accepted: nothing to find later.
          }
          n++;
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      Thread.sleep(2_000);
      c.nodes.get(2).signal("STOP");
      Thread.sleep(7_000);
      c.nodes.get(2).signal("CONT");
      // Through the freeze, the quarantine and the devices' return.
      Thread.sleep(20_000);
      stop.set(true);
      sender.join();
      Wait.until("every device CONNECTED", 60_000, () -> ClusterFailoverTest.devices(a0, key).stream()
          .allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))), all -> all);
      org.junit.jupiter.api.Assertions.assertTrue(onFrozen > 0, "the frozen node ran devices");
      org.junit.jupiter.api.Assertions.assertTrue(accepted.size() > 100, "texts flowed: " + accepted.size());
      Wait.until("every accepted text delivered", 90_000,
          () -> ClusterFailoverTest.delivered(c.sim, accepted.values()).keySet().containsAll(accepted.keySet()), all -> all);
      java.util.Map<String, Integer> counts = ClusterFailoverTest.delivered(c.sim, accepted.values());
      accepted.keySet().forEach(id -> assertEquals(1, counts.get(id), "message " + id + " arrived exactly once"));
    }
  }
}
