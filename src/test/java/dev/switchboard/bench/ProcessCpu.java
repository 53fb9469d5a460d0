package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The CPU a bench's processes used, from /proc: what each part of the machine costs per message. */
final class ProcessCpu {

  private ProcessCpu() {
  }

  /** CPU seconds used so far by {the node, the embedded PostgreSQL's processes, this JVM}. */
  static double[] seconds(long nodePid) {
    long self = ProcessHandle.current().pid();
    // The embedded PostgreSQL of this JVM (TestDatabase) runs with its data under target/test-pg-<our pid>.
    double pg = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("test-pg-" + self)).orElse(false))
        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
        .mapToLong(ProcessHandle::pid).distinct().mapToDouble(ProcessCpu::ofProcess).sum();
    return new double[] {ofProcess(nodePid), pg, ofProcess(self)};
  }

  /** Milliseconds of CPU per message of each part between two readings of {@link #seconds(long)}. */
  static String perMessage(double[] before, double[] after, long messages, String benchPart) {
    return String.format("node=%.3f postgres=%.3f %s=%.3f", (after[0] - before[0]) * 1000 / messages,
        (after[1] - before[1]) * 1000 / messages, benchPart, (after[2] - before[2]) * 1000 / messages);
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
