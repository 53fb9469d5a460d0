package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The JVM options of the node a bench starts as its own process. */
final class BenchNode {

  private BenchNode() {
  }

  /**
   * A 1 GiB heap and G1, the collector the JVM picks by itself on a machine like this one (two cores,
   * 24 GiB), so what production runs. {@code -Dbench.nodeGc=-XX:+UseSerialGC} picks another collector;
   * {@code -Dbench.nodeOpts="..."}
   * adds options, space-separated (for example {@code -Xlog:gc:file=/tmp/node-gc.log}).
   */
  static List<String> jvm() {
    List<String> jvm = new ArrayList<>(List.of("-Xmx1g", System.getProperty("bench.nodeGc", "-XX:+UseG1GC")));
    String extra = System.getProperty("bench.nodeOpts", "").strip();
    if (!extra.isEmpty()) {
      jvm.addAll(Arrays.asList(extra.split("\\s+")));
    }
    return jvm;
  }
}
