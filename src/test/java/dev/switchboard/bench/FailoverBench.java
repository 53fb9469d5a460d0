package dev.switchboard.bench;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.Api;
import dev.switchboard.support.NodeCluster;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failover on three clustered node processes (one PostgreSQL, the simulator in this JVM): N devices
 * over several clients, then R rounds of kill -9 of the busiest node while texts are sent through the
 * survivors, timing until every device is CONNECTED again on a live node with a live lease. Each
 * round reports where the dead node's devices went, the sessions the network saw twice, and what
 * became of the accepted texts. The killed node is restarted and the devices rebalanced before the
 * next round. With {@code -Dbench.restarts=true} it then stops the whole cluster (SIGTERM) and starts
 * it again, then kills it whole (kill -9) and starts it again, timing until every device is back.
 *
 * <p>Usage: bench/failover.sh [devices=30] [rounds=5] [clients=devices/2000, at least 1].
 * Properties: bench.sendRate (texts/s during each round, default 100), bench.nodeHeap (default
 * 256m up to 3,000 devices, else 1g), bench.restarts (default false), bench.simConnections: with K > 0
 * the nodes run with {@code --sim-connections K} and carry all their devices over K multiplexed
 * WebSockets to the simulator, so that more devices than the simulator's open-file limit allows
 * sockets fit (30,000 on machines that allow 20,000 files); 0, the default, keeps one socket per device.
 */
public final class FailoverBench {

  private static final long FIRST_PHONE = 4_430_000_000L;

  private final int n;
  private final NodeCluster c;
  private final Connection db;
  private final List<String[]> devices = new ArrayList<>();
  private final java.util.Set<Integer> down = ConcurrentHashMap.newKeySet();

  private FailoverBench(int n, NodeCluster c, Connection db) {
    this.n = n;
    this.c = c;
    this.db = db;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : Math.max(1, n / 2_000);
    String heap = System.getProperty("bench.nodeHeap", n <= 3_000 ? "256m" : "1g");
    int simConnections = Integer.getInteger("bench.simConnections", 0);
    List<String> flags = new ArrayList<>(List.of("--master-rate-limit", "10000000"));
    if (simConnections > 0) {
      flags.addAll(List.of("--sim-connections", String.valueOf(simConnections)));
    }
    try (NodeCluster c = new NodeCluster("failover-bench", flags, List.of("-Xmx" + heap, "-XX:+UseSerialGC"))) {
      DbUrl url = DbUrl.parse(c.pg.url());
      try (Connection db = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
        new FailoverBench(n, c, db).run(rounds, clients);
      }
    }
    System.exit(0);
  }

  /** The fastest rebalance the API allows. */
  private static final int REBALANCE_PER_SECOND = 100;

