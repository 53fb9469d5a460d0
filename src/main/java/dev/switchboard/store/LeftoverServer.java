package dev.switchboard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server still running on a data directory after the process that started it died
 * (a {@code kill -9} of the node leaves it holding the directory, and a new one cannot start there).
 * Only called while this process holds the data directory's {@link DataDirLock}, so any server found
 * on it belongs to a dead owner.
 */
final class LeftoverServer {

  private static final Logger log = LoggerFactory.getLogger(LeftoverServer.class);

  private LeftoverServer() {
  }

  /**
   * Stops the server named in {@code pgData/postmaster.pid} if it is alive and is a postgres on this
   * directory: a fast shutdown (SIGINT: clients cut off, a checkpoint, a clean exit), then an
   * immediate one (SIGQUIT: recovery at the next start), then SIGKILL. A pid file of a dead process
   * is left for PostgreSQL, which ignores it; one whose pid now belongs to another program is removed.
   */
  static void stop(Path pgData) {
    Optional<Long> pid = pidOf(pgData);
    if (pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(LeftoverServer::running);
    if (process.isEmpty()) {
      return;
    }
    if (!isPostgresOn(process.get(), pgData)) {
      log.info("Removing a stale postmaster.pid in {}: its pid {} now belongs to another program", pgData, pid.get());
      try {
        Files.deleteIfExists(pgData.resolve("postmaster.pid"));
      } catch (IOException e) {
        throw new IllegalStateException("cannot remove the stale " + pgData.resolve("postmaster.pid") + ": " + e.getMessage());
      }
      return;
    }
    ProcessHandle server = process.get();
    List<ProcessHandle> workers = server.descendants().toList();
    log.warn("A PostgreSQL server (pid {}) is still running on {}, left by a process that died: stopping it",
        pid.get(), pgData);
    long started = System.nanoTime();
    boolean stopped = signal(server, "INT", Duration.ofSeconds(10))
        || signal(server, "QUIT", Duration.ofSeconds(5))
        || signal(server, "KILL", Duration.ofSeconds(5));
    if (!stopped) {
      throw new IllegalStateException("the PostgreSQL server (pid " + pid.get() + ") left on " + pgData + " does not stop");
    }
    // After SIGKILL its workers still hold the shared memory for a moment; a new server refuses to
    // start until they are gone.
    for (ProcessHandle worker : workers) {
      awaitExit(worker, Duration.ofSeconds(5));
      worker.destroyForcibly();
    }
    log.info("The left-over PostgreSQL server stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** The first line of {@code postmaster.pid}, when there is one. */
  static Optional<Long> pidOf(Path pgData) {
    try {
      List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException absentOrTorn) {
      return Optional.empty();
    }
  }

  /** A {@code postgres} executable whose arguments name this data directory. */
  static boolean isPostgresOn(ProcessHandle process, Path pgData) {
    ProcessHandle.Info info = process.info();
    boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
    String dir = pgData.toAbsolutePath().normalize().toString();
    return postgres && info.arguments().map(args -> List.of(args).contains(dir)).orElse(false);
  }

  private static boolean signal(ProcessHandle process, String signal, Duration wait) {
    try {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (IOException e) {
      // No kill(1) on this system: SIGTERM (a smart shutdown) or SIGKILL is what Java can send.
      if (signal.equals("KILL")) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return awaitExit(process, wait);
  }

  /** Polls: a process that is not our child has no exit notification to wait on. */
  private static boolean awaitExit(ProcessHandle process, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (running(process)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Alive and not a zombie (where PID 1 does not reap orphans, as in some containers, a dead server stays one). */
  private static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException noProcfs) {
      return process.isAlive();
    }
  }
}
