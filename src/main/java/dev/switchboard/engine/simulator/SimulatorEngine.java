package dev.switchboard.engine.simulator;

import dev.switchboard.kernel.Contexts;
import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.EngineListener;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.engine.WhatsAppEngine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The engine that talks to the project's simulated WhatsApp network ({@code dev.switchboard.simulator})
 * over one WebSocket per device, as a real linked device holds one connection to WhatsApp; or, with
 * {@code connections > 0}, over that many WebSockets shared by all its devices ({@link Multiplexer}),
 * so that tens of thousands of devices fit in the simulator's open-file limit.
 *
 * <p>It never reconnects by itself: a dropped socket is reported as
 * {@code onDisconnected(reason, false)} and the gateway's device actor decides when to call
 * {@link #open} again. {@code open} fails with {@link EngineException} when the simulator cannot be
 * reached.
 */
public final class SimulatorEngine implements WhatsAppEngine {

  static final long TIMEOUT_MS = 10_000;
  /** The simulator's paths: a device session on a socket of its own, and a socket for many sessions. */
  static final String WS_PATH = "/sim/ws";
  static final String MUX_PATH = "/sim/mux";
  private static final int MAX_FRAME_BYTES = 32 * 1024 * 1024;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final Multiplexer multiplexer;

  /** {@code baseUrl} is the simulator's address, e.g. {@code http://127.0.0.1:7070}; one WebSocket per device. */
  public SimulatorEngine(Vertx vertx, String baseUrl) {
    this(vertx, baseUrl, 0);
  }

  /** {@code connections}: 0 for one WebSocket per device, else how many WebSockets carry all the devices. */
  public SimulatorEngine(Vertx vertx, String baseUrl, int connections) {
    URI uri = URI.create(baseUrl);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("not a simulator URL: " + baseUrl);
    }
    this.vertx = vertx;
    this.ssl = "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme());
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(MAX_FRAME_BYTES).setMaxMessageSize(MAX_FRAME_BYTES * 3 / 2)
        // One socket per linked device, all to one host: the default cap of 50 would queue the rest.
        .setMaxConnections(1_000_000));
    this.multiplexer = connections > 0
        ? new Multiplexer(vertx, connections, () -> connect(MUX_PATH)) : null;
  }

  @Override
  public String name() {
    return "simulator";
  }

  @Override
  public Future<EngineSession> open(SessionSpec spec, CredentialStore credentials, EngineListener listener) {
    Context current = Vertx.currentContext();
    Context ctx = current != null ? current : vertx.getOrCreateContext();
    Promise<EngineSession> opened = Promise.promise();
    // The store may answer on its own context; the socket must belong to the caller's.
    ctx.runOnContext(v -> Contexts.onContext(ctx, credentials.load())
        .compose(stored -> wire(ctx).map(wire -> {
          SimulatorSession session = new SimulatorSession(vertx, ctx, wire, credentials, listener);
          session.hello(stored == null ? null : new String(stored, StandardCharsets.UTF_8));
          return (EngineSession) session;
        }))
        .onComplete(opened));
    return opened.future();
  }

  private Future<Function<SimulatorSession, Wire>> wire(Context ctx) {
    if (multiplexer != null) {
      return Contexts.onContext(ctx, multiplexer.wire(ctx));
    }
    return connect(WS_PATH).map(ws -> session -> Wire.socket(ws, session));
  }

  private Future<WebSocket> connect(String path) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setSsl(ssl)
        .setURI(path).setConnectTimeout(TIMEOUT_MS);
    // No idle timeout: a linked device's socket may rightly stay silent for hours.
    return client.connect(options).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(err -> Future.failedFuture(
        err instanceof UpgradeRejectedException rejected
            // The simulator says why in its error JSON, e.g. that it holds the most device sessions it takes.
            ? new EngineException("ENGINE_ERROR", "simulator at " + host + ":" + port + " refused the connection ("
                + rejected.getStatus() + "): " + reason(rejected))
            : new EngineException("ENGINE_ERROR", "simulator at " + host + ":" + port + " unreachable: " + err.getMessage())));
  }

  private static String reason(UpgradeRejectedException rejected) {
    try {
      return new JsonObject(rejected.getBody()).getString("error", "no reason given");
    } catch (RuntimeException e) {
      return rejected.getBody() == null ? "no reason given" : rejected.getBody().toString();
    }
  }

  @Override
  public Future<Void> close() {
    Future<Void> muxes = multiplexer == null ? Future.succeededFuture() : multiplexer.close();
    return muxes.eventually(client::close);
  }
}
