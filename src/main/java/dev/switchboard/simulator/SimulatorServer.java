package dev.switchboard.simulator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The simulated WhatsApp network (SIMULATOR.md) on one HTTP port: the control API under
 * {@code /sim/...} and the WebSocket {@code /sim/ws} that each linked device holds (protocol in
 * {@link DeviceLink}). All state lives in one verticle, so every request and frame runs on its
 * single context.
 *
 * <pre>{@code
 * SimulatorServer.start(vertx, SimulatorOptions.onPort(7070)).onSuccess(sim -> log(sim.port()));
 * }</pre>
 */
public final class SimulatorServer {

  public static final String WS_PATH = "/sim/ws";

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

  public Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }

  private static final class Verticle extends VerticleBase {

    private final SimulatorOptions options;
    private HttpServer server;

    Verticle(SimulatorOptions options) {
      this.options = options;
    }

    @Override
    public Future<?> start() {
      Network network = new Network(vertx, options.qrIntervalMs());
      Router router = Router.router(vertx);
      router.get(WS_PATH).handler(ctx -> ctx.request().toWebSocket()
          .onSuccess(ws -> new DeviceLink(vertx, ws, network).start())
          .onFailure(ctx::fail));
      new ControlApi(network).mount(router);
      server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
          .setMaxWebSocketFrameSize(32 * 1024 * 1024).setMaxWebSocketMessageSize(48 * 1024 * 1024));
      return server.requestHandler(router).listen();
    }
  }
}
