package dev.switchboard.bench;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.Api;
import dev.switchboard.support.NodeCluster;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chaos: three clustered node processes on one PostgreSQL process and the simulator, with 200
 * sends/s and 200 inbound messages/s over 60 devices of two clients whose webhooks are receivers in
 * this JVM, while every 20-40 s one fault strikes: a node killed with kill -9 and restarted, a node
 * frozen (SIGSTOP) for 20 s, PostgreSQL restarted (gracefully or by kill -9 of its process), a
 * device's connection dropped by the simulator, a webhook endpoint failing for a minute. Sends are
 * made as a careful client makes them: each with an Idempotency-Key, retried on another node after a
 * 5xx, a timeout or a refused connection. At the end it waits for quiet and counts what was lost,
 * doubled or held twice. Usage: bench/chaos.sh [minutes=5]
 */
public final class ChaosBench {

  static final int DEVICES_PER_CLIENT = 30;
  static final List<String> CLIENTS = List.of("alpha", "beta");
  static final long DEVICE_PHONE = 15_554_000_000L;
  static final long PERSON_PHONE = 15_554_100_000L;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(16));
  private final NodeCluster cluster;
  private final Random random = new Random();
  private final Map<String, String> keys = new ConcurrentHashMap<>();
  private final int[] ports = new int[3];
  // Nodes the client's load balancer leaves out: killed until restarted, or frozen. A frozen node is
  // found out only by its requests timing out, as a real balancer's health check would take a while.
  private final boolean[] down = new boolean[3];
  private final AtomicInteger nextNode = new AtomicInteger();

  // Sends: Idempotency-Key -> messageId once a 202 came back; keys still being retried.
  private final Map<String, String> accepted = new ConcurrentHashMap<>();
  private final Set<String> retrying = ConcurrentHashMap.newKeySet();
  // Inbound: simulator message id -> client, and per client the message ids its webhook got.
  private final Map<String, String> produced = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> delivered = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> eventIdsByMessage = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> webhookPosts = new ConcurrentHashMap<>();
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
  private final Map<String, Integer> receiverPorts = new ConcurrentHashMap<>();
  // Answers that were not 2xx or 4xx-by-design, by "status code" or "error kind".
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  // Longest time each device was seen not CONNECTED.
  private final Map<String, Long> lastConnected = new ConcurrentHashMap<>();
  private volatile long longestOutageMs;
  private volatile String longestOutageDevice = "";
  // Longest stretch in which the simulator had fewer sessions connected than there are devices.
  private volatile long longestOfflineMs;
  private long allOnlineSince = System.currentTimeMillis();
  private final List<String> actions = java.util.Collections.synchronizedList(new ArrayList<>());

  private ChaosBench(NodeCluster cluster) {
    this.cluster = cluster;
    for (int i = 0; i < 3; i++) {
      ports[i] = cluster.nodes.get(i).port();
    }
  }

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    try (NodeCluster cluster = new NodeCluster("chaos", List.of("--master-rate-limit", "10000000", "--send-rate", "0"))) {
      ChaosBench bench = new ChaosBench(cluster);
      bench.run((long) (minutes * 60_000));
    }
    System.exit(0);
  }

  private void run(long durationMs) throws Exception {
    setUp();
    log("setup done: %d devices CONNECTED over 3 nodes", CLIENTS.size() * DEVICES_PER_CLIENT);
    long end = System.currentTimeMillis() + durationMs;
    long sendTimer = vertx.setPeriodic(5, id -> sendOne());
    long injectTimer = vertx.setPeriodic(5, id -> injectOne());
    Thread monitor = Thread.ofPlatform().daemon().start(this::monitor);
    int round = 0;
    List<Runnable> faults = List.of(this::killAndRestartNode, this::freezeNode, this::restartPostgres,
        this::dropConnection, this::failWebhook);
    while (System.currentTimeMillis() < end) {
      Thread.sleep(20_000 + random.nextInt(20_001));
      if (System.currentTimeMillis() >= end) {
        break;
      }
      faults.get(round++ % faults.size()).run();
    }
    vertx.cancelTimer(sendTimer);
    vertx.cancelTimer(injectTimer);
    log("load stopped; waiting for quiet");
    failing.replaceAll((k, v) -> false);
    awaitQuiet();
    monitor.interrupt();
    report(durationMs);
  }

  private void setUp() throws Exception {
    try (Api api = cluster.api(0)) {
      for (int c = 0; c < CLIENTS.size(); c++) {
        String client = CLIENTS.get(c);
        String key = api.clientWithKey(client);
        keys.put(client, key);
        HttpServer receiver = receiver(client);
        receiverPorts.put(client, receiver.actualPort());
        api.put("/api/clients/" + client + "/config", TestNode.MASTER, new JsonObject()
            .put("maxDevices", DEVICES_PER_CLIENT).put("rateLimitPerMinute", 1_000_000)
            .put("webhookUrl", "http://127.0.0.1:" + receiver.actualPort() + "/hooks"));
        for (int d = 0; d < DEVICES_PER_CLIENT; d++) {
          JsonObject created = api.post("/api/clients/" + client + "/devices", key, new JsonObject().put("deviceId", "d" + d)).data();
          String qr = created.getJsonObject("qr") != null ? created.getJsonObject("qr").getString("qr")
              : api.get("/api/clients/" + client + "/devices/d" + d + "/qr", key).data().getString("qr");
          cluster.sim.pair(qr, String.valueOf(devicePhone(c, d)));
        }
      }
    }
    awaitAllConnected(120_000);
  }

  // ---- load ----

  private void sendOne() {
    int c = random.nextInt(CLIENTS.size());
    int d = random.nextInt(DEVICES_PER_CLIENT);
    String client = CLIENTS.get(c);
    String path = "/api/clients/" + client + "/devices/d" + d + "/messages/text";
    String body = new JsonObject().put("to", String.valueOf(personPhone(c, d))).put("text", "chaos " + UUID.randomUUID()).encode();
    attemptSend(UUID.randomUUID().toString(), client, path, body);
  }

  private void attemptSend(String idem, String client, String path, String body) {
    retrying.add(idem);
    int node = liveNode();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setPort(ports[node]).setHost("127.0.0.1")
        .setURI(path).setIdleTimeout(10_000).setConnectTimeout(2_000)
        .putHeader("x-api-key", keys.get(client)).putHeader("content-type", "application/json")
        .putHeader("Idempotency-Key", idem);
    http.request(options).compose(req -> req.send(Buffer.buffer(body)).compose(res -> res.body().map(b -> {
      if (res.statusCode() == 202) {
        accepted.put(idem, new JsonObject(b).getJsonObject("data").getString("messageId"));
        retrying.remove(idem);
        return null;
      }
      String code = res.statusCode() + " " + errorCode(b);
      if (res.statusCode() >= 500) {
        count(code);
      } else if (res.statusCode() != 429) {
        count("refused " + code);
        retrying.remove(idem);
        return null;
      }
      throw new RetryLater();
    }))).onFailure(e -> {
      if (!(e instanceof RetryLater)) {
        count(e.getClass().getSimpleName());
      }
      vertx.setTimer(1_000, t -> attemptSend(idem, client, path, body));
    });
  }

  private void injectOne() {
    int c = random.nextInt(CLIENTS.size());
    int d = random.nextInt(DEVICES_PER_CLIENT);
    String body = new JsonObject().put("to", String.valueOf(devicePhone(c, d))).put("type", "text")
        .put("text", "inbound " + UUID.randomUUID()).encode();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(cluster.sim.url()
        + "/sim/phones/" + personPhone(c, d) + "/messages").putHeader("content-type", "application/json");
    http.request(options).compose(req -> req.send(body)).compose(res -> res.body().map(b -> {
      if (res.statusCode() == 200) {
        produced.put(new JsonObject(b).getString("messageId"), CLIENTS.get(c));
      } else {
        count("simulator " + res.statusCode());
      }
      return null;
    })).onFailure(e -> count("simulator " + e.getClass().getSimpleName()));
  }

  private HttpServer receiver(String client) throws Exception {
    delivered.put(client, ConcurrentHashMap.newKeySet());
    webhookPosts.put(client, new AtomicInteger());
    failing.put(client, false);
    return vertx.createHttpServer().requestHandler(req -> hook(client, req)).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  private void hook(String client, HttpServerRequest req) {
    req.body().onSuccess(body -> {
      webhookPosts.get(client).incrementAndGet();
      if (failing.get(client)) {
        req.response().setStatusCode(503).end();
        return;
      }
      JsonObject event = new JsonObject(body);
      if ("message".equals(event.getString("event"))) {
        String messageId = event.getJsonObject("data").getString("messageId");
        delivered.get(client).add(messageId);
        eventIdsByMessage.computeIfAbsent(messageId, k -> ConcurrentHashMap.newKeySet()).add(event.getString("id"));
      }
      req.response().setStatusCode(200).end();
    });
  }

  // ---- faults ----

  private void killAndRestartNode() {
    int i = random.nextInt(3);
    log("fault: kill -9 %s", cluster.names.get(i));
    try {
      down[i] = true;
      cluster.nodes.get(i).kill9();
      Thread.sleep(2_000);
      cluster.nodes.set(i, cluster.start(i));
      ports[i] = cluster.nodes.get(i).port();
      down[i] = false;
      log("  %s restarted", cluster.names.get(i));
    } catch (Exception e) {
      log("  restart failed: %s", e);
    }
  }

  private void freezeNode() {
    int i = random.nextInt(3);
    NodeProcess node = cluster.nodes.get(i);
    log("fault: SIGSTOP %s for 20 s", cluster.names.get(i));
    node.signal("STOP");
    sleep(3_000);
    down[i] = true;
    sleep(17_000);
    node.signal("CONT");
    down[i] = false;
    log("  %s continued", cluster.names.get(i));
  }

  private void restartPostgres() {
    boolean kill = random.nextBoolean();
    log("fault: PostgreSQL %s and started again", kill ? "killed (kill -9 of its process)" : "stopped");
    try {
      cluster.restartPostgres(kill);
      log("  PostgreSQL back");
    } catch (Exception e) {
      log("  PostgreSQL restart failed: %s", e);
    }
  }

  private void dropConnection() {
    int c = random.nextInt(CLIENTS.size());
    int d = random.nextInt(DEVICES_PER_CLIENT);
    log("fault: the simulator drops %s/d%d's connection", CLIENTS.get(c), d);
    cluster.sim.fault(String.valueOf(devicePhone(c, d)), "disconnect");
  }

  private void failWebhook() {
    String client = CLIENTS.get(random.nextInt(CLIENTS.size()));
    log("fault: %s's webhook answers 503 for 60 s", client);
    failing.put(client, true);
    vertx.setTimer(60_000, t -> {
      failing.put(client, false);
      log("  %s's webhook answers again", client);
    });
  }

  // ---- observation ----

  private void monitor() {
    allOnlineSince = System.currentTimeMillis();
    DbUrl url = DbUrl.parse(cluster.pg.url());
    while (!Thread.currentThread().isInterrupted()) {
      try (Connection db = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
        while (!Thread.currentThread().isInterrupted()) {
          long now = System.currentTimeMillis();
          // Connected for real: the status, and a lease its node keeps renewing (a dead node's rows still say CONNECTED).
          try (ResultSet rs = db.createStatement().executeQuery(
              "SELECT client_id, device_id, status = 'CONNECTED' AND lease_until > now() FROM devices")) {
            while (rs.next()) {
              String device = rs.getString(1) + "/" + rs.getString(2);
              if (rs.getBoolean(3)) {
                lastConnected.put(device, now);
              } else {
                long since = now - lastConnected.getOrDefault(device, now);
                if (since > longestOutageMs) {
                  longestOutageMs = since;
                  longestOutageDevice = device;
                }
              }
            }
          }
          // The network's view: a device the dead or frozen node held is not reachable, whatever its row says.
          int online = cluster.sim.stats().getInteger("connectedSessions");
          if (online >= CLIENTS.size() * DEVICES_PER_CLIENT) {
            allOnlineSince = now;
          } else if (now - allOnlineSince > longestOfflineMs) {
            longestOfflineMs = now - allOnlineSince;
          }
          Thread.sleep(200);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception databaseAway) {
        sleep(500);
      }
    }
  }

  private void awaitQuiet() throws Exception {
    long deadline = System.currentTimeMillis() + 300_000;
    while (System.currentTimeMillis() < deadline) {
      int sent = sentIds().size();
      int got = delivered.values().stream().mapToInt(Set::size).sum();
      if (retrying.isEmpty() && sent >= accepted.size() && got >= produced.size()) {
        Thread.sleep(5_000);
        return;
      }
      Thread.sleep(1_000);
    }
    log("not quiet after 300 s: %d sends still retried", retrying.size());
  }

  private void awaitAllConnected(long timeoutMs) throws Exception {
    DbUrl url = DbUrl.parse(cluster.pg.url());
    long deadline = System.currentTimeMillis() + timeoutMs;
    try (Connection db = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      while (System.currentTimeMillis() < deadline) {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM devices WHERE status = 'CONNECTED'")) {
          rs.next();
          if (rs.getInt(1) == CLIENTS.size() * DEVICES_PER_CLIENT) {
            return;
          }
        }
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("not every device CONNECTED within " + timeoutMs + " ms");
  }

  /** Every message id the simulated people received, with how often each arrived. */
  private Map<String, Integer> sentIds() {
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    for (int c = 0; c < CLIENTS.size(); c++) {
      for (int d = 0; d < DEVICES_PER_CLIENT; d++) {
        cluster.sim.received(String.valueOf(personPhone(c, d)))
            .forEach(o -> seen.merge(((JsonObject) o).getString("messageId"), 1, Integer::sum));
      }
    }
    return seen;
  }

  private void report(long durationMs) {
    Map<String, Integer> seen = sentIds();
    long deliveredSends = accepted.values().stream().filter(seen::containsKey).count();
    long doubledSends = seen.values().stream().filter(n -> n > 1).count();
    long lost = 0;
    List<String> lostIds = new ArrayList<>();
    Map<String, Long> producedBy = new TreeMap<>();
    for (Map.Entry<String, String> e : produced.entrySet()) {
      producedBy.merge(e.getValue(), 1L, Long::sum);
      if (!delivered.get(e.getValue()).contains(e.getKey())) {
        lost++;
        if (lostIds.size() < 10) {
          lostIds.add(e.getValue() + ":" + e.getKey());
        }
      }
    }
    long twoEvents = eventIdsByMessage.values().stream().filter(s -> s.size() > 1).count();
    JsonObject stats = cluster.sim.stats();
    System.out.println();
    System.out.println("RESULT chaos minutes=" + durationMs / 60_000.0 + " faults=" + actions.stream().filter(a -> a.contains("fault:")).count());
    System.out.printf("sends: accepted %d, delivered %d, not delivered %d, delivered twice %d, still retried %d,"
        + " resends dropped by the network %d%n", accepted.size(), deliveredSends, accepted.size() - deliveredSends,
        doubledSends, retrying.size(), stats.getLong("duplicatesDropped"));
    for (String client : CLIENTS) {
      System.out.printf("events (%s): inbound messages produced %d, delivered to the webhook %d, webhook posts %d%n",
          client, producedBy.getOrDefault(client, 0L), delivered.get(client).size(), webhookPosts.get(client).get());
    }
    System.out.printf("events lost %d %s, inbound messages stored as two events %d%n", lost, lostIds, twoEvents);
    System.out.printf("sessions held twice (simulator conflicts) %d%n", stats.getLong("conflicts"));
    System.out.printf("longest time a device was not CONNECTED with a live lease %.1f s (%s)%n", longestOutageMs / 1000.0,
        longestOutageDevice);
    System.out.printf("longest stretch with a device offline in the network %.1f s%n", longestOfflineMs / 1000.0);
    System.out.printf("failed answers by kind %s%n", new TreeMap<>(Map.copyOf(failures.entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())))));
  }

  // ---- helpers ----

  private int liveNode() {
    for (int tries = 0; tries < 3; tries++) {
      int i = Math.floorMod(nextNode.getAndIncrement(), 3);
      if (!down[i]) {
        return i;
      }
    }
    return 0;
  }

  private void count(String kind) {
    failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  private static String errorCode(Buffer body) {
    try {
      return new JsonObject(body).getJsonObject("error").getString("code");
    } catch (RuntimeException notTheEnvelope) {
      return "(no envelope)";
    }
  }

  private void log(String format, Object... args) {
    String line = Instant.now() + " " + String.format(format, args);
    actions.add(line);
    System.out.println(line);
  }

  private static long devicePhone(int client, int device) {
    return DEVICE_PHONE + client * 1_000L + device;
  }

  private static long personPhone(int client, int device) {
    return PERSON_PHONE + client * 1_000L + device;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A 429 or 5xx: the send is tried again. */
  private static final class RetryLater extends RuntimeException {
    RetryLater() {
      super(null, null, false, false);
    }
  }
}