  private void run(int rounds, int clients) throws Exception {
    long t0 = System.nanoTime();
    link(clients);
    awaitConnected(null, null, Long.MAX_VALUE);
    System.out.printf("linked %d devices over %d clients in %.1f s%n", n, clients, (System.nanoTime() - t0) / 1e9);
    idle(30);
    List<Double> times = new ArrayList<>();
    int sendRate = Integer.getInteger("bench.sendRate", 100);
    try (Traffic traffic = new Traffic(this::livePorts, devices, TestNode.MASTER)) {
      for (int r = 0; r < rounds; r++) {
        Map<String, Integer> before = perNode();
        String busiest = before.keySet().iterator().next();
        int victim = c.names.indexOf(busiest);
        int conflicts = c.sim.stats().getInteger("conflicts");
        traffic.start(sendRate);
        Thread.sleep(2_000);
        double[] cpu0 = cpu(victim);
        long k = System.nanoTime();
        down.add(victim);
        c.nodes.get(victim).kill9();
        awaitConnected(busiest, null, Long.MAX_VALUE);
        double s = (System.nanoTime() - k) / 1e9;
        double[] cpu1 = cpu(victim);
        // PostgreSQL is left out: the dead node's backends end meanwhile, and their CPU with them.
        System.out.printf("takeover CPU over %.2f s: survivors %.2f s (%.2f ms per device taken over),"
            + " bench JVM (simulator, client) %.2f s; the machine has %d cores%n", s, cpu1[0] - cpu0[0],
            (cpu1[0] - cpu0[0]) * 1000 / before.get(busiest), cpu1[1] - cpu0[1], Runtime.getRuntime().availableProcessors());
        times.add(s);
        Thread.sleep(2_000);
        traffic.stop();
        traffic.awaitAnswered(60_000);
        Map<String, Integer> after = perNode();
        StringBuilder spread = new StringBuilder();
        after.forEach((node, count) -> spread.append(' ').append(node).append('+')
            .append(count - before.getOrDefault(node, 0)));
        System.out.printf("round %d: killed %s with %d devices, all %d back in %.2f s; moved:%s; conflicts %d; %s%n",
            r + 1, busiest, before.get(busiest), n, s, spread, c.sim.stats().getInteger("conflicts") - conflicts,
            traffic.outcome(c.sim, 60_000));
        c.nodes.set(victim, c.start(victim));
        down.remove(victim);
        try (Api any = c.api((victim + 1) % 3)) {
          // The plan counts only the members the survivor sees: wait until the restarted node is one.
          Wait.until("three members", 60_000, () -> any.get("/api/health", null).data().getInteger("clusterSize"), m -> m == 3);
          Api.Response plan = any.post("/api/admin/rebalance", TestNode.MASTER,
              new JsonObject().put("perSecond", REBALANCE_PER_SECOND).put("maxMoves", 10_000));
          if (plan.status() != 202) {
            throw new IllegalStateException("rebalance refused: " + plan);
          }
          int moves = plan.data().getInteger("moves");
          System.out.printf("rebalance: %d moves at %d/s%n", moves, REBALANCE_PER_SECOND);
          Thread.sleep(moves * 1000L / REBALANCE_PER_SECOND + 5_000);
        }
        awaitConnected(null, null, Long.MAX_VALUE);
      }
      Traffic.Outcome sends = traffic.outcome(c.sim, 60_000);
      System.out.printf("RESULT devices=%d clients=%d rounds=%d failover_min_s=%.2f failover_median_s=%.2f "
              + "failover_max_s=%.2f conflicts=%d sends_accepted=%d sends_lost=%d sends_twice=%d sim_sockets=%d%n",
          n, clients, rounds, Collections.min(times), median(times), Collections.max(times),
          c.sim.stats().getInteger("conflicts"), sends.accepted(), sends.lost(), sends.twice(),
          c.sim.stats().getInteger("openSessions"));
    }
    if (Boolean.getBoolean("bench.restarts")) {
      restart(false);
      restart(true);
    }
  }

