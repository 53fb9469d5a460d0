package dev.switchboard.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny shell process that stops the embedded PostgreSQL when this JVM dies without stopping it
 * ({@code kill -9}, an OOM kill). It blocks reading a pipe from the JVM; the kernel closes the pipe
 * when the JVM ends however it ends, and the shell then sends the server a fast shutdown (SIGINT) if
 * that pid is still a postgres on this data directory. About 1 MB of memory, no polling.
 */
final class ServerWatchdog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServerWatchdog.class);

  // $1: the server's pid, $2: its data directory. The pid is checked against /proc so that a reused
  // pid is never signalled.
  private static final String SCRIPT = """
      cat >/dev/null
      if tr '\\000' '\\n' < /proc/$1/cmdline 2>/dev/null | grep -qxF -- "$2"; then kill -INT "$1"; fi
      """;

  private final Process process;

  private ServerWatchdog(Process process) {
    this.process = process;
  }

  /** Starts the watchdog; on a system without {@code sh} or {@code /proc} it logs why there is none. */
  static ServerWatchdog watch(long serverPid, Path pgData) {
    if (!Path.of("/proc/self/cmdline").toFile().exists()) {
      log.info("No watchdog for the embedded PostgreSQL on this system; a server left by a crash is stopped at the next start");
      return new ServerWatchdog(null);
    }
    try {
      Process p = new ProcessBuilder(List.of("sh", "-c", SCRIPT, "switchboard-pg-watchdog", String.valueOf(serverPid),
          pgData.toAbsolutePath().normalize().toString()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return new ServerWatchdog(p);
    } catch (IOException e) {
      log.warn("No watchdog for the embedded PostgreSQL ({}); a server left by a crash is stopped at the next start",
          e.getMessage());
      return new ServerWatchdog(null);
    }
  }

  /** Call after the server stopped: closing the pipe ends the shell, which then finds no server to signal. */
  @Override
  public void close() {
    if (process != null) {
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // The shell is gone already.
      }
    }
  }
}
