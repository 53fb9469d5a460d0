package dev.switchboard.http;

import static io.vertx.core.http.HttpMethod.GET;

import dev.switchboard.kernel.Version;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import java.util.function.Consumer;

/** Builds the router: body limits, every capability's routes, docs, and the one failure handler. */
public final class ApiRouter {

  public static final long JSON_LIMIT = 1024 * 1024;
  private static final String INITIALIZER = resource("/docs/swagger-initializer.js");

  private ApiRouter() {
  }

  /** {@code modules} register their routes through the {@link ApiRoutes} they are given. */
  public static ApiRoutes build(Vertx vertx, Auth auth, List<Consumer<ApiRoutes>> modules) {
    Router router = Router.router(vertx);
    OpenApi openApi = new OpenApi(Version.version());
    ApiRoutes routes = new ApiRoutes(router, auth, openApi);

    BodyHandler json = BodyHandler.create(false).setBodyLimit(JSON_LIMIT);
    // Uploads read their own (larger, multipart) body after authentication; see MessageApi. Every other
    // body is JSON: a form or multipart one is refused before the body handler would decode it.
    router.route("/api/*").handler(ctx -> {
      if (ctx.request().method() == io.vertx.core.http.HttpMethod.POST && ctx.request().path().endsWith("/media")) {
        ctx.request().pause();
        ctx.next();
      } else if (Bodies.isForm(ctx.request().getHeader("Content-Type"))) {
        ctx.fail(Bodies.notJson());
      } else {
        json.handle(ctx);
      }
    });
    router.route().failureHandler(new FailureHandler());
    modules.forEach(m -> m.accept(routes));

    routes.add(GET, "/api/openapi.json", Access.PUBLIC, "operations", "This OpenAPI document",
        RouteDoc.of().returnsRaw(200, "application/json", "the OpenAPI document (not in the envelope)"),
        ctx -> ctx.response().putHeader("content-type", Responses.JSON).end(openApi.document().toBuffer()));
    // Swagger UI is served beside the API, not part of it: its routes stay out of the document.
    routes.add(GET, "/docs", Access.PUBLIC, "operations", "Swagger UI", RouteDoc.undocumented("Swagger UI"), ctx -> {
      if (ctx.request().path().equals("/docs")) {
        ctx.redirect("/docs/");
      } else {
        ctx.next();
      }
    });
    routes.add(GET, "/docs/swagger-initializer.js", Access.PUBLIC, "operations", "Swagger UI configuration",
        RouteDoc.undocumented("Swagger UI"),
        ctx -> ctx.response().putHeader("content-type", "application/javascript; charset=utf-8").end(INITIALIZER));
    routes.add(GET, "/docs/*", Access.PUBLIC, "operations", "Swagger UI assets",
        RouteDoc.undocumented("Swagger UI"), StaticHandler.create("META-INF/resources/webjars/swagger-ui/" + Version.swaggerUi()));

    FailureHandler failures = new FailureHandler();
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      router.errorHandler(status, failures);
    }
    return routes;
  }

  private static String resource(String name) {
    try (var in = ApiRouter.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("missing resource " + name, e);
    }
  }
}
