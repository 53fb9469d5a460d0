package dev.switchboard.support;

import java.nio.file.Path;
import java.util.List;

/** The {@code postgres} subcommand as its own process: one PostgreSQL shared by several node processes. */
public final class PostgresProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path dataDir;

  private PostgresProcess(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
  }

  public static PostgresProcess start(Path dataDir, Path log) {
    return start(dataDir, NodeProcess.freePort(), log);
  }

  /** On {@code port}: a server started again on the same data directory after {@link #killPostmaster} keeps its URL. */
  public static PostgresProcess start(Path dataDir, int port, Path log) {
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
          return new PostgresProcess(p, port, dataDir);
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

  /**
   * A crash of the database: kill -9 of the postmaster (its pid is the first line of
   * {@code postmaster.pid}), then of the process that ran it (which would otherwise hold the data
   * directory), then waits until the postmaster's children have noticed and exited, so that a new
   * server can start on the same directory. Its stale {@code postmaster.pid} stays, as after a real crash.
   */
  public void killPostmaster() throws Exception {
    Path pgData = dataDir.toAbsolutePath().normalize().resolve("postgres");
    long pid = Long.parseLong(java.nio.file.Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor();
    // Its children rename themselves ("postgres: checkpointer"), but each one works in the data directory.
    Path real = pgData.toRealPath();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!processesIn(real).isEmpty()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("postgres processes still running in " + real + ": " + processesIn(real));
      }
      Thread.sleep(100);
    }
  }

  private static java.util.List<Long> processesIn(Path dir) throws java.io.IOException {
    java.util.List<Long> found = new java.util.ArrayList<>();
    try (var procs = java.nio.file.Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          if (java.nio.file.Files.readSymbolicLink(p.resolve("cwd")).equals(dir)) {
            found.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (java.io.IOException | SecurityException goneOrNotOurs) {
          // Exited meanwhile, or another user's.
        }
      }
    }
    return found;
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
