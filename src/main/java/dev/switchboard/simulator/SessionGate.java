package dev.switchboard.simulator;

import dev.switchboard.kernel.SessionBudget;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Admits device connections to {@code /sim/ws} (one session each) and {@code /sim/mux} (many sessions
 * each, {@link MuxConnection}) while the simulator's {@link SessionBudget} has room, and refuses the
 * next one with a 503 and a message naming the limit. The budget counts sockets, that is open files:
 * a multiplexed connection counts once however many sessions it carries. Without it, the simulator at
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
  /** Device sockets open now: one per session on {@code /sim/ws}, one per connection on {@code /sim/mux}. */
  private int sockets;
  private final Set<MuxConnection> muxes = new LinkedHashSet<>();
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
    admit(ctx, ws -> SocketChannel.serve(vertx, ws, network, () -> sockets--));
  }

  /** The {@code /sim/mux} handler: a connection for many device sessions, or a 503 saying why not. */
  void upgradeMux(RoutingContext ctx) {
    admit(ctx, ws -> muxes.add(MuxConnection.serve(vertx, ws, network, mux -> {
      sockets--;
      muxes.remove(mux);
    })));
  }

  private void admit(RoutingContext ctx, Consumer<ServerWebSocket> serve) {
    String why = budget.refusal(sockets + upgrading + 1);
    if (why != null) {
      refused++;
      ctx.fail(new SimException(503, "UNAVAILABLE", why));
      return;
    }
    upgrading++;
    ctx.request().toWebSocket().onComplete(ar -> {
      upgrading--;
      if (ar.succeeded()) {
        sockets++;
        serve.accept(ar.result());
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
    String why = budget.refusal(sockets + upgrading);
    if (why != null) {
      throw new SimException(503, "UNAVAILABLE", "pairing refused: " + why);
    }
  }

  /**
   * For {@code GET /sim/stats}: open device sockets (files), the most allowed, how many were refused,
   * and the multiplexed connections with the sessions they carry.
   */
  JsonObject stats() {
    return new JsonObject().put("openSessions", sockets)
        .put("maxSessions", budget.maxSessions()).put("refusedSessions", refused)
        .put("muxConnections", muxes.size())
        .put("muxSessions", muxes.stream().mapToInt(MuxConnection::sessionCount).sum());
  }
}
