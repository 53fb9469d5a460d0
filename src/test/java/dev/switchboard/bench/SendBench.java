package dev.switchboard.bench;

import dev.switchboard.simulator.SimulatorOptions;
import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.support.Api;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable sends per second on one node (a separate JVM, simulator engine, pacing off, 100 linked
 * devices): the rate of 202s, p50/p99 of the 202, and the rate at which the simulator received
 * them; then, on the same node, a steady {@code rate} below its limit (an open loop: the 202's latency
 * when requests arrive on a clock); then the first load against a bare Vert.x server that does nothing (the ceiling), and the ratio.
 * Usage: bench/sends.sh [devices] [seconds] [concurrency] [warm-up seconds] [rate]. The warm-up (not
 * counted; 20 s of full load by default, then as long at the steady rate) lets the JIT finish: 20 s
 * into a run the node's compiler threads still used as much CPU as its event loops.
 */
public final class SendBench {

  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    // 32 requests in flight: enough to pass 5,000/s; with 64 the node is saturated and the extra
    // requests only wait in its queues (p99 of the 202 twice as long for 10-20% more sends a second).
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    // The goal's rate, offered on a clock whatever the answers.
    int steadyRate = args.length > 4 ? Integer.parseInt(args[4]) : 5000;
    Vertx vertx = BenchVertx.create("bench JVM (simulator, client)");
    // Nobody reads the recipients' inboxes here (the simulator's stats count what it routed). The default
    // limit filled the bench JVM's heap over a run; with 100 a message, its young collections still paused
    // the client for 20-35 ms (each copied the messages kept since the last), with 1 for 12-20 ms.
    SimulatorServer sim = SimulatorServer.start(vertx, SimulatorOptions.onPort(0).withInboxLimit(1))
        .await(30, TimeUnit.SECONDS);
    String simUrl = "http://127.0.0.1:" + sim.port();
    String db = TestDatabase.newDatabase();
    Path log = Files.createTempFile("send-bench", ".log");
    int port = NodeProcess.freePort();
    // -Dbench.nodeFlags="--metrics false" adds node flags, space-separated.
    List<String> flags = new java.util.ArrayList<>(List.of("--send-rate", "0"));
    String extra = System.getProperty("bench.nodeFlags", "").trim();
    if (!extra.isEmpty()) {
      flags.addAll(List.of(extra.split("\\s+")));
    }
    System.out.println("NODE FLAGS " + flags);
    NodeProcess node = NodeProcess.start(port, db, simUrl, "bench", log, BenchNode.jvm(), flags);
    String key;
    try (Api api = new Api(port); Api control = new Api(sim.port())) {
      key = api.clientWithKey("bench");
      // Measures the gateway, not the rate limiter: far above the default 600 requests a minute.
      // -Dbench.quota=N sets a monthly message quota, so that every send reserves its messages under it.
      Long quota = Long.getLong("bench.quota");
      api.put("/api/clients/bench/config", TestNode.MASTER, new JsonObject().put("maxDevices", devices)
          .put("rateLimitPerMinute", 1_000_000).put("monthlyMessageQuota", quota));
      System.out.println("QUOTA " + (quota == null ? "none" : quota));
      for (int i = 0; i < devices; i++) {
        JsonObject created = api.post("/api/clients/bench/devices", key, new JsonObject().put("deviceId", "d" + i)).data();
        control.post("/sim/pair", null, new JsonObject().put("qr", created.getJsonObject("qr").getString("qr"))
            .put("phone", String.valueOf(4_410_000_000L + i)));
      }
      for (int i = 0; i < devices; i++) {
        while (!"CONNECTED".equals(api.get("/api/clients/bench/devices/d" + i, key).data().getString("status"))) {
          Thread.sleep(50);
        }
      }
    }
    HttpClient http = client(vertx, port, concurrency);
    long routedAtStart = routed(vertx, sim.port());
    Load warm = run(vertx, http, key, devices, warmUp, concurrency);
    // The steady rate takes other paths than the full load (small batches, sleeping threads); the event
    // bench found the node's JIT compiler busy through a steady phase that only followed a full load.
    // So the warm-up ends with the steady rate too, not counted.
    // An open loop needs a connection for every request it has in flight: with the full load's pool,
    // requests at the steady rate queued in the client for a free connection whenever a few answers
    // were late (32 connections at 5,000/s leave room for answers averaging 6.4 ms), and that wait
    // counted as the gateway's. Enough connections for 100 ms of requests.
    HttpClient open = client(vertx, port, Math.max(concurrency, steadyRate / 10));
    Load warmSteady = paced(vertx, open, key, devices, warmUp, steadyRate);
    // The measured run starts with the warm-up's messages all delivered, so it counts only its own.
    awaitRouted(vertx, sim.port(), routedAtStart + warm.ok + warmSteady.ok);
    long routedBefore = routed(vertx, sim.port());
    // For tools that watch a run (per-process CPU, pg_stat_statements): the measured load starts now.
    System.out.println("PHASE measured load");
    double[] cpu0 = ProcessCpu.seconds(node.pid());
    long wal0 = walBytes(db);
    Load gateway = run(vertx, http, key, devices, seconds, concurrency);
    awaitRouted(vertx, sim.port(), routedBefore + gateway.ok);
    // Per send accepted and delivered: the machine's two cores are shared by all three.
    double[] cpu1 = ProcessCpu.seconds(node.pid());
    long wal1 = walBytes(db);
    double deliveredSeconds = (System.nanoTime() - gateway.startNanos) / 1e9;
    long delivered = routed(vertx, sim.port()) - routedBefore;
    // The same node at a steady rate below its limit: the latency of a 202 when requests do not queue.
    long routedBeforeSteady = routed(vertx, sim.port());
    System.out.println("PHASE measured steady rate");
    double[] cpu2 = ProcessCpu.seconds(node.pid());
    Load steady = paced(vertx, open, key, devices, seconds, steadyRate);
    awaitRouted(vertx, sim.port(), routedBeforeSteady + steady.ok);
    double[] cpu3 = ProcessCpu.seconds(node.pid());
    long deliveredSteady = routed(vertx, sim.port()) - routedBeforeSteady;
    http.close();
    open.close();
    node.terminate();
    control.close();
    System.out.printf("RESULT gateway devices=%d seconds=%d concurrency=%d accepted=%d errors=%d accepted_per_s=%.0f"
            + " p50_ms=%.2f p99_ms=%.2f delivered=%d delivered_per_s=%.0f%n",
        devices, seconds, concurrency, gateway.ok, gateway.errors, gateway.rate(), gateway.percentile(50),
        gateway.percentile(99), delivered, delivered / deliveredSeconds);
    System.out.println("TIMELINE measured load, " + gateway.timeline());
    System.out.println("RESULT cpu ms per send, measured load: " + ProcessCpu.perMessage(cpu0, cpu1, gateway.ok, "client+simulator"));
    // Everything a send writes to PostgreSQL's log: the row, its outbox entry, the SENT mark, the outbox delete.
    System.out.printf("RESULT wal bytes per send, measured load: %.0f%n", (double) (wal1 - wal0) / gateway.ok);
    System.out.printf("RESULT steady rate_per_s=%d seconds=%d accepted=%d errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
            + " delivered=%d%n", steadyRate, seconds, steady.ok, steady.errors, steady.percentile(50), steady.percentile(99),
        steady.percentile(100), deliveredSteady);
    System.out.println("TIMELINE measured steady rate, " + steady.timeline());
    // Below the limit statements carry fewer rows each: the cost per send of a gateway that is not saturated.
    System.out.println("RESULT cpu ms per send, steady rate: " + ProcessCpu.perMessage(cpu2, cpu3, steady.ok, "client+simulator"));

