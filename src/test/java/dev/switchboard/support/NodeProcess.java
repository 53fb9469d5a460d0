package dev.switchboard.support;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A gateway node in a JVM process of its own, so a test can kill -9 it. */
public final class NodeProcess {

  private final Process process;
  private final int port;

  private NodeProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static NodeProcess start(int port, String dbUrl, String simUrl, String nodeName, Path log) {
    return start(port, dbUrl, simUrl, nodeName, log, List.of("-Xmx256m", "-XX:+UseSerialGC"));
  }

  public static NodeProcess start(int port, String dbUrl, String simUrl, String nodeName, Path log, List<String> jvm) {
    return start(port, dbUrl, simUrl, nodeName, log, jvm, List.of());
  }

  /** {@code flags} are more of the node's command-line flags, e.g. {@code --send-rate 5}. */
  public static NodeProcess start(int port, String dbUrl, String simUrl, String nodeName, Path log, List<String> jvm,
      List<String> flags) {
    return start(port, List.of("--db-url", dbUrl), simUrl, nodeName, log, jvm, flags);
  }

  /** A node as a user starts it: no database URL, so it runs its own embedded PostgreSQL in {@code dataDir}. */
  public static NodeProcess startOnOwnDatabase(int port, Path dataDir, String simUrl, String nodeName, Path log,
      List<String> flags) {
    return start(port, List.of("--data-dir", dataDir.toString()), simUrl, nodeName, log,
        List.of("-Xmx256m", "-XX:+UseSerialGC"), flags);
  }

  /** The command line of a node; {@code database} says where its data is. */
  public static List<String> command(int port, List<String> database, String simUrl, String nodeName, List<String> jvm) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(jvm);
    // More JVM flags for a diagnosis, e.g. -Dbench.nodeJvm=-XX:StartFlightRecording=filename=/tmp/node.jfr
    String extra = System.getProperty("bench.nodeJvm", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.switchboard.Main",
        "--http-port", String.valueOf(port)));
    cmd.addAll(database);
    cmd.addAll(List.of("--engine", "simulator", "--sim-url", simUrl,
        "--master-key", TestNode.MASTER, "--node-name", nodeName, "--allow-private-urls", "true"));
    return cmd;
  }

  private static NodeProcess start(int port, List<String> database, String simUrl, String nodeName, Path log,
      List<String> jvm, List<String> flags) {
    List<String> cmd = new ArrayList<>(command(port, database, simUrl, nodeName, jvm));
    cmd.addAll(flags);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      NodeProcess node = new NodeProcess(p, port);
      node.awaitHealthy(Duration.ofSeconds(90));
      return node;
    } catch (Exception e) {
      throw new IllegalStateException("node process did not start; see " + log, e);
    }
  }

  /**
   * A free port for a node to listen on later, below Linux's ephemeral range (32768-60999): a port
   * from that range could be taken meanwhile by any outgoing connection or by Hazelcast binding port
   * 0, and the node would then fail to start. Never the same port twice in this JVM.
   */
  public static int freePort() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (var s = new java.net.ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (java.io.IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }

  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private void awaitHealthy(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node process exited with " + process.exitValue());
      }
      try {
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("node not healthy within " + timeout);
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  /** SIGKILL: no shutdown hook, no flush, nothing. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Sends the process a signal by name, e.g. {@code STOP} to freeze it and {@code CONT} to let it go on. */
  public void signal(String name) {
    try {
      new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException("cannot send SIG" + name + " to " + process.pid(), e);
    }
  }

  /** SIGTERM: the graceful path. */
  public void terminate() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  static String separator() {
    return File.pathSeparator;
  }
}
