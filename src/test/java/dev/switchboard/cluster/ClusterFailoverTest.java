package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.NodeCluster;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Three real node processes (Hazelcast on loopback), one PostgreSQL process and one simulator:
 * devices spread, sends through every node, the busiest node is killed mid-traffic, and its devices
 * come back on the others with no duplicate session and no lost or doubled message.
 */
class ClusterFailoverTest {

  static final int DEVICES = 30;

  static JsonArray devices(Api api, String key) {
    return api.get("/api/clients/acme/devices?limit=200", key).data().getJsonArray("items");
  }

  static Map<String, Integer> spread(JsonArray devices) {
    Map<String, Integer> byNode = new HashMap<>();
    devices.forEach(o -> byNode.merge(String.valueOf(((JsonObject) o).getString("node")), 1, Integer::sum));
    return byNode;
  }

  @Test
  void theBusiestNodeDiesAndItsDevicesComeBackElsewhereWithNothingLostOrDoubled() throws Exception {
    try (NodeCluster c = new NodeCluster("cluster-failover", List.of("--send-rate", "20")); Api a0 = c.api(0); Api a1 = c.api(1); Api a2 = c.api(2)) {
      List<Api> apis = List.of(a0, a1, a2);
      Wait.until("three members", 30_000, () -> a0.get("/api/health", null).data().getInteger("clusterSize"), n -> n == 3);
      String key = a0.clientWithKey("acme");
      a0.put("/api/clients/acme/config", TestNode.MASTER, new JsonObject().put("maxDevices", DEVICES)
          .put("rateLimitPerMinute", 1_000_000));
      for (int i = 0; i < DEVICES; i++) {
        Api via = apis.get(i % 3);
        String id = "d" + i;
        Api.Response created = via.post("/api/clients/acme/devices", key, new JsonObject().put("deviceId", id));
        assertEquals(201, created.status(), created.toString());
        String qr = Wait.until("QR of " + id, 20_000,
            () -> via.get("/api/clients/acme/devices/" + id + "/qr", key), r -> r.status() == 200).data().getString("qr");
        assertEquals(200, c.sim.pair(qr, String.valueOf(15_560_000_000L + i)).status());
      }
      JsonArray linked = Wait.until("all connected", 60_000, () -> devices(a0, key),
          items -> items.stream().allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))));
      Map<String, Integer> spread = spread(linked);
      assertEquals(Set.of("n1", "n2", "n3"), spread.keySet(), "devices spread over all nodes: " + spread);
      spread.values().forEach(n -> assertTrue(n >= 4, "no node is nearly empty: " + spread));

      // One live feed, on one node, sees the events of devices on every node (the clustered event bus).
      io.vertx.core.Vertx client = io.vertx.core.Vertx.vertx();
      try {
        List<JsonObject> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
        client.createWebSocketClient().connect(new io.vertx.core.http.WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(c.nodes.get(0).port()).setURI("/api/events/ws?events=message").addHeader("x-api-key", key))
            .onSuccess(ws -> {
              ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
              ws.closeHandler(v -> frames.add(new JsonObject().put("closed", ws.closeStatusCode())));
            })
            .await(10, TimeUnit.SECONDS);
        // The feed's subscription reaches the other nodes a moment after it opens (the cluster's
        // registry of subscriptions is eventually consistent): devices not heard from yet get
        // another message every 2 s, for up to 30 s. The feed itself must stay open throughout.
        Set<String> fromDevices = new java.util.HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
          frames.stream().filter(f -> f.containsKey("deviceId")).forEach(f -> fromDevices.add(f.getString("deviceId")));
          if (fromDevices.size() == DEVICES || frames.stream().anyMatch(f -> f.containsKey("closed")) || System.nanoTime() > deadline) {
            break;
          }
          for (int i = 0; i < DEVICES; i++) {
            if (!fromDevices.contains("d" + i)) {
              c.sim.send("15562220000", new JsonObject().put("to", String.valueOf(15_560_000_000L + i)).put("type", "text")
                  .put("text", "to d" + i));
            }
          }
          Thread.sleep(2_000);
        }
        assertEquals(List.of(), frames.stream().filter(f -> f.containsKey("closed")).toList(), "the feed was not closed");
        assertEquals(DEVICES, fromDevices.size(), "events of devices on all three nodes reached node 1's feed: " + fromDevices);
      } finally {
        client.close();
      }

      // A device's actor listens on its own node only: the others route to it, and remember where it is.
      everyDeviceAnswersThrough(apis, key);

      // Traffic through every node, while the busiest node is killed.
      String busiest = spread.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      int victim = c.names.indexOf(busiest);
      Map<String, String> accepted = new ConcurrentHashMap<>();
      List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService senders = Executors.newFixedThreadPool(3);
      for (int t = 0; t < 3; t++) {
        int node = t;
        senders.submit(() -> {
          int n = 0;
          while (!stop.get()) {
            int device = n++ % DEVICES;
            String to = "1556100" + String.format("%04d", device);
            try {
              Api.Response r = apis.get(node).post("/api/clients/acme/devices/d" + device + "/messages/text", key,
                  new JsonObject().put("to", to).put("text", "via n" + (node + 1) + " #" + n));
              if (r.status() == 202) {
                accepted.put(r.data().getString("messageId"), to);
              } else {
                refused.add(r.status() + " " + r.errorCode() + " Retry-After=" + r.headers().get("Retry-After"));
              }
            } catch (RuntimeException deadNode) {
              // The killed node refuses connections: nothing was accepted there.
            }
          }
          return null;
        });
      }
      Thread.sleep(3_000);
      c.nodes.get(victim).kill9();
      long killedAt = System.nanoTime();
      Thread.sleep(4_000);
      stop.set(true);
      senders.shutdown();
      assertTrue(senders.awaitTermination(60, TimeUnit.SECONDS));

      Api survivor = apis.get((victim + 1) % 3);
      JsonArray after = Wait.until("all back on the survivors", 60_000, () -> devices(survivor, key),
          items -> items.stream().allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))
              && !busiest.equals(((JsonObject) o).getString("node"))));
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      assertTrue(spread(after).keySet().stream().noneMatch(busiest::equals), "nothing left on the dead node: " + spread(after));
      assertEquals(0, c.sim.stats().getInteger("conflicts"), "no session ran twice at once");

      assertTrue(accepted.size() > 30, "traffic flowed: " + accepted.size());
      // A survivor never answers 500 in the gap: a send is accepted (it waits in the outbox), or refused with 503 and Retry-After.
      refused.forEach(r -> assertTrue(r.startsWith("503 UNAVAILABLE") && !r.endsWith("=null"), "refused in the gap: " + r));
      Wait.until("every accepted send delivered", 120_000, () -> delivered(c.sim, accepted.values()).keySet().containsAll(accepted.keySet()),
          all -> all);
      Map<String, Integer> counts = delivered(c.sim, accepted.values());
      accepted.keySet().forEach(id -> assertEquals(1, counts.get(id), "message " + id + " arrived exactly once"));
      assertNotEquals(0, seconds);
      System.out.printf("failover: %d devices back %.1f s after kill -9; %d sends accepted%n", DEVICES, seconds, accepted.size());

      // The survivors remembered the dead node as the owner of its devices: they find the new owners.
      List<Api> survivors = apis.stream().filter(a -> a != apis.get(victim)).toList();
      everyDeviceAnswersThrough(survivors, key);

      // The killed node comes back and a rebalance hands devices to it: the node a survivor remembers
      // is alive but no longer runs the device, and says so.
      c.nodes.set(victim, c.start(victim));
      try (Api back = c.api(victim)) {
        Wait.until("three members again", 60_000, () -> back.get("/api/health", null).data().getInteger("clusterSize"), n -> n == 3);
        assertEquals(202, back.post("/api/admin/rebalance", TestNode.MASTER, new JsonObject().put("perSecond", 50)).status());
        Wait.until("devices handed to the restarted node", 60_000, () -> devices(back, key),
            items -> spread(items).getOrDefault(busiest, 0) >= DEVICES / 3 - 1
                && items.stream().allMatch(o -> "CONNECTED".equals(((JsonObject) o).getString("status"))));
        everyDeviceAnswersThrough(List.of(survivors.get(0), survivors.get(1), back), key);
      }
      assertEquals(0, c.sim.stats().getInteger("conflicts"), "no session ran twice at once");
    }
  }

  /** Every device answers a request for its live session through every node given, wherever it runs. */
  static void everyDeviceAnswersThrough(List<Api> apis, String key) {
    for (Api api : apis) {
      for (int i = 0; i < DEVICES; i++) {
        Api.Response r = api.get("/api/clients/acme/devices/d" + i + "/profile", key);
        assertEquals(200, r.status(), "d" + i + ": " + r);
      }
    }
  }

  /** messageId -> how many times it arrived, over all recipients that were sent to. */
  static Map<String, Integer> delivered(Sim sim, java.util.Collection<String> recipients) {
    Map<String, Integer> counts = new HashMap<>();
    for (String to : Set.copyOf(recipients)) {
      sim.received(to).forEach(o -> counts.merge(((JsonObject) o).getString("messageId"), 1, Integer::sum));
    }
    return counts;
  }
}
