package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks the routes the node really registered: each must have an auth rule and an OpenAPI entry,
 * and each that is not public must refuse a request without a key. Sends are tried first, and the
 * node serves them on the native transport.
 */
class RouteRulesTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode();

  @Test
  void everyRegisteredRouteHasAnAuthRuleIsInTheOpenApiDocumentUnlessDeclaredOtherwiseAndRefusesAnonymousCalls() {
    ApiRoutes routes = bed.node().apiRoutes();
    JsonObject paths = bed.api().get("/api/openapi.json", null).json().getJsonObject("paths");
    List<String> problems = new ArrayList<>();
    int checked = 0;
    int documented = 0;
    for (Route route : routes.router().getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // body and failure handlers that apply to every route
      }
      for (HttpMethod method : route.methods()) {
        checked++;
        Access access = routes.ruleOf(method, route.getPath());
        if (access == null) {
          problems.add(method + " " + route.getPath() + " has no auth rule");
          continue;
        }
        String openApiPath = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
        JsonObject item = paths.getJsonObject(openApiPath);
        boolean inDocument = item != null && item.getJsonObject(method.name().toLowerCase()) != null;
        if (routes.documented(method, route.getPath())) {
          documented++;
          if (!inDocument) {
            problems.add(method + " " + route.getPath() + " is missing from /api/openapi.json");
          }
        } else if (inDocument) {
          problems.add(method + " " + route.getPath() + " is declared undocumented but is in /api/openapi.json");
        }
        if (access != Access.PUBLIC) {
          String concrete = route.getPath().replaceAll(":[A-Za-z]+", "x1").replace("*", "");
          Api.Response r = bed.api().call(method, concrete, null, null);
          if (r.status() != 401) {
            problems.add(method + " " + concrete + " without a key answered " + r);
          }
        }
      }
    }
    assertTrue(checked >= 14, "walked only " + checked + " routes");
    assertEquals(List.of(), problems);
    // Nothing else: the document holds exactly the documented routes the router serves.
    int operations = 0;
    for (String path : paths.fieldNames()) {
      operations += paths.getJsonObject(path).size();
    }
    assertEquals(documented, operations, "operations in /api/openapi.json that no served route backs");
  }

  @Test
  void aRouteAddedBehindTheTablesBackIsCaught() {
    // The check above only means something if a stray route is visible to it.
    Route stray = bed.node().apiRoutes().router().get("/api/stray").handler(ctx -> ctx.end());
    boolean found = false;
    for (Route route : bed.node().apiRoutes().router().getRoutes()) {
      if ("/api/stray".equals(route.getPath())) {
        found = true;
        assertEquals(null, bed.node().apiRoutes().ruleOf(HttpMethod.GET, route.getPath()));
      }
    }
    stray.remove();
    assertTrue(found);
  }

  @Test
  void docsServeSwaggerUiPointedAtOurDocument() {
    Api.Response page = bed.api().get("/docs/", null);
    assertEquals(200, page.status());
    assertTrue(page.body().toString().contains("swagger-ui"), "Swagger UI page");
    Api.Response init = bed.api().get("/docs/swagger-initializer.js", null);
    assertTrue(init.body().toString().contains("/api/openapi.json"));
    assertFalse(init.body().toString().contains("petstore"));
    assertEquals(302, bed.api().get("/docs", null).status());
    assertNotNull(bed.api().get("/api/openapi.json", null).json().getJsonObject("paths").getJsonObject("/api/clients/{clientId}/config"));
  }

  @Test
  void sendsAreTheFirstRoutesTriedAfterHealth() {
    List<String> paths = bed.node().apiRoutes().router().getRoutes().stream()
        .filter(r -> r.getPath() != null && r.methods() != null && !r.methods().isEmpty())
        .map(Route::getPath).toList();
    int text = paths.indexOf("/api/clients/:clientId/devices/:deviceId/messages/:type");
    assertTrue(text >= 0 && paths.subList(0, text).stream().allMatch(p -> p.startsWith("/api/health")),
        "routes tried before a text send: " + paths.subList(0, Math.max(0, text)));
  }

  @Test
  void theNodeRunsOnTheNativeTransport() {
    String arch = System.getProperty("os.arch");
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
        && (arch.equals("amd64") || arch.equals("aarch64")), "epoll is bundled for Linux on x86_64 and aarch64");
    assertTrue(bed.node().vertx().isNativeTransportEnabled(), "native transport unavailable: "
        + bed.node().vertx().unavailableNativeTransportCause());
  }
}
