package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The CPU a bench's processes used, from /proc: what each part of the machine costs per message. */
final class ProcessCpu {

  private ProcessCpu() {
  }

  /**
   * CPU seconds used so far by {the node, the embedded PostgreSQL's processes, this JVM}, then the
   * machine's stolen and total clock ticks (all CPUs) for the hypervisor's share.
   */
  static double[] seconds(long nodePid) {
    long self = ProcessHandle.current().pid();
    // The embedded PostgreSQL of this JVM (TestDatabase) runs with its data under target/test-pg-<our pid>.
    double pg = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("test-pg-" + self)).orElse(false))
        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
        .mapToLong(ProcessHandle::pid).distinct().mapToDouble(ProcessCpu::ofProcess).sum();
    long[] machine = machineTicks();
    return new double[] {ofProcess(nodePid), pg, ofProcess(self), machine[0], machine[1]};
  }

  /**
   * Milliseconds of CPU per message of each part between two readings of {@link #seconds(long)}, and
   * the share of the machine's CPU time the hypervisor took meanwhile ({@code steal}): on this shared
   * virtual machine it ranged from 2% to 40% within one day, and runs with much of it are slower.
   */
  static String perMessage(double[] before, double[] after, long messages, String benchPart) {
    double total = after[4] - before[4];
    return String.format("node=%.3f postgres=%.3f %s=%.3f steal=%.0f%%", (after[0] - before[0]) * 1000 / messages,
        (after[1] - before[1]) * 1000 / messages, benchPart, (after[2] - before[2]) * 1000 / messages,
        total <= 0 ? 0 : (after[3] - before[3]) * 100 / total);
  }

  /** {steal, total} clock ticks of all CPUs from the first line of /proc/stat; zeros where there is none. */
  private static long[] machineTicks() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
      String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
      long total = 0;
      // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is in user already.
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {f.length > 8 ? Long.parseLong(f[8]) : 0, total};
    } catch (Exception unreadable) {
      return new long[] {0, 0};
    }
  }

  /** CPU seconds used so far by a process and all its descendants. */
  static double tree(long pid) {
    return ProcessHandle.of(pid).stream().flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
        .mapToLong(ProcessHandle::pid).distinct().mapToDouble(ProcessCpu::ofProcess).sum();
  }

  /**
   * CPU seconds used so far by the processes whose command line contains {@code fragment} (a
   * PostgreSQL server, by its data directory) and their live descendants: a backend that ended
   * meanwhile drops out, so read it over a stretch where the connections stay open.
   */
  static double matching(String fragment) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(fragment)).orElse(false))
        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
        .mapToLong(ProcessHandle::pid).distinct().mapToDouble(ProcessCpu::ofProcess).sum();
  }

  /** CPU seconds used so far by this one process, without its children. */
  static double own(long pid) {
    return ofProcess(pid);
  }

  private static double ofProcess(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second).
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception gone) {
      return 0;
    }
  }
}
