package dev.switchboard;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Setting;
import dev.switchboard.simulator.SimulatorServer;
import dev.switchboard.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Subcommands that run one part of the system alone. */
final class Subcommands {

  private Subcommands() {
  }

  /**
   * {@code simulator --port P [--host H] [--inbox-limit N] [--max-sessions M]}: the simulated WhatsApp
   * network, standalone (loopback unless told; each person's inbox keeps its newest N messages, 10,000
   * unless told; at most M device connections, as many as the open-file limit allows unless told).
   */
  static void simulator(List<String> args) {
    Setting port = new Setting("PORT", "--port", "7070", "port");
    Setting host = new Setting("HOST", "--host", SimulatorOptions.DEFAULT_HOST, "address to listen on");
    Setting inbox = new Setting("INBOX_LIMIT", "--inbox-limit", String.valueOf(SimulatorOptions.DEFAULT_INBOX_LIMIT),
        "messages kept per simulated person");
    Setting sessions = new Setting("MAX_SESSIONS", "--max-sessions", "0",
        "device sockets held at once, a multiplexed one counting once (0: as many as the open-file limit allows)");
    Map<String, String> values = Config.parseFlags(args, List.of(port, host, inbox, sessions));
    String h = values.getOrDefault("HOST", SimulatorOptions.DEFAULT_HOST);
    int p = number(values.getOrDefault("PORT", "7070"), "--port", 0);
    int limit = number(values.getOrDefault("INBOX_LIMIT", String.valueOf(SimulatorOptions.DEFAULT_INBOX_LIMIT)),
        "--inbox-limit", 1);
    int maxSessions = number(values.getOrDefault("MAX_SESSIONS", "0"), "--max-sessions", 0);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      SimulatorServer server = SimulatorServer.start(vertx, SimulatorOptions.onPort(p).withHost(h).withInboxLimit(limit)
          .withMaxSessions(maxSessions))
          .await(30, TimeUnit.SECONDS);
      System.out.println("Simulator listening on " + h + ":" + server.port() + (vertx.isNativeTransportEnabled()
          ? " (native transport)" : " (Java NIO: the native transport is unavailable: " + vertx.unavailableNativeTransportCause() + ")"));
    } catch (Exception e) {
      vertx.close();
      throw new ConfigException("the simulator did not start on port " + p + ": " + e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Going away anyway.
      }
    }));
  }

  private static int number(String value, String flag, int min) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new ConfigException(flag + " must be a whole number of at least " + min);
  }
}
