package dev.switchboard.simulator;

import dev.switchboard.kernel.SessionBudget;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated WhatsApp network (docs/simulator.md) on one HTTP port: the control API under
 * {@code /sim/...}, the WebSocket {@code /sim/ws} that each linked device holds (protocol in
 * {@link DeviceLink}), and {@code /sim/mux}, one WebSocket that carries many device sessions
 * ({@link MuxConnection}). All state lives in one verticle, so every request and frame runs on its
 * single context.
 *
 * <pre>{@code
 * SimulatorServer.start(vertx, SimulatorOptions.onPort(7070)).onSuccess(sim -> log(sim.port()));
 * }</pre>
 */
public final class SimulatorServer {

  public static final String WS_PATH = "/sim/ws";
  /** Where a gateway node opens a connection that carries many device sessions ({@link MuxConnection}). */
  public static final String MUX_PATH = "/sim/mux";
  private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);

  private final Vertx vertx;
  private final Verticle verticle;
  private final String deploymentId;

  private SimulatorServer(Vertx vertx, Verticle verticle, String deploymentId) {
    this.vertx = vertx;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
  }

  public static Future<SimulatorServer> start(Vertx vertx, SimulatorOptions options) {
    Verticle verticle = new Verticle(options);
    return vertx.deployVerticle(verticle).map(id -> new SimulatorServer(vertx, verticle, id));
  }

  /** The port it listens on (the chosen one when started on port 0). */
  public int port() {
    return verticle.server.actualPort();
  }

  /**
   * Person {@code phone} sends {@code message}, as {@code POST /sim/phones/:phone/messages} with that body
   * does, without the HTTP round trip. For a benchmark that embeds the simulator: each control request
   * costs the client and the simulator more CPU than the message it injects, on the cores the gateway
   * under test needs. Completes with the message id, or fails for the reason the route would refuse it.
   */
  public Future<String> send(String phone, JsonObject message) {
    Promise<String> id = Promise.promise();
    verticle.context().runOnContext(v -> {
      try {
        id.complete(ControlApi.send(verticle.network, Jids.phone(phone), message));
      } catch (RuntimeException e) {
        id.fail(e);
      }
    });
    return id.future();
  }

  public Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }

  private static final class Verticle extends VerticleBase {

    private final SimulatorOptions options;
    private HttpServer server;
    private Network network;

    Verticle(SimulatorOptions options) {
      this.options = options;
    }

    @Override
    public Future<?> start() {
      network = new Network(vertx, options.qrIntervalMs(), options.inboxLimit());
      SessionBudget budget = SessionGate.budget(options);
      log.info("Simulator: {}", budget.describe());
      SessionGate gate = new SessionGate(vertx, network, budget);
      Router router = Router.router(vertx);
      router.get(WS_PATH).handler(gate::upgrade);
      router.get(MUX_PATH).handler(gate::upgradeMux);
      new ControlApi(network, gate).mount(router);
      server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
          .setMaxWebSocketFrameSize(32 * 1024 * 1024).setMaxWebSocketMessageSize(48 * 1024 * 1024));
      return server.requestHandler(router).listen();
    }

    Context context() {
      return context;
    }
  }
}
