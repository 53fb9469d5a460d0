package dev.switchboard.support;

import dev.switchboard.Node;
import dev.switchboard.config.Config;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts real nodes for tests: real HTTP on an ephemeral port, a real PostgreSQL database. */
public final class TestNode {

  public static final String MASTER = "test-master-key-0123456789";

  private TestNode() {
  }

  public static Config config(String dbUrl, String... extraFlags) {
    List<String> flags = new ArrayList<>(List.of("--http-port", "0", "--master-key", MASTER,
        "--allow-private-urls", "true", "--engine", "simulator", "--sim-port", "0", "--node-name", "test-node"));
    if (dbUrl != null) {
      flags.add("--db-url");
      flags.add(dbUrl);
    }
    flags.addAll(List.of(extraFlags));
    return Config.load(flags, Map.of());
  }

  public static Node start(Config config) {
    try {
      return Node.start(config).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Node start(String dbUrl) {
    return start(config(dbUrl));
  }

  public static void stop(Node node) {
    if (node != null) {
      node.stop();
    }
  }

  /**
   * Returns once every event loop of the node has run what was queued on it before this call: what
   * the node had begun on any loop (a publish's deliveries, say) is then done.
   */
  public static void settle(Node node) {
    for (io.netty.util.concurrent.EventExecutor loop : ((io.vertx.core.internal.VertxInternal) node.vertx()).nettyEventLoopGroup()) {
      try {
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
