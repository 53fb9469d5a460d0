package dev.switchboard.usage;

import static io.vertx.core.http.HttpMethod.GET;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Paging;
import dev.switchboard.http.Queries;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Usage over time for a client and for the operator, and the client's call log. */
public final class UsageApi {

  private static final JsonObject BUCKET = Schemas.object(List.of("t", "sent", "delivered", "read", "failed",
      "received", "webhookDelivered", "webhookFailed"),
      "t", Schemas.string(24).put("format", "date-time").put("description", "start of the bucket, UTC"),
      "sent", count("messages sent"), "delivered", count("sent messages delivered"),
      "read", count("sent messages read"), "failed", count("messages that could not be sent"),
      "received", count("inbound messages"), "webhookDelivered", count("webhook deliveries delivered"),
      "webhookFailed", count("webhook deliveries dead-lettered"));
  private static final JsonObject CALL = Schemas.object(List.of("callId", "deviceId", "from", "video", "rejected", "at"),
      "callId", Schemas.string(128), "deviceId", Schemas.id(), "from", Schemas.string(128), "video", Schemas.bool(),
      "rejected", Schemas.bool(), "at", Schemas.string(24).put("format", "date-time"));

  private final UsageService usage;

  public UsageApi(UsageService usage) {
    this.usage = usage;
  }

  public void register(ApiRoutes routes) {
    routes.add(GET, "/api/clients/:clientId/stats", Access.CLIENT, "usage",
        "The client's messages and webhook deliveries over time, per minute, hour or day", statsDoc(), this::clientStats);
    routes.add(GET, "/api/admin/stats", Access.MASTER, "usage",
        "Messages and webhook deliveries of every client over time, per minute, hour or day", statsDoc(),
        this::allStats);
    routes.add(GET, "/api/clients/:clientId/calls", Access.CLIENT, "usage",
        "The client's call log across its devices, newest first",
        RouteDoc.of().paged().query("deviceId", Schemas.id(), "only this device's calls")
            .query("since", time(), "from this time on (inclusive)").query("until", time(), "before this time")
            .returns(200, Schemas.page(CALL)),
        this::calls);
  }

  private void clientStats(RoutingContext ctx) {
    stats(ctx, ctx.pathParam("clientId"));
  }

  private void allStats(RoutingContext ctx) {
    stats(ctx, null);
  }

  private void stats(RoutingContext ctx, String clientId) {
    Responses.reply(ctx, usage.stats(clientId, Queries.oneOf(ctx, "bucket", UsageService.BUCKETS),
        Queries.instant(ctx, "since"), Queries.instant(ctx, "until")), Responses::ok);
  }

  private void calls(RoutingContext ctx) {
    Responses.reply(ctx, usage.calls(ctx.pathParam("clientId"), Queries.id(ctx, "deviceId"),
        Queries.instant(ctx, "since"), Queries.instant(ctx, "until"), Paging.of(ctx)), Responses::ok);
  }

  private static RouteDoc statsDoc() {
    return RouteDoc.of()
        .query("bucket", Schemas.enumOf(UsageService.BUCKETS).put("default", "hour"), "the size of a bucket")
        .query("since", time(), "start (rounded down to its bucket; default: 24 buckets before until)")
        .query("until", time(), "end, exclusive (default: now)")
        .returns(200, Schemas.object(List.of("bucket", "items"), "bucket", Schemas.enumOf(UsageService.BUCKETS),
            "since", Schemas.string(24), "until", Schemas.string(24),
            "items", Schemas.array(BUCKET, 0, UsageService.MAX_BUCKETS)));
  }

  private static JsonObject time() {
    return Schemas.string(64).put("format", "date-time");
  }

  private static JsonObject count(String what) {
    return Schemas.integer(0, Long.MAX_VALUE).put("description", what);
  }
}
