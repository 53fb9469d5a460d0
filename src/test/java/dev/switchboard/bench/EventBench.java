package dev.switchboard.bench;

import dev.switchboard.simulator.SimulatorOptions;
import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events from the simulator to a webhook receiver through one node (its own JVM). The simulator, the
 * receiver and the injector share this JVM and its clock, so every event carries its injection time
 * ({@code System.nanoTime()}) in its text and the receiver computes injection-to-receipt latency.
 * <ol>
 *   <li>Latency: a steady R events/s for S seconds; p50, p99 and max.</li>
 *   <li>Throughput: N messages injected as fast as the simulator takes them (64 in flight); events/s
 *       from the first injection to the last webhook received.</li>
 *   <li>The steady rate again, right after that burst.</li>
 * </ol>
 * Usage: bench/events.sh [N=20000] [R=1000] [S=20] [devices=8] [warm-up events=20000]; with
 * {@code -Dbench.inject=http} (BENCH_INJECT=http for the script) the people send through the control API.
 * With {@code -Dbench.webhooks=K} (BENCH_WEBHOOKS=K) the client has K webhooks of its own instead of
 * its webhookUrl, each taking every message: every event is delivered K times, and each delivery counts.
 */
public final class EventBench {

  private static final int PERSON_BASE = 1_555_990_000;

