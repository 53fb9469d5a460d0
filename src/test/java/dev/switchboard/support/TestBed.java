package dev.switchboard.support;

import dev.switchboard.Node;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test class runs against, declared once and started and stopped by JUnit: a fresh database,
 * a simulator, nodes in this JVM or clustered node processes, clients with keys, a migrated pool and
 * a WebSocket client. A test that kills a node process and starts it again does so with
 * {@link #startProcess}.
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final TestBed bed = TestBed.database().withSim(20_000).withNode("--send-rate", "0").withClient("msg");
 * </pre>
 *
 * In a static field everything starts before the class's {@code @BeforeAll} methods and stops after
 * its {@code @AfterAll} methods; in an instance field, around each test. Every node gets the one
 * database, and {@code --sim-url} of the simulator when there is one.
 */
public final class TestBed implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** The JVM flags of every node process: small, so that several fit on a test machine. */
  private static final List<String> PROCESS_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");
  private static final String[] PROCESS_NAMES = {"alpha", "beta", "gamma"};

  private Long qrIntervalMs;
  private int poolSize;
  private boolean webSockets;
  private final List<String[]> nodeFlags = new ArrayList<>();
  private int processCount;
  private String processLog;
  private List<String> processFlags = List.of();
  private final List<String> clientIds = new ArrayList<>();

  private boolean perClass;
  private boolean running;
  private String db;
  private Sim sim;
  private Vertx vertx;
  private Pool pool;
  private WebSocketClient ws;
  private final List<Node> nodes = new ArrayList<>();
  private final List<NodeProcess> processes = new ArrayList<>();
  private final List<Api> apis = new ArrayList<>();
  private final Map<String, String> keys = new LinkedHashMap<>();
  /** Port and log of each node process started by name, kept for its restarts. */
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, Path> logs = new LinkedHashMap<>();

  private TestBed() {
  }

  /** A fresh, empty database on the shared embedded PostgreSQL; more is added by the methods below. */
  public static TestBed database() {
    return new TestBed();
  }

  /** A real simulator, its QR codes refreshed every {@code qrIntervalMs}; every node is pointed at it. */
  public TestBed withSim(long qrIntervalMs) {
    this.qrIntervalMs = qrIntervalMs;
    return this;
  }

  /** A Vert.x instance and a pool of {@code size} connections to the database, migrated to the node's schema. */
  public TestBed withPool(int size) {
    this.poolSize = size;
    return this;
  }

  /** A WebSocket client, on the bed's Vert.x instance ({@link #vertx}). */
  public TestBed withWebSockets() {
    this.webSockets = true;
    return this;
  }

  /** One more node in this JVM, with {@code flags} after the test defaults ({@link TestNode#config}). */
  public TestBed withNode(String... flags) {
    nodeFlags.add(flags);
    return this;
  }

  /**
   * {@code count} clustered node processes (Hazelcast on loopback) named alpha, beta, ..., started
   * side by side with {@code flags} more, and waited for until each sees a cluster of {@code count}.
   * Their output goes to target/{@code logName}-(nanotime).log. Needs {@link #withSim}.
   */
  public TestBed withProcesses(int count, String logName, List<String> flags) {
    if (count > PROCESS_NAMES.length) {
      throw new IllegalArgumentException("at most " + PROCESS_NAMES.length + " node processes");
    }
    this.processCount = count;
    this.processLog = logName;
    this.processFlags = flags;
    return this;
  }

  /** A client with a key, created through the first node (or process) once it is up. */
  public TestBed withClient(String clientId) {
    clientIds.add(clientId);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    perClass = true;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!running) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  private void start() throws Exception {
    running = true;
    db = TestDatabase.newDatabase();
    if (qrIntervalMs != null) {
      sim = new Sim(qrIntervalMs);
    }
    if (poolSize > 0 || webSockets) {
      vertx = Vertx.vertx();
    }
    if (poolSize > 0) {
      pool = TestDatabase.migratedPool(vertx, poolSize);
    }
    if (webSockets) {
      ws = vertx.createWebSocketClient();
    }
    for (String[] flags : nodeFlags) {
      List<String> all = new ArrayList<>();
      if (sim != null) {
        all.addAll(List.of("--sim-url", sim.url()));
      }
      all.addAll(List.of(flags));
      Node node = TestNode.start(TestNode.config(db, all.toArray(String[]::new)));
      nodes.add(node);
      apis.add(new Api(node.httpPort()));
    }
    if (processCount > 0) {
      startProcesses();
    }
    for (String clientId : clientIds) {
      keys.put(clientId, api().clientWithKey(clientId));
    }
  }

  private void startProcesses() throws Exception {
    if (sim == null) {
      throw new IllegalStateException("node processes need a simulator: declare withSim(...)");
    }
    Path log = Path.of("target", processLog + "-" + System.nanoTime() + ".log");
    int[] http = new int[processCount];
    int[] hz = new int[processCount];
    List<String> members = new ArrayList<>();
    for (int i = 0; i < processCount; i++) {
      http[i] = NodeProcess.freePort();
      hz[i] = NodeProcess.freePort();
      members.add("127.0.0.1:" + hz[i]);
    }
    List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
    for (int i = 0; i < processCount; i++) {
      List<String> flags = new ArrayList<>(List.of("--cluster", "true", "--cluster-port", String.valueOf(hz[i]),
          "--cluster-members", String.join(",", members)));
      flags.addAll(processFlags);
      int n = i;
      starting.add(CompletableFuture.supplyAsync(() -> NodeProcess.start(http[n], db, sim.url(), PROCESS_NAMES[n], log,
          PROCESS_JVM, flags)));
    }
    try {
      for (CompletableFuture<NodeProcess> s : starting) {
        processes.add(s.get(120, TimeUnit.SECONDS));
      }
    } finally {
      // A process that started after a sibling failed is killed once it is up.
      for (CompletableFuture<NodeProcess> s : starting) {
        s.thenAccept(p -> {
          if (!processes.contains(p)) {
            quietKill(p);
          }
        });
      }
    }
    for (int port : http) {
      Api api = new Api(port);
      apis.add(api);
      Wait.until("a cluster of " + processCount + " on port " + port, 30_000, () -> api.get("/api/health", null),
          r -> r.status() == 200 && r.data().getInteger("clusterSize") == processCount);
    }
  }

  private void stop() throws Exception {
    if (!running) {
      return;
    }
    running = false;
    for (Api api : apis) {
      api.close();
    }
    apis.clear();
    for (Node node : nodes.reversed()) {
      TestNode.stop(node);
    }
    nodes.clear();
    for (NodeProcess p : processes) {
      p.kill9();
    }
    processes.clear();
    keys.clear();
    ports.clear();
    logs.clear();
    if (sim != null) {
      sim.close();
      sim = null;
    }
    if (pool != null) {
      TestNode.await(pool.close());
      pool = null;
    }
    if (vertx != null) {
      TestNode.await(vertx.close());
      vertx = null;
      ws = null;
    }
  }

  /**
   * Starts the node process {@code name} on the bed's database and simulator, for a test that kills it
   * and starts it again: every start of one name gets the same port and the same log,
   * target/{@code name}-(nanotime).log. The bed kills what is left running when it stops.
   */
  public NodeProcess startProcess(String name, String... flags) {
    if (sim == null) {
      throw new IllegalStateException("node processes need a simulator: declare withSim(...)");
    }
    int port = ports.computeIfAbsent(name, n -> NodeProcess.freePort());
    Path log = logs.computeIfAbsent(name, n -> Path.of("target", n + "-" + System.nanoTime() + ".log"));
    NodeProcess p = NodeProcess.start(port, db, sim.url(), name, log, PROCESS_JVM, List.of(flags));
    processes.add(p);
    return p;
  }

  private static void quietKill(NodeProcess p) {
    try {
      p.kill9();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The database's URL, in SWITCHBOARD_DB_URL form. */
  public String db() {
    return db;
  }

  public Sim sim() {
    return sim;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public WebSocketClient ws() {
    return ws;
  }

  /** The first node. */
  public Node node() {
    return node(0);
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  /** A node process, in the order of {@link #withProcesses}. */
  public NodeProcess process(int i) {
    return processes.get(i);
  }

  /** An HTTP client of the first node (or process). */
  public Api api() {
    return api(0);
  }

  /** An HTTP client of node {@code i}, or of process {@code i} when the bed has processes. */
  public Api api(int i) {
    return apis.get(i);
  }

  /** The key of the first client declared. */
  public String key() {
    return keys.values().iterator().next();
  }

  public String key(String clientId) {
    return keys.get(clientId);
  }
}
