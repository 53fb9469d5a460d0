package dev.switchboard.simulator;

import dev.switchboard.kernel.SessionBudget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Admits device connections to {@code /sim/ws} while the simulator's {@link SessionBudget} has room,
 * and refuses the next one with a 503 and a message naming the limit. Without it, the simulator at
 * its open-file limit can accept no socket at all, its control API included, and linking hangs. The
 * budget's reserve keeps descriptors for the control API, so it answers while devices are refused.
 * Runs on the simulator's one context, like all its state.
 */
final class SessionGate {

  /** Descriptors kept for the control API's connections, the jars and the log. */
  static final int RESERVE = 256;

  private final Vertx vertx;
  private final Network network;
  private final SessionBudget budget;
  /** Connections admitted whose WebSocket handshake has not completed: counted as sessions already. */
  private int upgrading;
  private long refused;

  SessionGate(Vertx vertx, Network network, SessionBudget budget) {
    this.vertx = vertx;
    this.network = network;
    this.budget = budget;
  }

  static SessionBudget budget(SimulatorOptions options) {
    return SessionBudget.of("the simulator", "--max-sessions", options.maxSessions(), RESERVE,
        "the control API and files");
  }

  /** The {@code /sim/ws} handler: a device connection, or a 503 saying why not. */
  void upgrade(RoutingContext ctx) {
    String why = budget.refusal(network.linking.openCount() + upgrading + 1);
    if (why != null) {
      refused++;
      ctx.fail(new SimException(503, "UNAVAILABLE", why));
      return;
    }
    upgrading++;
    ctx.request().toWebSocket().onComplete(ar -> {
      upgrading--;
      if (ar.succeeded()) {
        new DeviceLink(vertx, ar.result(), network).start();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /**
   * A pairing links a session whose socket is open already, so only the descriptors can stop it:
   * refused when the process has no room left beside the sessions it holds.
   */
  void checkPairing() {
    String why = budget.refusal(network.linking.openCount() + upgrading);
    if (why != null) {
      throw new SimException(503, "UNAVAILABLE", "pairing refused: " + why);
    }
  }

  /** For {@code GET /sim/stats}: open device sockets, the most allowed, and how many were refused. */
  JsonObject stats() {
    return new JsonObject().put("openSessions", network.linking.openCount())
        .put("maxSessions", budget.maxSessions()).put("refusedSessions", refused);
  }
}