  /** Registers and pairs the devices, client after client, each on the next node, 64 at a time. */
  private void link(int clients) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    for (int k = 0; k < clients; k++) {
      String client = "c" + k;
      int count = n / clients + (k < n % clients ? 1 : 0);
      LinkBench.linkAll(http, "http://127.0.0.1:" + c.nodes.get(k % 3).port(), c.sim.url(), client, count,
          FIRST_PHONE + k * 100_000L, new AtomicInteger(), new AtomicInteger());
      for (int i = 0; i < count; i++) {
        devices.add(new String[] {client, "d" + i});
      }
    }
  }

  /**
   * The whole cluster stopped (SIGTERM, or kill -9) and started again: the time from starting the
   * nodes until every device is CONNECTED again, with a fresh connection, and without a new QR.
   */
  private void restart(boolean kill9) throws Exception {
    Map<String, Integer> before = perNode();
    Timestamp stoppedAt = now();
    long s0 = System.nanoTime();
    List<Thread> stops = new ArrayList<>();
    for (NodeProcess node : c.nodes) {
      stops.add(Thread.startVirtualThread(() -> {
        try {
          if (kill9) {
            node.kill9();
          } else {
            node.terminate();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    for (Thread t : stops) {
      t.join();
    }
    double stopping = (System.nanoTime() - s0) / 1e9;
    int conflicts = c.sim.stats().getInteger("conflicts");
    long t0 = System.nanoTime();
    List<Thread> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int node = i;
      starts.add(Thread.startVirtualThread(() -> c.nodes.set(node, c.start(node))));
    }
    for (Thread t : starts) {
      t.join();
    }
    double started = (System.nanoTime() - t0) / 1e9;
    int at30 = awaitConnected(null, stoppedAt, t0 + 30_000_000_000L);
    double back = awaitConnected(null, stoppedAt, t0 + 300_000_000_000L) >= n ? (System.nanoTime() - t0) / 1e9 : -1;
    try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM devices WHERE status <> 'CONNECTED'")) {
      rs.next();
      System.out.printf("RESULT whole_cluster=%s devices=%d stop_s=%.1f nodes_up_s=%.1f all_back_s=%.1f "
              + "back_within_30s=%d not_connected=%d conflicts=%d linking_sessions=%d spread_before=%s spread_after=%s%n",
          kill9 ? "kill9" : "sigterm", n, stopping, started, back, at30, rs.getInt(1),
          c.sim.stats().getInteger("conflicts") - conflicts, c.sim.stats().getInteger("linkingSessions"),
          before, perNode());
    }
  }

  /**
   * What {@code n} linked devices cost at rest: the CPU of the three nodes and of PostgreSQL over
   * {@code seconds}, and the device rows updated meanwhile (lease renewals, mostly).
   */
  private void idle(int seconds) throws Exception {
    Thread.sleep(5_000);
    double nodes0 = c.nodes.stream().mapToDouble(p -> ProcessCpu.tree(p.pid())).sum();
    String pgDir = c.log.getParent().resolve("pg").toAbsolutePath().toString();
    double pg0 = ProcessCpu.matching(pgDir);
    long updates0 = deviceUpdates();
    Thread.sleep(seconds * 1000L);
    double nodes = c.nodes.stream().mapToDouble(p -> ProcessCpu.tree(p.pid())).sum() - nodes0;
    double pg = ProcessCpu.matching(pgDir) - pg0;
    long updates = deviceUpdates() - updates0;
    System.out.printf("RESULT idle devices=%d seconds=%d nodes_cpu_ms_per_s=%.1f postgres_cpu_ms_per_s=%.1f "
            + "device_row_updates_per_s=%.1f nodes_us_per_device_s=%.2f postgres_us_per_row_update=%.1f%n",
        n, seconds, nodes * 1000 / seconds, pg * 1000 / seconds, (double) updates / seconds,
        nodes * 1e6 / seconds / n, updates == 0 ? 0 : pg * 1e6 / updates);
  }

  /** CPU seconds used so far by {the nodes but {@code except}, this JVM}. */
  private double[] cpu(int except) {
    double nodes = 0;
    for (int i = 0; i < c.nodes.size(); i++) {
      if (i != except) {
        nodes += ProcessCpu.tree(c.nodes.get(i).pid());
      }
    }
    return new double[] {nodes, ProcessCpu.own(ProcessHandle.current().pid())};
  }

  /** Rows of the devices table updated since PostgreSQL started (its statistics, flushed within a second). */
  private long deviceUpdates() throws Exception {
    try (ResultSet rs = db.createStatement().executeQuery(
        "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'devices'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<Integer> livePorts() {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < c.nodes.size(); i++) {
      if (!down.contains(i)) {
        ports.add(c.nodes.get(i).port());
      }
    }
    return ports;
  }

  /** Devices per owning node, the busiest first. */
  private Map<String, Integer> perNode() throws Exception {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (ResultSet rs = db.createStatement().executeQuery(
        "SELECT owner_node, count(*) FROM devices WHERE owner_node IS NOT NULL GROUP BY owner_node ORDER BY 2 DESC")) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getInt(2));
      }
    }
    return counts;
  }

  private Timestamp now() throws Exception {
    try (ResultSet rs = db.createStatement().executeQuery("SELECT now()")) {
      rs.next();
      return rs.getTimestamp(1);
    }
  }

  /**
   * Waits until all devices are CONNECTED on a live lease (not on {@code notOn}; connected after
   * {@code since}, when given) and the network holds that many sessions, or until {@code deadline}
   * (System.nanoTime); answers how many were.
   */
  private int awaitConnected(String notOn, Timestamp since, long deadline) throws Exception {
    var st = db.prepareStatement("SELECT count(*) FROM devices WHERE status = 'CONNECTED' AND lease_until > now()"
        + " AND owner_node IS NOT NULL AND (?::text IS NULL OR owner_node <> ?)"
        + " AND (?::timestamptz IS NULL OR connected_at > ?)");
    st.setString(1, notOn);
    st.setString(2, notOn);
    st.setTimestamp(3, since);
    st.setTimestamp(4, since);
    while (true) {
      int count;
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        count = rs.getInt(1);
      }
      if (count >= n && c.sim.stats().getInteger("connectedSessions") >= n || System.nanoTime() >= deadline) {
        return count;
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