    int barePort = NodeProcess.freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process bare = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        BareServer.class.getName(), String.valueOf(barePort)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    // Loaded only once it listens: a client whose first connections were refused is not what this measures.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(log).contains("bare server on " + barePort) && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    Load ceiling = load(vertx, barePort, key, devices, warmUp, seconds, concurrency);
    bare.destroyForcibly().waitFor();

    System.out.printf("RESULT bare bare_per_s=%.0f bare_p50_ms=%.2f bare_p99_ms=%.2f ratio_to_bare=%.3f%n",
        ceiling.rate(), ceiling.percentile(50), ceiling.percentile(99), gateway.rate() / ceiling.rate());
    vertx.close();
    System.exit(0);
  }

  /** What one load run measured: 202s, errors, and the latency of each 202 in microseconds. */
  static final class Load {
    long ok;
    long errors;
    long startNanos;
    double elapsedSeconds;
    long[] micros = new long[1 << 16];
    /** When each 202 came, in milliseconds since {@code startNanos}, beside its latency in {@code micros}. */
    int[] answeredMillis = new int[1 << 16];
    int count;

    /** One answer to a request started at {@code t0} (nanoTime). */
    synchronized void record(AsyncResult<Integer> answer, long t0) {
      if (answer.succeeded() && answer.result() == 202) {
        ok++;
        if (count == micros.length) {
          // Grown as needed: five runs of fixed 4-million-entry arrays held 240 MB of the bench JVM's heap.
          micros = Arrays.copyOf(micros, count * 2);
          answeredMillis = Arrays.copyOf(answeredMillis, count * 2);
        }
        long now = System.nanoTime();
        answeredMillis[count] = (int) ((now - startNanos) / 1_000_000);
        micros[count++] = (now - t0) / 1000;
      } else {
        errors++;
      }
    }

    double rate() {
      return ok / elapsedSeconds;
    }

    double percentile(double p) {
      return percentile(Arrays.copyOf(micros, count), p);
    }

    /** Sorts {@code sorted} (a copy) in place. */
    private static double percentile(long[] sorted, double p) {
      Arrays.sort(sorted);
      return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1000.0;
    }

    /** 202s and their p99 in each second of the run: whether the rate held or fell away during it. */
    String timeline() {
      StringBuilder line = new StringBuilder("second:202s/p99_ms");
      int from = 0;
      for (int second = 0; from < count; second++) {
        int to = from;
        while (to < count && answeredMillis[to] < (second + 1) * 1000) {
          to++;
        }
        line.append(String.format(" %d:%d/%.0f", second, to - from, percentile(Arrays.copyOfRange(micros, from, to), 99)));
        from = to;
      }
      return line.toString();
    }
  }

  /**
   * Connections stay open for the whole run. With the default (closed after 60 s unused), the surplus
   * connections of the steady warm-up were closed 10-11 s into the measured steady phase: both JVMs then
   * dropped compiled code of their hottest I/O methods (a path they had never taken) and ran them slower
   * until compiled again, and the p99 of those seconds rose to 47-131 ms in 9 of 22 runs.
   */
  private static HttpClient client(Vertx vertx, int port, int concurrency) {
    return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true).setKeepAliveTimeout(0), new PoolOptions().setHttp1MaxSize(concurrency));
  }

  private static void awaitRouted(Vertx vertx, int simPort, long count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (routed(vertx, simPort) < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** {@code concurrency} requests in flight for {@code seconds}, after a warm-up that is not counted. */
  static Load load(Vertx vertx, int port, String key, int devices, int warmUp, int seconds, int concurrency) throws Exception {
    HttpClient http = client(vertx, port, concurrency);
    run(vertx, http, key, devices, warmUp, concurrency);
    Load load = run(vertx, http, key, devices, seconds, concurrency);
    http.close();
    return load;
  }

  /** Every request starts on an event loop (the loops run on the client's contexts, not on this thread). */
  private static Load run(Vertx vertx, HttpClient http, String key, int devices, int seconds, int concurrency) throws Exception {
    Load load = new Load();
    AtomicLong seq = new AtomicLong();
    load.startNanos = System.nanoTime();
    long end = load.startNanos + TimeUnit.SECONDS.toNanos(seconds);
    Promise<Void> done = Promise.promise();
    AtomicLong running = new AtomicLong(concurrency);
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> loop(http, key, devices, seq, end, load, running, done));
    }
    done.future().await(seconds + 60L, TimeUnit.SECONDS);
    load.elapsedSeconds = (System.nanoTime() - load.startNanos) / 1e9;
    return load;
  }

  /**
   * {@code rate} requests a second for {@code seconds}, started on a clock whatever the answers (an
   * open loop: a slow answer does not hold back the next request, so its wait is counted).
   */
  private static Load paced(Vertx vertx, HttpClient http, String key, int devices, int seconds, int rate) throws Exception {
    Load load = new Load();
    AtomicLong seq = new AtomicLong();
    AtomicLong inFlight = new AtomicLong();
    // Set once the last request is sent: only then may the last answer end the phase. (Ending it when
    // the answers caught up after the end time let the final tick send requests nobody counted.)
    AtomicBoolean allSent = new AtomicBoolean();
    Promise<Void> done = Promise.promise();
    load.startNanos = System.nanoTime();
    long end = load.startNanos + TimeUnit.SECONDS.toNanos(seconds);
    vertx.setPeriodic(5, timer -> {
      long now = System.nanoTime();
      long due = Math.min(now, end) - load.startNanos;
      long target = due * rate / 1_000_000_000L;
      while (seq.get() < target) {
        long n = seq.incrementAndGet();
        long t0 = System.nanoTime();
        inFlight.incrementAndGet();
        send(http, key, devices, n).onComplete(ar -> {
          load.record(ar, t0);
          if (inFlight.decrementAndGet() == 0 && allSent.get()) {
            done.tryComplete();
          }
        });
      }
      if (now >= end) {
        vertx.cancelTimer(timer);
        allSent.set(true);
        if (inFlight.get() == 0) {
          done.tryComplete();
        }
      }
    });
    done.future().await(seconds + 60L, TimeUnit.SECONDS);
    load.elapsedSeconds = (System.nanoTime() - load.startNanos) / 1e9;
    return load;
  }

  private static void loop(HttpClient http, String key, int devices, AtomicLong seq, long end, Load load, AtomicLong running,
      Promise<Void> done) {
    if (System.nanoTime() >= end) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    long n = seq.incrementAndGet();
    long t0 = System.nanoTime();
    send(http, key, devices, n).onComplete(ar -> {
      load.record(ar, t0);
      loop(http, key, devices, seq, end, load, running, done);
    });
  }

  private static Future<Integer> send(HttpClient http, String key, int devices, long n) {
    long k = Math.abs(n);
    Buffer body = new JsonObject().put("to", String.valueOf(4_420_000_000L + k % 1000)).put("text", "bench message " + n).toBuffer();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setURI("/api/clients/bench/devices/d" + (k % devices) + "/messages/text")
        .putHeader("x-api-key", key).putHeader("content-type", "application/json");
    return http.request(options).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()));
  }

  private static Api control;

  /** Messages the simulator routed so far (one control client for the whole run). */
  private static long routed(Vertx vertx, int simPort) {
    if (control == null) {
      control = new Api(simPort);
    }
    return control.get("/sim/stats", null).json().getLong("messagesRouted");
  }

  /** Where PostgreSQL's write-ahead log is now, in bytes from its start. */
  static long walBytes(String dbUrl) throws Exception {
    var url = dev.switchboard.config.DbUrl.parse(dbUrl);
    try (var c = java.sql.DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        var rs = c.createStatement().executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
