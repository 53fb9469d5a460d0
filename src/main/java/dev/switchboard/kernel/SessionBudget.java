package dev.switchboard.kernel;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * How many long-lived sessions (one socket each: a linked device's connection) a process may hold
 * before it runs out of file descriptors. Past its open-file limit a process can no longer accept a
 * connection, open a database connection or a file, so it stops answering at all; this budget
 * refuses the next session with a message that names the limit well before that point.
 *
 * <p>The most sessions are the soft open-file limit less a reserve for everything else the process
 * opens (pools, HTTP clients and the connections of API callers, cluster links, jars and logs), or
 * fewer when a setting says so. A new session is refused when the sessions counted would pass that
 * number, or when the descriptors open, sampled at most every {@link #SAMPLE_MS} ms off the caller's
 * thread and corrected by the sessions opened since, would pass the limit less the reserve.
 */
public final class SessionBudget {

  static final long SAMPLE_MS = 250;

  private final String owner;
  private final String setting;
  private final int configured;
  private final long soft;
  private final long hard;
  private final int reserve;
  private final String reserveFor;
  private final int maxSessions;
  private final LongSupplier openFiles;
  private final AtomicBoolean sampling = new AtomicBoolean();
  private volatile long sampledAt;
  private volatile long sampledOpen = -1;
  private volatile int sessionsAtSample;

  SessionBudget(String owner, String setting, int configured, long soft, long hard, int reserve, String reserveFor,
      LongSupplier openFiles) {
    this.owner = owner;
    this.setting = setting;
    this.configured = configured;
    this.soft = soft;
    this.hard = hard;
    // A tiny limit keeps three quarters of itself for sessions rather than none.
    this.reserve = soft > 0 ? (int) Math.min(reserve, soft / 4) : reserve;
    this.reserveFor = reserveFor;
    long byFiles = soft > 0 ? soft - this.reserve : Integer.MAX_VALUE;
    this.maxSessions = (int) Math.min(configured > 0 ? configured : Integer.MAX_VALUE, byFiles);
    this.openFiles = openFiles;
  }

  /**
   * The budget of this process. {@code owner} names it in messages ("this node"), {@code setting}
   * is the option that lowers it ({@code --max-sessions}), {@code configured} its value (0: only the
   * open-file limit counts), {@code reserve} the descriptors kept for everything but sessions and
   * {@code reserveFor} what they are for.
   */
  public static SessionBudget of(String owner, String setting, int configured, int reserve, String reserveFor) {
    long[] limits = limits();
    return new SessionBudget(owner, setting, configured, limits[0], limits[1], reserve, reserveFor, SessionBudget::openNow);
  }

  public int maxSessions() {
    return maxSessions;
  }

  /** One line for the start-up log: the limit, what it allows, and how to raise it when it can be raised. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    if (soft <= 0) {
      s.append("No open-file limit known (unlimited, or not reported on this system): ").append(owner)
          .append(" counts only its sessions");
      s.append(configured > 0 ? ", at most " + configured + " (" + setting + "=" + configured + ")"
          : ", without a cap (set " + setting + ")");
      return s.toString();
    }
    s.append("Open-file limit ").append(soft).append(" (hard ").append(hard < 0 ? "unlimited" : hard).append(')');
    long open = openFiles.getAsLong();
    if (open >= 0) {
      s.append(", ").append(open).append(" open now");
    }
    s.append(": ").append(owner).append(" takes up to ").append(maxSessions).append(" device sessions, keeping ")
        .append(reserve).append(" descriptors for ").append(reserveFor);
    if (configured > 0 && configured < soft - reserve) {
      s.append(" (capped by ").append(setting).append('=').append(configured).append(')');
    }
    if (hard < 0 || soft < hard) {
      s.append("; raise the soft limit with `ulimit -n ").append(hard < 0 ? "unlimited" : hard)
          .append("` before starting (systemd LimitNOFILE, docker --ulimit nofile)");
    }
    return s.toString();
  }

  /** Null when {@code sessions} (the new one counted) fit; otherwise why not, naming the limit. */
  public String refusal(int sessions) {
    if (sessions > maxSessions) {
      return owner + " already holds " + (sessions - 1) + " device sessions, the most it takes ("
          + (configured > 0 && configured == maxSessions ? setting + "=" + configured
              : "open-file limit " + soft + " less " + reserve + " kept in reserve; raise `ulimit -n`") + ")";
    }
    long open = openEstimate(sessions);
    if (soft > 0 && open > soft - reserve) {
      return owner + " has about " + open + " files open, past its open-file limit " + soft + " less " + reserve
          + " kept for " + reserveFor + "; raise `ulimit -n`";
    }
    return null;
  }

  /** How many more sessions fit beside {@code sessions} (0 when none). */
  public int room(int sessions) {
    if (refusal(sessions + 1) != null) {
      return 0;
    }
    long byFiles = soft > 0 ? soft - reserve - openEstimate(sessions) : Long.MAX_VALUE;
    return (int) Math.max(0, Math.min(maxSessions - (long) sessions, byFiles));
  }

  /** The last sample plus the sessions opened since; starts a fresh sample when the last is stale. */
  private long openEstimate(int sessions) {
    long now = System.currentTimeMillis();
    if (now - sampledAt >= SAMPLE_MS && sampling.compareAndSet(false, true)) {
      // Counting the descriptors lists /proc/self/fd, milliseconds at 20,000 of them: never on an event loop.
      Thread.ofVirtual().start(() -> {
        try {
          long open = openFiles.getAsLong();
          sessionsAtSample = sessions;
          sampledOpen = open;
          sampledAt = System.currentTimeMillis();
        } finally {
          sampling.set(false);
        }
      });
    }
    long open = sampledOpen;
    return open < 0 ? 0 : open + Math.max(0, sessions - sessionsAtSample);
  }

  /** {soft, hard} open-file limits of this process; -1 for unlimited hard, 0 soft when unknown. */
  static long[] limits() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
          return new long[] {number(parts[0]), number(parts[1])};
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: ask the JVM below.
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long max = unix.getMaxFileDescriptorCount();
      return new long[] {max, max};
    }
    return new long[] {0, 0};
  }

  private static long number(String value) {
    return "unlimited".equals(value) ? -1 : Long.parseLong(value);
  }

  /** Descriptors this process holds open now, or -1 when the system does not say. */
  static long openNow() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return -1;
  }
}
