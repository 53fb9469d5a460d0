package dev.switchboard.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/** Serves the API on the configured port; every instance on every node serves all of it. */
public final class HttpVerticle extends VerticleBase {

  private final int port;
  private final Supplier<Router> routerFactory;
  private HttpServer server;

  public HttpVerticle(int port, Supplier<Router> routerFactory) {
    this.port = port;
    this.routerFactory = routerFactory;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
        // Port 0 would give every instance a random port of its own, and all requests would reach
        // the first one; a negative port is Vert.x's one random port shared by all instances.
        .setPort(port == 0 ? -1 : port)
        .setHost("0.0.0.0")
        .setCompressionSupported(true)
        .setMaxHeaderSize(16 * 1024)
        // Netty's default of 4 KiB would refuse a path that holds a 5,000-character id before the
        // router could say which id is wrong.
        .setMaxInitialLineLength(8 * 1024)
        .setIdleTimeout(120));
    return server.requestHandler(new RequestGuard(routerFactory.get()))
        .invalidRequestHandler(RequestGuard::invalid)
        .listen();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
