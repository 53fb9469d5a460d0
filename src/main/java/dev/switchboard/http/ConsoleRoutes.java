package dev.switchboard.http;

import static io.vertx.core.http.HttpMethod.GET;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: static files from the jar under {@code /console/} (plain ES modules that talk to
 * the public API with a JWT), and {@code /} and {@code /dashboard} sending a browser there. Like
 * Swagger UI, these routes are served beside the API and stay out of the OpenAPI document.
 */
public final class ConsoleRoutes {

  static final String HOME = "/console/";

  /** The console only loads its own scripts and styles and talks only to this node (HTTP and the live feed). */
  private static final String CSP = "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; "
      + "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  public void register(ApiRoutes routes) {
    // One handler per router, so each HTTP verticle's event loop has its own file cache.
    StaticHandler files = StaticHandler.create("console").setIndexPage("index.html")
        // Short-lived caching: a node upgraded in place serves its new console within a minute.
        .setMaxAgeSeconds(60);
    RouteDoc doc = RouteDoc.undocumented("web console");
    routes.add(GET, "/", Access.PUBLIC, "operations", "Redirect to the web console", doc, ConsoleRoutes::home);
    routes.add(GET, "/dashboard", Access.PUBLIC, "operations", "Redirect to the web console", doc, ConsoleRoutes::home);
    routes.add(GET, "/console", Access.PUBLIC, "operations", "Redirect to the web console", doc, ConsoleRoutes::home);
    routes.add(GET, "/console/*", Access.PUBLIC, "operations", "Web console files", doc,
        ctx -> serve(ctx, files));
  }

  private static void home(RoutingContext ctx) {
    // Vert.x lets "/console" match "/console/" too: that one is the console itself.
    if (ctx.request().path().startsWith(HOME)) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(302).putHeader("location", HOME).end();
  }

  private static void serve(RoutingContext ctx, StaticHandler files) {
    ctx.response().putHeader("content-security-policy", CSP)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer");
    files.handle(ctx);
  }
}
