package dev.switchboard.event;

import dev.switchboard.http.Paging;
import dev.switchboard.kernel.Fields;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.kernel.Page;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Routes for a client's webhook deliveries: the list (by status) and a manual retry. */
public final class DeliveryApi {

  private static final java.util.List<String> STATUSES = java.util.List.of("pending", "delivered", "failed");

  private final Vertx vertx;
  private final EventService events;

  public DeliveryApi(Vertx vertx, EventService events) {
    this.vertx = vertx;
    this.events = events;
  }

  public void register(ApiRoutes routes) {
    String base = "/api/clients/:clientId/webhook-deliveries";
    routes.add(GET, base, Access.CLIENT, "webhooks",
        "Webhook deliveries, newest first; ?status=pending|delivered|failed",
        RouteDoc.of().paged().query("status", Schemas.enumOf(STATUSES), "only deliveries in this state")
            .returns(200, Schemas.page(Schemas.object().put("description", "a webhook delivery"))),
        this::list);
    routes.add(POST, base + "/:id/retry", Access.CLIENT, "webhooks",
        "Send one webhook delivery again (due now, with a fresh 24 h retry window)",
        RouteDoc.of().pathParameter("id", new JsonObject().put("type", "string").put("pattern", "^[0-9]{1,18}$"))
            .body(false, Schemas.object(java.util.List.of()), new JsonObject())
            .returns(202, Schemas.object().put("description", "the delivery, due now")),
        this::retry);
  }

  private void list(RoutingContext ctx) {
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.validation("status", "status must be one of pending, delivered, failed");
    }
    Responses.reply(ctx, EventRepository.list(events.pool(), ctx.pathParam("clientId"), status, Paging.of(ctx)),
        Responses::ok);
  }

  private void retry(RoutingContext ctx) {
    Fields.onlyFields(Bodies.object(ctx, true), Set.of());
    String clientId = ctx.pathParam("clientId");
    String raw = ctx.pathParam("id");
    if (!raw.matches("[0-9]{1,18}")) {
      throw ApiException.validation("id", "a webhook delivery id is a number, as the list returns it");
    }
    Future<?> result = EventRepository.retry(events.pool(), clientId, Long.parseLong(raw)).compose(d -> {
      if (d == null) {
        return Future.failedFuture(ApiException.notFound("NOT_FOUND", "client '" + clientId + "' has no webhook delivery " + raw));
      }
      WebhookDispatcher.wake(vertx);
      return Future.succeededFuture(d);
    });
    Responses.reply(ctx, result, Responses::accepted);
  }
}
