package dev.switchboard.bench;

import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.EngineListener;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.engine.cobalt.CobaltEngine;
import dev.switchboard.engine.cobalt.CobaltOptions;
import dev.switchboard.engine.cobalt.CobaltProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What a Cobalt session costs at rest, in one JVM: K sessions resumed from stored (synthetic)
 * credentials through the Cobalt engine exactly as the gateway opens them, then heap after a full
 * GC, platform threads, direct buffers and RSS, each per session, and the heap histogram's
 * per-session classes. WhatsApp is not reachable here, so every session connects through an HTTP
 * proxy that takes the connection and never answers (a child JVM): each session then holds what
 * a live one holds between messages (its Cobalt instance, store, keys, HTTP client and socket),
 * short of the TLS state and of what logging in adds. Closing all sessions at the end must give the
 * memory back.
 *
 * <p>Usage: {@code CobaltMemoryBench [sessions=100] [store=empty|typical]}; see bench/cobalt-memory.sh.
 */
public final class CobaltMemoryBench {

  private static final int WARM_UP = 5;
  private static long credentialBytes;
  private static final Pattern HISTO = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--black-hole")) {
      blackHole();
      return;
    }
    int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    CobaltSynthetic.Size size = CobaltSynthetic.Size.of(args.length > 1 ? args[1] : "typical");
    Process hole = startBlackHole();
    try {
      int port = Integer.parseInt(new BufferedReader(new InputStreamReader(hole.getInputStream())).readLine().trim());
      run(sessions, size, URI.create("http://127.0.0.1:" + port));
    } finally {
      hole.destroy();
    }
    System.exit(0);
  }

  private static void run(int sessions, CobaltSynthetic.Size size, URI proxy) throws Exception {
    Vertx vertx = Vertx.vertx();
    CobaltEngine engine = new CobaltEngine(vertx, CobaltOptions.defaults().withProxy(proxy)
        .withConnectTimeout(Duration.ofHours(1)));
    Counting listener = new Counting();
    Random rnd = new Random(42);
    List<EngineSession> open = new ArrayList<>();
    Sample empty = Sample.take("engine, no session");
    long phone = 15_550_000_000L;
    // Warm-up sessions load the classes and Cobalt's JVM-wide state; they stay in every later sample.
    for (int i = 0; i < WARM_UP; i++) {
      open.add(open(engine, listener, size, phone++, rnd));
    }
    Sample base = Sample.take(WARM_UP + " warm-up sessions");
    Map<String, long[]> histoBase = histogram();
    System.out.printf("store %s: %d contacts, %d Signal sessions, %d groups, %d chats x %d messages, %d statuses%n",
        size.name(), size.contacts(), size.signalSessions(), size.groups(), size.chats(), size.messagesPerChat(),
        size.statuses());
    System.out.println(empty.line(null, 0));
    System.out.println(base.line(null, 0));
    long opening = System.nanoTime();
    List<Integer> steps = sessions >= 8 ? List.of(sessions / 4, sessions) : List.of(sessions);
    Sample last = base;
    for (int step : steps) {
      while (open.size() < WARM_UP + step) {
        open.add(open(engine, listener, size, phone++, rnd));
      }
      settle();
      last = Sample.take((WARM_UP + step) + " sessions");
      System.out.println(last.line(base, step));
    }
    double openedSeconds = (System.nanoTime() - opening) / 1e9;
    printHistogram(histoBase, histogram(), sessions);
    System.out.printf("stored credentials: %.1f KiB per session%n", credentialBytes / 1024.0 / open.size());
    System.out.printf("sessions ended while measured: %d%s; opening took %.1f s%n", listener.ended.get(),
        listener.ended.get() == 0 ? "" : " (last: " + listener.reason.get() + ")", openedSeconds);
    System.out.printf("RESULT store=%s sessions=%d heap_per_session_mib=%.3f threads_per_session=%.2f"
            + " direct_per_session_kib=%.1f rss_per_session_mib=%.3f classes_per_session=%.2f%n",
        size.name(), sessions, last.heapPer(base, sessions) / 1048576.0, last.threadsPer(base, sessions),
        last.directPer(base, sessions) / 1024.0, last.rssPer(base, sessions) / 1048576.0,
        (last.classes - base.classes) / (double) sessions);

    Future.join(open.stream().map(EngineSession::disconnect).toList()).await(60, TimeUnit.SECONDS);
    open.clear();
    Thread.sleep(1_000);
    Sample closed = Sample.take("all closed");
    System.out.printf("RESULT store=%s after_close_heap_above_empty_engine_mib=%.1f threads_above=%d%n", size.name(),
        (closed.heap - empty.heap) / 1048576.0, closed.threads - empty.threads);
    engine.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Opens one session from its stored credentials, as a device does, and fills its live store. */
  private static EngineSession open(CobaltEngine engine, Counting listener, CobaltSynthetic.Size size, long phone,
      Random rnd) throws Exception {
    UUID id = new UUID(rnd.nextLong(), rnd.nextLong());
    byte[] stored = CobaltSynthetic.credentials(id, phone, size, rnd);
    EngineSession session = engine.open(new SessionSpec("bench", "d" + phone, id.toString()), new RowStore(stored),
        listener).await(60, TimeUnit.SECONDS);
    CobaltSynthetic.fillChats(CobaltProbe.store(session), phone, size, rnd);
    // At rest the session's periodic trim (every 10 minutes) has run.
    CobaltProbe.trim(session);
    credentialBytes += stored.length;
    return session;
  }

  /** Gives the last sessions' connect attempts time to reach the proxy: they are then at rest. */
  private static void settle() throws InterruptedException {
    Thread.sleep(3_000);
  }

  /** The gateway's credentials row: handed over once on load, not kept (PostgreSQL keeps it). */
  private static final class RowStore implements CredentialStore {

    private byte[] row;

    RowStore(byte[] row) {
      this.row = row;
    }

    @Override
    public Future<byte[]> load() {
      byte[] once = row;
      row = null;
      return Future.succeededFuture(once);
    }

    @Override
    public Future<Void> save(byte[] credentials) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> delete() {
      return Future.succeededFuture();
    }
  }

  private static final class Counting implements EngineListener {

    final AtomicInteger ended = new AtomicInteger();
    final AtomicReference<String> reason = new AtomicReference<>();

    @Override
    public void onQr(String qr, Instant expiresAt) {
    }

    @Override
    public void onConnected(String phoneNumber) {
    }

    @Override
    public void onDisconnected(String why, boolean loggedOut) {
      ended.incrementAndGet();
      reason.set(why);
    }

    @Override
    public Future<Void> onEvent(EngineEvent event) {
      return Future.succeededFuture();
    }
  }

  /** Heap after full GCs, platform threads, direct buffers, RSS and loaded classes at one moment. */
  private record Sample(String label, long heap, int threads, long direct, long rss, long classes) {

    static Sample take(String label) throws Exception {
      long heap = Long.MAX_VALUE;
      for (int i = 0; i < 4; i++) {
        ManagementFactory.getMemoryMXBean().gc();
        Thread.sleep(250);
        heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      }
      long direct = 0;
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        direct += pool.getMemoryUsed();
      }
      return new Sample(label, heap, liveThreads(), direct, readRss(),
          ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }

    static int liveThreads() {
      return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    double heapPer(Sample base, int n) {
      return (heap - base.heap) / (double) n;
    }

    double threadsPer(Sample base, int n) {
      return (threads - base.threads) / (double) n;
    }

    double directPer(Sample base, int n) {
      return (direct - base.direct) / (double) n;
    }

    double rssPer(Sample base, int n) {
      return (rss - base.rss) / (double) n;
    }

    String line(Sample base, int n) {
      String s = String.format("%-22s heap %8.1f MiB, %4d platform threads, direct %6.1f MiB, RSS %7.1f MiB", label,
          heap / 1048576.0, threads, direct / 1048576.0, rss / 1048576.0);
      if (base != null) {
        s += String.format("  | per session: heap %.3f MiB, %.2f threads, RSS %.3f MiB", heapPer(base, n) / 1048576.0,
            threadsPer(base, n), rssPer(base, n) / 1048576.0);
      }
      return s;
    }

    private static long readRss() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      return 0;
    }
  }

  /** class name -> {instances, bytes}, from the JVM's own GC.class_histogram (which runs a full GC). */
  private static Map<String, long[]> histogram() throws Exception {
    String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> histo = new HashMap<>();
    for (String line : out.split("\n")) {
      Matcher m = HISTO.matcher(line);
      if (m.find()) {
        histo.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
    }
    return histo;
  }

  private static void printHistogram(Map<String, long[]> before, Map<String, long[]> after, int sessions) {
    record Row(String name, double instances, double bytes) {
    }
    List<Row> rows = new ArrayList<>();
    double total = 0;
    for (var e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      Row row = new Row(e.getKey(), (e.getValue()[0] - b[0]) / (double) sessions, (e.getValue()[1] - b[1]) / (double) sessions);
      total += row.bytes();
      rows.add(row);
    }
    rows.sort((x, y) -> Double.compare(y.bytes(), x.bytes()));
    System.out.printf("heap histogram, per session (all classes: %.1f KiB):%n", total / 1024);
    for (Row row : rows.subList(0, Math.min(18, rows.size()))) {
      System.out.printf("  %9.1f KiB %9.1f objects  %s%n", row.bytes() / 1024, row.instances(), row.name());
    }
  }

  /** The proxy that never answers: takes every connection and holds it until stdin closes. */
  private static void blackHole() throws IOException {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 1_000, InetAddress.getLoopbackAddress())) {
      System.out.println(server.getLocalPort());
      System.out.flush();
      Thread.ofPlatform().daemon().start(() -> {
        try {
          while (System.in.read() >= 0) {
            // wait for the parent to go away
          }
        } catch (IOException ignored) {
          // the parent is gone
        }
        System.exit(0);
      });
      while (true) {
        held.add(server.accept());
      }
    }
  }

  private static Process startBlackHole() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        CobaltMemoryBench.class.getName(), "--black-hole").redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
