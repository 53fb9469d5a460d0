package dev.switchboard.admin;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.kernel.Fields;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** The operator's routes (master key): the cluster overview and rebalancing devices over the live nodes. */
public final class AdminApi {

  static final int MAX_MOVES = 10_000;
  static final int DEFAULT_MOVES = 1_000;
  static final int MAX_MOVES_PER_SECOND = 100;
  static final int DEFAULT_MOVES_PER_SECOND = 5;

  private final Overview overview;
  private final Rebalancer rebalancer;

  public AdminApi(Overview overview, Rebalancer rebalancer) {
    this.overview = overview;
    this.rebalancer = rebalancer;
  }

  public void register(ApiRoutes routes) {
    routes.add(GET, "/api/admin/overview", Access.MASTER, "operations",
        "Cluster overview: nodes with their devices, devices by status, outbound queue, webhook backlog, clients",
        RouteDoc.of().returns(200, Schemas.object()
            .put("description", "nodes, devicesByStatus, outboundQueue, webhookBacklog, clients")),
        ctx -> Responses.reply(ctx, overview.get(), Responses::ok));
    routes.add(POST, "/api/admin/rebalance", Access.MASTER, "operations",
        "Move devices toward an even spread over the live nodes, at a bounded rate", rebalanceDoc(), this::rebalance);
  }

  private void rebalance(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, true);
    Fields.onlyFields(body, Set.of("maxMoves", "perSecond"));
    Integer maxMoves = Fields.integer(body, "maxMoves", false, 1, MAX_MOVES);
    Integer perSecond = Fields.integer(body, "perSecond", false, 1, MAX_MOVES_PER_SECOND);
    Responses.reply(ctx, rebalancer.rebalance(maxMoves == null ? DEFAULT_MOVES : maxMoves,
            perSecond == null ? DEFAULT_MOVES_PER_SECOND : perSecond),
        Responses::accepted);
  }

  private static RouteDoc rebalanceDoc() {
    return RouteDoc.of()
        .body(false, Schemas.object(List.of(),
                "maxMoves", Schemas.integer(1, MAX_MOVES).put("default", DEFAULT_MOVES),
                "perSecond", Schemas.integer(1, MAX_MOVES_PER_SECOND).put("default", DEFAULT_MOVES_PER_SECOND)),
            new JsonObject().put("maxMoves", 100).put("perSecond", 5))
        .returns(202, Schemas.object().put("description", "the moves planned"));
  }
}
