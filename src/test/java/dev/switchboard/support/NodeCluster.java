package dev.switchboard.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Three clustered node processes (Hazelcast on loopback), one PostgreSQL process and one simulator. */
public final class NodeCluster implements AutoCloseable {

  public final List<NodeProcess> nodes = new ArrayList<>();
  public final List<String> names = List.of("n1", "n2", "n3");
  public volatile PostgresProcess pg;
  public final Sim sim;
  public final Path log;
  private final Path dir;
  private final int[] hz = {NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort()};
  private final List<String> extraFlags;
  private final List<String> jvm;

  public NodeCluster(String name, List<String> extraFlags) throws Exception {
    this(name, extraFlags, List.of("-Xmx256m", "-XX:+UseSerialGC"));
  }

  /** {@code jvm}: the node processes' JVM options. */
  public NodeCluster(String name, List<String> extraFlags, List<String> jvm) throws Exception {
    this.extraFlags = extraFlags;
    this.jvm = jvm;
    dir = Files.createDirectories(Path.of("target", name + "-" + System.nanoTime()));
    log = dir.resolve("nodes.log");
    pg = PostgresProcess.start(dir.resolve("pg"), dir.resolve("postgres.log"));
    sim = new Sim(20_000);
    for (int i = 0; i < names.size(); i++) {
      nodes.add(start(i));
    }
  }

  /** Starts node {@code i} (again, after a kill). */
  public NodeProcess start(int i) {
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
    List<String> flags = new ArrayList<>(List.of("--cluster", "true", "--cluster-port", String.valueOf(hz[i]),
        "--cluster-members", members));
    flags.addAll(extraFlags);
    return NodeProcess.start(NodeProcess.freePort(), pg.url(), sim.url(), names.get(i), log,
        jvm, flags);
  }

  /** Stops PostgreSQL (SIGTERM to its process, or SIGKILL: its watchdog stops the server) and starts it on the same port. */
  public void restartPostgres(boolean kill9) throws InterruptedException {
    int port = pg.port();
    if (kill9) {
      pg.kill9();
    } else {
      pg.close();
    }
    pg = PostgresProcess.start(dir.resolve("pg"), port, dir.resolve("postgres.log"));
  }

  public Api api(int i) {
    return new Api(nodes.get(i).port());
  }

  @Override
  public void close() throws Exception {
    for (NodeProcess n : nodes) {
      n.kill9();
    }
    sim.close();
    pg.close();
    // The logs stay for a failed test to be read; the database (100 MB or more) goes.
    Dirs.deleteAfterStop(dir.resolve("pg"));
  }
}
