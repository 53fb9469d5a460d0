package dev.switchboard.bench;

import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.simulator.SimulatorOptions;
import dev.switchboard.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Links N simulated devices on one node (a separate JVM), after W warm-up devices that are not timed,
 * and reports: time to link the N, time for all W + N to come back CONNECTED after a kill -9 and
 * restart, and the node's heap and RSS per device. Usage: bench/link-devices.sh N [heap] [W]
 */
public final class LinkBench {

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    String heap = args.length > 1 ? args[1] : "2g";
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    Vertx vertx = BenchVertx.create("bench JVM (simulator, client)");
    SimulatorServer sim = SimulatorServer.start(vertx, SimulatorOptions.onPort(0)).await(30, TimeUnit.SECONDS);
    String simUrl = "http://127.0.0.1:" + sim.port();
    String db = TestDatabase.newDatabase();
    int port = NodeProcess.freePort();
    Path log = Files.createTempFile("link-bench", ".log");
    // More options for the node's JVM: -Dbench.nodeJvm (NodeProcess).
    List<String> jvm = List.of("-Xmx" + heap, "-XX:+UseSerialGC");
    // The bench drives everything with the master key, far past its default rate limit.
    NodeProcess node = NodeProcess.start(port, db, simUrl, "bench", log, jvm, List.of("--master-rate-limit", "10000000"));
    // HTTP/1.1: the JDK client would otherwise upgrade to h2c and carry all 64 requests on one connection, one event loop.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    String base = "http://127.0.0.1:" + port;
    AtomicInteger staleQrs = new AtomicInteger();
    AtomicInteger lateQrs = new AtomicInteger();
    // Warm-up, not timed: a client of its own links `warmup` devices first, so the JIT has compiled the
    // linking path of both JVMs (it takes a core of each for the first half minute) before the clock starts.
    // They stay linked: the node holds warmup + n devices in everything measured after this.
    if (warmup > 0) {
      long w0 = System.nanoTime();
      linkAll(http, base, simUrl, "warmup", warmup, 4_300_000_000L, staleQrs, lateQrs);
      awaitConnected(db, warmup, w0);
    }
    long t0 = System.nanoTime();
    linkAll(http, base, simUrl, "bench", n, 4_400_000_000L, staleQrs, lateQrs);
    int total = warmup + n;
    double linkSeconds = awaitConnected(db, total, t0);
    long[] mem = memory(node.pid());
    String dump = System.getProperty("bench.jfrDump");
    if (dump != null) {
      // The node's flight recording up to here (a kill -9 would lose it).
      new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(node.pid()),
          "JFR.dump", "filename=" + dump).inheritIO().start().waitFor();
    }

    node.kill9();
    long t1 = System.nanoTime();
    NodeProcess again = NodeProcess.start(port, db, simUrl, "bench", log, jvm, List.of("--master-rate-limit", "10000000"));
    double resumeSeconds = awaitConnected(db, total, t1);
    long[] memAfter = memory(again.pid());
    JsonObject stats = new JsonObject(new String(http.send(HttpRequest.newBuilder(URI.create(simUrl + "/sim/stats")).build(),
        HttpResponse.BodyHandlers.ofString()).body()));
    again.terminate();
    System.out.printf("RESULT devices=%d warmup_devices=%d heapMax=%s link_all_connected_s=%.1f resume_after_kill9_s=%.1f"
            + " heap_used_mb=%.1f heap_per_device_kb=%.1f rss_mb=%.1f rss_per_device_kb=%.1f"
            + " heap_used_after_resume_mb=%.1f rss_after_resume_mb=%.1f conflicts=%d rescanned_qrs=%d qrs_after_5s=%d%n",
        n, warmup, heap, linkSeconds, resumeSeconds, mem[0] / 1048576.0, mem[0] / 1024.0 / total, mem[1] / 1048576.0,
        mem[1] / 1024.0 / total, memAfter[0] / 1048576.0, memAfter[1] / 1048576.0, stats.getInteger("conflicts"),
        staleQrs.get(), lateQrs.get());
    vertx.close();
    System.exit(0);
  }

  /** Registers {@code n} devices of {@code client} (64 at a time) and has a phone scan each one's QR. */
  static void linkAll(HttpClient http, String base, String simUrl, String client, int n, long phoneBase,
      AtomicInteger staleQrs, AtomicInteger lateQrs) throws Exception {
    call(http, "POST", base + "/api/clients/" + client + "/key", TestNode.MASTER, "{}");
    call(http, "PUT", base + "/api/clients/" + client + "/config", TestNode.MASTER, "{\"maxDevices\": " + n + "}");
    String devices = base + "/api/clients/" + client + "/devices";
    Semaphore inFlight = new Semaphore(64);
    List<Future<?>> jobs = new ArrayList<>();
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int id = i;
        inFlight.acquire();
        jobs.add(exec.submit(() -> {
          try {
            JsonObject created = call(http, "POST", devices, TestNode.MASTER, "{\"deviceId\": \"d" + id + "\"}");
            JsonObject shown = created.getJsonObject("data").getJsonObject("qr");
            // No QR within the registration's 5 s: ask for it, as a client would.
            if (shown == null) {
              lateQrs.incrementAndGet();
            }
            String qr = shown != null ? shown.getString("qr") : currentQr(http, devices + "/d" + id);
            String pair = new JsonObject().put("phone", String.valueOf(phoneBase + id)).encode();
            for (int attempt = 1; ; attempt++) {
              try {
                call(http, "POST", simUrl + "/sim/pair", null, new JsonObject(pair).put("qr", qr).encode());
                break;
              } catch (IllegalStateException stale) {
                // The QR rotated (every 20 s) between the answer and the scan: scan the current one, as a person would.
                if (attempt == 3) {
                  throw stale;
                }
                qr = currentQr(http, devices + "/d" + id);
                staleQrs.incrementAndGet();
              }
            }
          } finally {
            inFlight.release();
          }
          return null;
        }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    }
  }

  /** The device's QR now, asked again while the device has none to show yet. */
  private static String currentQr(HttpClient http, String device) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return call(http, "GET", device + "/qr", TestNode.MASTER, "").getJsonObject("data").getString("qr");
      } catch (IllegalStateException notYet) {
        if (attempt == 50) {
          throw notYet;
        }
        Thread.sleep(200);
      }
    }
  }

  private static double awaitConnected(String dbUrl, int n, long since) throws Exception {
    var url = dev.switchboard.config.DbUrl.parse(dbUrl);
    try (var c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      while (true) {
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM devices WHERE status = 'CONNECTED' AND owner_node IS NOT NULL"
            + " AND lease_until > now()");
        rs.next();
        if (rs.getInt(1) >= n) {
          return (System.nanoTime() - since) / 1e9;
        }
        // Not faster: this count scans every device, and the database is what is measured.
        Thread.sleep(250);
      }
    }
  }

  /** {used heap after a full GC, RSS} in bytes, read with jcmd and /proc. */
  private static long[] memory(long pid) throws Exception {
    String jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd").toString();
    new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").start().waitFor();
    Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    var m = java.util.regex.Pattern.compile("(?m)^\\s*(?:DefNew|Tenured|def new generation|tenured generation)\\s+total \\d+K, used (\\d+)K").matcher(out);
    long used = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(1)) * 1024;
    }
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return new long[] {used, rss};
  }

  private static JsonObject call(HttpClient http, String method, String url, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json").timeout(java.time.Duration.ofSeconds(60));
    if (key != null) {
      b.header("x-api-key", key);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }
}
