package dev.switchboard.http;

import dev.switchboard.kernel.ApiException;
import static io.vertx.core.http.HttpMethod.GET;

import dev.switchboard.kernel.Version;
import dev.switchboard.store.DbErrors;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.function.IntSupplier;

/** {@code GET /api/health}: public, 503 when the database does not answer. */
public final class HealthApi {

  private final Pool pool;
  private final String node;
  private final IntSupplier clusterSize;

  public HealthApi(Pool pool, String node, IntSupplier clusterSize) {
    this.pool = pool;
    this.node = node;
    this.clusterSize = clusterSize;
  }

  public void register(ApiRoutes routes) {
    routes.add(GET, "/api/health", Access.PUBLIC, "operations", "Node health",
        RouteDoc.of().returns(200, Schemas.object().put("description", "status, node, version, clusterSize, db"))
            .errors(503),
        this::health);
  }

  private void health(RoutingContext ctx) {
    JsonObject status = new JsonObject().put("node", node).put("version", Version.version())
        .put("clusterSize", clusterSize.getAsInt());
    pool.query("SELECT 1").execute()
        .timeout(3, java.util.concurrent.TimeUnit.SECONDS)
        .onSuccess(r -> Responses.ok(ctx, new JsonObject().put("status", "ok").mergeIn(status).put("db", "ok")))
        .onFailure(e -> FailureHandler.write(ctx, new ApiException(503, "UNAVAILABLE", "the database is unreachable",
            new JsonObject().put("status", "degraded").mergeIn(status).put("db", "down"), DbErrors.RETRY_AFTER_SECONDS)));
  }
}
