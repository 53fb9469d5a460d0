package dev.switchboard.support;

import java.nio.file.Path;
import java.util.List;

/** The {@code postgres} subcommand as its own process: one PostgreSQL shared by several node processes. */
public final class PostgresProcess implements AutoCloseable {

  private final Process process;
  private final int port;

  private PostgresProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static PostgresProcess start(Path dataDir, Path log) {
    return start(dataDir, log, NodeProcess.freePort());
  }

  /** On {@code port}: a restart on the port of the server before it, which the nodes keep connecting to. */
  public static PostgresProcess start(Path dataDir, Path log, int port) {
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      Process p = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
          "dev.switchboard.Main", "postgres", "--port", String.valueOf(port), "--data", dataDir.toString()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        if (!p.isAlive()) {
          throw new IllegalStateException("postgres exited with " + p.exitValue() + "; see " + log);
        }
        try (var s = new java.net.Socket("127.0.0.1", port)) {
          Thread.sleep(500);
          return new PostgresProcess(p, port);
        } catch (java.io.IOException notYet) {
          Thread.sleep(200);
        }
      }
      throw new IllegalStateException("postgres did not listen within 120 s; see " + log);
    } catch (InterruptedException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres";
  }

  /** SIGKILL of the JVM only: the PostgreSQL server it started is not told. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
