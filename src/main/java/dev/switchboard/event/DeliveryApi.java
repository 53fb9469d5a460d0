package dev.switchboard.event;

import dev.switchboard.http.Paging;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Fields;
import dev.switchboard.kernel.Ids;
import dev.switchboard.kernel.Page;
import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** Routes for a client's webhook deliveries: the list (by status) and a manual retry. */
public final class DeliveryApi {

  private static final List<String> STATUSES = List.of("pending", "delivered", "failed");

  private final EventService events;

  public DeliveryApi(EventService events) {
    this.events = events;
  }

  public void register(ApiRoutes routes) {
    String base = "/api/clients/:clientId/webhook-deliveries";
    routes.add(GET, base, Access.CLIENT, "webhooks",
        "Webhook deliveries, newest first; ?status=pending|delivered|failed, ?webhookId=",
        RouteDoc.of().paged().query("status", Schemas.enumOf(STATUSES), "only deliveries in this state")
            .query("webhookId", Schemas.id(), "only deliveries of this webhook")
            .returns(200, Schemas.page(Schemas.object().put("description", "a webhook delivery"))),
        this::list);
    routes.add(POST, base + "/:id/retry", Access.CLIENT, "webhooks",
        "Send one webhook delivery again (due now, with a fresh 24 h retry window)",
        RouteDoc.of().pathParameter("id", new JsonObject().put("type", "string").put("pattern", "^[0-9]{1,18}$"))
            .body(false, Schemas.object(List.of()), new JsonObject())
            .returns(202, Schemas.object().put("description", "the delivery, due now")),
        this::retry);
  }

  private void list(RoutingContext ctx) {
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.validation("status", "status must be one of pending, delivered, failed");
    }
    String webhookId = ctx.queryParams().get("webhookId");
    if (webhookId != null) {
      Ids.require("webhookId", webhookId);
    }
    Page page = Paging.of(ctx);
    Long before = page.afterId();
    // One row more than the page holds tells whether there is a next page.
    Future<JsonObject> result = events.deliveries(ctx.pathParam("clientId"), status, webhookId, before,
        page.limit() + 1).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(d -> items.add(json(d)));
      return page.result(items, o -> o.getString("id"));
    });
    Responses.reply(ctx, result, Responses::ok);
  }

  private void retry(RoutingContext ctx) {
    Fields.onlyFields(Bodies.object(ctx, true), Set.of());
    String clientId = ctx.pathParam("clientId");
    String raw = ctx.pathParam("id");
    if (!raw.matches("[0-9]{1,18}")) {
      throw ApiException.validation("id", "a webhook delivery id is a number, as the list returns it");
    }
    Future<JsonObject> result = events.retry(clientId, Long.parseLong(raw)).compose(d -> d.isPresent()
        ? Future.succeededFuture(json(d.get()))
        : Future.failedFuture(ApiException.notFound("NOT_FOUND", "client '" + clientId + "' has no webhook delivery " + raw)));
    Responses.reply(ctx, result, Responses::accepted);
  }

  /** A delivery as docs/api.md shows it: ids as strings, times in ISO 8601, the next attempt only while pending. */
  private static JsonObject json(WebhookDelivery d) {
    return new JsonObject()
        .put("id", String.valueOf(d.id()))
        .put("eventId", d.eventId())
        .put("webhookId", d.webhookId())
        .put("event", d.event())
        .put("deviceId", d.deviceId())
        .put("status", d.status())
        .put("attempts", d.attempts())
        .put("nextAttemptAt", d.pending() ? Times.iso(d.nextAttemptAt()) : null)
        .put("url", d.url())
        .put("lastStatusCode", d.lastStatusCode())
        .put("lastError", d.lastError())
        .put("lastAttemptAt", Times.iso(d.lastAttemptAt()))
        .put("deliveredAt", Times.iso(d.deliveredAt()))
        .put("createdAt", Times.iso(d.createdAt()));
  }
}
