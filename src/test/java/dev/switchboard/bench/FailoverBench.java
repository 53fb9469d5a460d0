package dev.switchboard.bench;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.Api;
import dev.switchboard.support.NodeCluster;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Failover time on three clustered node processes: N linked devices, then R rounds of kill -9 of
 * the busiest node, timing until every device is CONNECTED again on a live node with a live lease;
 * the killed node is restarted and the devices rebalanced before the next round.
 * Usage: bench/failover.sh [devices=30] [rounds=5]
 *
 * <p>{@code -Dbench.simConnections=K} (BENCH_SIM_CONNECTIONS=K for the script) starts the nodes with
 * {@code --sim-connections K}: each node carries all its devices over K multiplexed WebSockets to the
 * simulator, so that more devices than the simulator's open-file limit allows sockets fit (30,000 on
 * machines that allow 20,000 files). The default, 0, keeps one socket per device.
 */
public final class FailoverBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int simConnections = Integer.getInteger("bench.simConnections", 0);
    List<String> flags = new ArrayList<>(List.of("--master-rate-limit", "10000000"));
    if (simConnections > 0) {
      flags.addAll(List.of("--sim-connections", String.valueOf(simConnections)));
    }
    List<Double> times = new ArrayList<>();
    try (NodeCluster c = new NodeCluster("failover-bench", flags)) {
      DbUrl url = DbUrl.parse(c.pg.url());
      try (Connection db = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password()); Api api = c.api(0)) {
        String key = api.clientWithKey("bench");
        api.put("/api/clients/bench/config", TestNode.MASTER, new JsonObject().put("maxDevices", n));
        for (int i = 0; i < n; i++) {
          JsonObject created = api.post("/api/clients/bench/devices", key, new JsonObject().put("deviceId", "d" + i)).data();
          String qr = created.getJsonObject("qr") != null ? created.getJsonObject("qr").getString("qr")
              : api.get("/api/clients/bench/devices/d" + i + "/qr", key).data().getString("qr");
          c.sim.pair(qr, String.valueOf(4_430_000_000L + i));
        }
        awaitAllConnected(db, n, null);
        for (int r = 0; r < rounds; r++) {
          String busiest = busiest(db);
          int victim = c.names.indexOf(busiest);
          long t0 = System.nanoTime();
          c.nodes.get(victim).kill9();
          awaitAllConnected(db, n, busiest);
          double s = (System.nanoTime() - t0) / 1e9;
          times.add(s);
          System.out.printf("round %d: killed %s, all %d devices back in %.2f s%n", r + 1, busiest, n, s);
          c.nodes.set(victim, c.start(victim));
          try (Api any = c.api((victim + 1) % 3)) {
            any.post("/api/admin/rebalance", TestNode.MASTER, new JsonObject().put("perSecond", 50));
          }
          Thread.sleep(Math.max(5_000, n * 1000L / 50 + 3_000));
          awaitAllConnected(db, n, null);
        }
        JsonObject stats = c.sim.stats();
        System.out.printf("RESULT devices=%d rounds=%d failover_min_s=%.2f failover_median_s=%.2f failover_max_s=%.2f conflicts=%d"
            + " sim_connections=%d sim_sockets=%d%n", n, rounds, Collections.min(times), median(times), Collections.max(times),
            stats.getInteger("conflicts"), simConnections, stats.getInteger("openSessions"));
      }
    }
    System.exit(0);
  }

  private static String busiest(Connection db) throws Exception {
    try (ResultSet rs = db.createStatement().executeQuery(
        "SELECT owner_node, count(*) FROM devices GROUP BY owner_node ORDER BY 2 DESC LIMIT 1")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void awaitAllConnected(Connection db, int n, String notOn) throws Exception {
    while (true) {
      var st = db.prepareStatement("SELECT count(*) FROM devices WHERE status = 'CONNECTED' AND lease_until > now()"
          + " AND owner_node IS NOT NULL AND (?::text IS NULL OR owner_node <> ?)");
      st.setString(1, notOn);
      st.setString(2, notOn);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        if (rs.getInt(1) >= n) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }
}