  private final Vertx vertx = BenchVertx.create("bench JVM (simulator, injector, receiver)");
  private final HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(64));
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger duplicates = new AtomicInteger();
  private volatile long[] latencies = new long[0];
  /** When each latency above was taken (receipt time), for the per-second timeline of the steady phase. */
  private volatile long[] arrivals = new long[0];
  private final AtomicInteger latencyCount = new AtomicInteger();
  private final AtomicLong lastReceivedNanos = new AtomicLong();
  /**
   * How the simulated people send: through the simulator's Java API ({@code direct}, the default) or its
   * HTTP control API ({@code http}). Both reach the gateway the same way, over the
   * device's socket; an HTTP control request costs this JVM more CPU than the message it injects.
   */
  private final boolean direct = !"http".equals(System.getProperty("bench.inject", "direct"));
  /** Webhooks the client fans out to (0: its v1 webhookUrl alone), and so deliveries per event. */
  private final int webhooks = Integer.getInteger("bench.webhooks", 0);
  private final int copies = Math.max(1, webhooks);
  private SimulatorServer sim;
  private String simUrl;
  private int devices;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int devices = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int warmUp = args.length > 4 ? Integer.parseInt(args[4]) : 20_000;
    new EventBench().run(n, rate, seconds, devices, warmUp);
    System.exit(0);
  }

  private void run(int n, int rate, int seconds, int deviceCount, int warmUp) throws Exception {
    devices = deviceCount;
    sim = SimulatorServer.start(vertx, SimulatorOptions.onPort(0)).await(30, TimeUnit.SECONDS);
    simUrl = "http://127.0.0.1:" + sim.port();
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      long now = System.nanoTime();
      req.response().end();
      onWebhook(req.path(), body, now);
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

    String db = TestDatabase.newDatabase();
    int port = NodeProcess.freePort();
    Path log = Files.createTempFile("event-bench", ".log");
    NodeProcess node = NodeProcess.start(port, db, simUrl, "bench", log, BenchNode.jvm());
    String base = "http://127.0.0.1:" + port;
    call(HttpMethod.POST, base + "/api/clients/bench/key", TestNode.MASTER, new JsonObject());
    call(HttpMethod.PUT, base + "/api/clients/bench/config", TestNode.MASTER, new JsonObject().put("maxDevices", devices));
    for (int i = 0; i < devices; i++) {
      JsonObject created = call(HttpMethod.POST, base + "/api/clients/bench/devices", TestNode.MASTER,
          new JsonObject().put("deviceId", "d" + i));
      call(HttpMethod.POST, simUrl + "/sim/pair", null, new JsonObject()
          .put("qr", created.getJsonObject("data").getJsonObject("qr").getString("qr")).put("phone", devicePhone(i)));
    }
    Thread.sleep(2_000);
    JsonObject off = new JsonObject();
    for (String e : List.of("message_sent", "receipt", "reaction", "presence_update", "group_update",
        "group_participants_update", "call", "device_status")) {
      off.put(e, false);
    }
    String hook = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
    call(HttpMethod.PUT, base + "/api/clients/bench/config", TestNode.MASTER, new JsonObject()
        .put("webhookUrl", webhooks > 0 ? null : hook).put("events", off));
    for (int i = 0; i < webhooks; i++) {
      call(HttpMethod.POST, base + "/api/clients/bench/webhooks", TestNode.MASTER, new JsonObject().put("url", hook + "/" + i)
          .put("events", new JsonArray().add("message")));
    }

    // Warm-up: JIT, connection pools, prepared statements. 2,000 events left the node's JIT compiling
    // through the next phase (a steady 1,000/s then fell seconds behind).
    measure(warmUp, 64);
    // The steady rate takes other paths than a burst (batches of a few events, sleeping threads): after
    // the burst alone the node's JIT compiler still used a fifth of a core through the measured steady
    // phase. So the warm-up ends with the steady rate, for as long as the measured phase, not counted.
    int steadyTotal = rate * seconds;
    reset(steadyTotal);
    steady(rate, seconds);
    double[] cpu0 = ProcessCpu.seconds(node.pid());
    System.out.println("PHASE steady");
    reset(steadyTotal);
    double achievedRate = steady(rate, seconds);
    double[] cpu1 = ProcessCpu.seconds(node.pid());
    long[] lat = takeLatencies("steady", rate);
    reset(0);
    System.out.println("PHASE burst");
    double[] throughput = measure(n, 64);
    System.out.println("PHASE after the burst");
    double[] cpu2 = ProcessCpu.seconds(node.pid());
    // The same steady rate right after the burst: what the burst leaves behind (vacuum, backlog) shows here.
    reset(steadyTotal);
    double achievedAfter = steady(rate, seconds);
    long[] after = takeLatencies("after the burst", rate);
    JsonObject stats = call(HttpMethod.GET, simUrl + "/sim/stats", null, null);
    node.terminate();
    System.out.printf("RESULT throughput: events=%d injected_per_s=%.0f delivered_per_s=%.0f duplicates=%d injection=%s"
        + " webhooks_per_event=%d%n", n, throughput[0], throughput[1], duplicates.get(), direct ? "direct" : "http", copies);
    System.out.printf("RESULT latency at %d/s (achieved %.0f/s) for %d s: received=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f"
            + " messagesRouted=%d%n", rate, achievedRate, seconds, lat.length, pct(lat, 0.50), pct(lat, 0.99),
        pct(lat, 1.0), stats.getInteger("messagesRouted"));
    System.out.printf("RESULT latency at %d/s right after the burst (achieved %.0f/s): received=%d p50_ms=%.1f p99_ms=%.1f"
            + " max_ms=%.1f%n", rate, achievedAfter, after.length, pct(after, 0.50), pct(after, 0.99),
        pct(after, 1.0));
    System.out.println("RESULT cpu ms per event, steady phase: "
        + ProcessCpu.perMessage(cpu0, cpu1, steadyTotal, "simulator+injector+receiver"));
    System.out.println("RESULT cpu ms per event, throughput phase: "
        + ProcessCpu.perMessage(cpu1, cpu2, n, "simulator+injector+receiver"));
    System.out.println("node log: " + log);
  }

  private static String devicePhone(int i) {
    return String.valueOf(4_411_000_000L + i);
  }

  private void reset(int expected) {
    seen.clear();
    received.set(0);
    latencies = new long[Math.max(expected * 2 * copies, 1)];
    arrivals = new long[latencies.length];
    latencyCount.set(0);
  }

  private void onWebhook(String path, Buffer body, long now) {
    JsonObject envelope = new JsonObject(body);
    if (!"message".equals(envelope.getString("event"))) {
      return;
    }
    if (!seen.add(path + " " + envelope.getString("id"))) {
      duplicates.incrementAndGet();
      return;
    }
    String text = envelope.getJsonObject("data").getString("text");
    long injected = Long.parseLong(text.substring(text.indexOf(':') + 1));
    int i = latencyCount.getAndIncrement();
    long[] l = latencies;
    long[] a = arrivals;
    if (i < l.length && i < a.length) {
      l[i] = now - injected;
      a[i] = now;
    }
    received.incrementAndGet();
    lastReceivedNanos.set(now);
  }

  /** Injects n messages with {@code inFlight} requests at a time; {injected/s, delivered/s}. */
  private double[] measure(int n, int inFlight) throws Exception {
    AtomicInteger next = new AtomicInteger();
    Promise<Void> injectedAll = Promise.promise();
    AtomicInteger done = new AtomicInteger();
    long t0 = System.nanoTime();
    for (int k = 0; k < inFlight; k++) {
      vertx.runOnContext(v -> injectLoop(next, n, done, injectedAll));
    }
    injectedAll.future().await(300, TimeUnit.SECONDS);
    long injectedAt = System.nanoTime();
    awaitReceived(n * copies, 120);
    return new double[] {n / ((injectedAt - t0) / 1e9), n / ((lastReceivedNanos.get() - t0) / 1e9)};
  }

  private void injectLoop(AtomicInteger next, int n, AtomicInteger done, Promise<Void> all) {
    int i = next.getAndIncrement();
    if (i >= n) {
      return;
    }
    inject(i).onComplete(ar -> {
      if (done.incrementAndGet() == n) {
        all.tryComplete();
      }
      injectLoop(next, n, done, all);
    });
  }

  private Future<Void> inject(int i) {
    int device = i % devices;
    String person = String.valueOf(PERSON_BASE + device);
    JsonObject msg = new JsonObject().put("to", devicePhone(device)).put("type", "text").put("text", "b:" + System.nanoTime());
    if (direct) {
      return sim.send(person, msg).mapEmpty();
    }
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(simUrl + "/sim/phones/" + person + "/messages")
            .putHeader("content-type", "application/json"))
        .compose(req -> req.send(msg.toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("injection failed: " + resp.statusCode() + " " + b);
          }
          return (Void) null;
        }));
  }

  /** A steady rate: every 10 ms, rate/100 injections. */
  private double steady(int rate, int seconds) throws Exception {
    int perTick = Math.max(1, rate / 100);
    int total = rate * seconds;
    AtomicInteger sent = new AtomicInteger();
    Promise<Void> finished = Promise.promise();
    long t0 = System.nanoTime();
    vertx.setPeriodic(10, id -> {
      for (int k = 0; k < perTick && sent.get() < total; k++) {
        inject(sent.getAndIncrement());
      }
      if (sent.get() >= total) {
        vertx.cancelTimer(id);
        finished.tryComplete();
      }
    });
    finished.future().await(seconds * 3L, TimeUnit.SECONDS);
    double achieved = total / ((System.nanoTime() - t0) / 1e9);
    awaitReceived(total * copies, 60);
    return achieved;
  }

  private void awaitReceived(int n, int timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (received.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (received.get() < n) {
      System.out.println("WARNING: only " + received.get() + " of " + n + " events arrived within " + timeoutSeconds + " s");
    }
  }

  /** The latencies recorded since the last reset, sorted, after printing them second by second. */
  private long[] takeLatencies(String phase, int rate) {
    long[] lat = Arrays.copyOf(latencies, latencyCount.get());
    printTimeline(phase + " at " + rate + "/s", lat, Arrays.copyOf(arrivals, lat.length));
    Arrays.sort(lat);
    return lat;
  }

  /** A steady phase second by second (by receipt time): where in the run the slow events are. */
  private static void printTimeline(String phase, long[] latencies, long[] arrivals) {
    if (latencies.length == 0) {
      return;
    }
    long start = Arrays.stream(arrivals).min().orElse(0);
    Map<Long, List<Long>> bySecond = new TreeMap<>();
    for (int i = 0; i < latencies.length; i++) {
      bySecond.computeIfAbsent((arrivals[i] - start) / 1_000_000_000L, k -> new ArrayList<>()).add(latencies[i]);
    }
    StringBuilder line = new StringBuilder("TIMELINE " + phase + ", second:p99_ms/max_ms");
    bySecond.forEach((second, values) -> {
      long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
      line.append(String.format(" %d:%.0f/%.0f", second, pct(sorted, 0.99), pct(sorted, 1.0)));
    });
    System.out.println(line);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private JsonObject call(HttpMethod method, String url, String key, JsonObject body) throws Exception {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(url).putHeader("content-type", "application/json");
    if (key != null) {
      o.putHeader("x-api-key", key);
    }
    return http.request(o).compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " -> " + resp.statusCode() + " " + b);
          }
          return b.length() == 0 ? new JsonObject() : new JsonObject(b);
        })).await(60, TimeUnit.SECONDS);
  }
}
