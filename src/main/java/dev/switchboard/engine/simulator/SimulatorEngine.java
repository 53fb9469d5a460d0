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
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The engine that talks to the project's simulated WhatsApp network ({@code dev.switchboard.simulator})
 * over one WebSocket per device, as a real linked device holds one connection to WhatsApp.
 *
 * <p>It never reconnects by itself: a dropped socket is reported as
 * {@code onDisconnected(reason, false)} and the gateway's device actor decides when to call
 * {@link #open} again. {@code open} fails with {@link EngineException} when the simulator cannot be
 * reached.
 */
public final class SimulatorEngine implements WhatsAppEngine {

  static final long TIMEOUT_MS = 10_000;
  private static final int MAX_FRAME_BYTES = 32 * 1024 * 1024;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String host;
  private final int port;
  private final boolean ssl;

  /** {@code baseUrl} is the simulator's address, e.g. {@code http://127.0.0.1:7070}. */
  public SimulatorEngine(Vertx vertx, String baseUrl) {
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
        .compose(stored -> connect().map(ws -> {
          SimulatorSession session = new SimulatorSession(vertx, ctx, ws, credentials, listener);
          session.hello(stored == null ? null : new String(stored, StandardCharsets.UTF_8));
          return (EngineSession) session;
        }))
        .onComplete(opened));
    return opened.future();
  }

  private Future<io.vertx.core.http.WebSocket> connect() {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setSsl(ssl)
        .setURI("/sim/ws").setConnectTimeout(TIMEOUT_MS);
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
    return client.close();
  }
}
