package dev.switchboard.http;

import dev.switchboard.kernel.Ids;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The only way routes are added: each one with its auth rule and its OpenAPI entry, so no route can
 * exist without either (a test walks the router to hold us to that).
 */
public final class ApiRoutes {

  private final Router router;
  private final Auth auth;
  private final OpenApi openApi;
  private final Map<String, Access> rules = new LinkedHashMap<>();
  private final Map<String, RouteDoc> docs = new LinkedHashMap<>();
  private final Map<String, String> scopes = new LinkedHashMap<>();

  public ApiRoutes(Router router, Auth auth, OpenApi openApi) {
    this.router = router;
    this.auth = auth;
    this.openApi = openApi;
  }

  /** Declares a route: method, path (Vert.x syntax), who may call it, and what it does. */
  public Route add(HttpMethod method, String path, Access access, String tag, String summary,
      Handler<RoutingContext> handler) {
    return add(method, path, access, tag, summary, RouteDoc.of(), handler);
  }

  /** Declares a route with what the OpenAPI document says about its parameters, body and answers. */
  public Route add(HttpMethod method, String path, Access access, String tag, String summary, RouteDoc doc,
      Handler<RoutingContext> handler) {
    String scope = access == Access.CLIENT ? Scopes.of(method, path) : null;
    rules.put(key(method, path), access);
    docs.put(key(method, path), doc);
    if (scope != null) {
      scopes.put(key(method, path), scope);
    }
    openApi.operation(method, path, access, scope, tag, summary, doc);
    return router.route(method, path)
        .handler(auth.require(access, scope))
        .handler(Ids.pathValidator())
        .handler(handler);
  }

  /** Adds the webhook calls the gateway makes, and their schemas, to the OpenAPI document. */
  public void webhooks(JsonObject webhooks, JsonObject schemas) {
    openApi.webhooks(webhooks, schemas);
  }

  /** The auth rule of a declared route, or null when the route was added some other way. */
  public Access ruleOf(HttpMethod method, String path) {
    return rules.get(key(method, path));
  }

  /** Whether a declared route is in the OpenAPI document (asset files and earlier URLs are not). */
  public boolean documented(HttpMethod method, String path) {
    RouteDoc doc = docs.get(key(method, path));
    return doc != null && doc.documented();
  }

  /** The scope a declared client route needs ("" for none), or null for other routes. */
  public String scopeOf(HttpMethod method, String path) {
    return scopes.get(key(method, path));
  }

  public Map<String, Access> rules() {
    return Map.copyOf(rules);
  }

  public Router router() {
    return router;
  }

  public Auth auth() {
    return auth;
  }

  /** Vert.x reports {@code /docs/*} as {@code /docs/}: both name one route. */
  private static String key(HttpMethod method, String path) {
    return method.name() + " " + (path.endsWith("/*") ? path.substring(0, path.length() - 1) : path);
  }
}
