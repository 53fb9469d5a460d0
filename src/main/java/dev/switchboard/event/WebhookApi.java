package dev.switchboard.event;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.kernel.Fields;
import dev.switchboard.tenant.ClientConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A client's webhooks: {@code C/webhooks} (scope {@code config:write}), with secret rotation and a test ping. */
public final class WebhookApi {

  private final Webhooks webhooks;

  public WebhookApi(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  public void register(ApiRoutes routes) {
    String base = "/api/clients/:clientId/webhooks";
    String one = base + "/:webhookId";
    routes.add(POST, base, Access.CLIENT, "webhooks", "Add a webhook with its own secret, filters and headers (at most "
        + Webhook.MAX_PER_CLIENT + ")", RouteDoc.of().body(true, fields(List.of("url")), example())
            .returns(201, webhook(true)).errors(409), this::create);
    routes.add(GET, base, Access.CLIENT, "webhooks", "The client's webhooks (without their secrets)",
        RouteDoc.of().returns(200, Schemas.page(webhook(false))), this::list);
    routes.add(GET, one, Access.CLIENT, "webhooks", "One webhook (without its secret)",
        RouteDoc.of().returns(200, webhook(false)), this::get);
    routes.add(PATCH, one, Access.CLIENT, "webhooks", "Change some fields of a webhook; null resets events, deviceIds"
        + " and headers", RouteDoc.of().body(true, fields(List.of()), new JsonObject().put("active", false))
            .returns(200, webhook(false)), this::update);
    routes.add(DELETE, one, Access.CLIENT, "webhooks", "Delete a webhook (its pending deliveries fail)",
        RouteDoc.of().returns(200, Schemas.object()), this::delete);
    routes.add(POST, one + "/secret/rotate", Access.CLIENT, "webhooks", "A new signing secret (whsec_...) for one webhook",
        RouteDoc.of().body(false, Schemas.object(List.of()), new JsonObject())
            .returns(200, Schemas.object(List.of("webhookId", "secret"), "webhookId", Schemas.id(),
                "secret", Schemas.string(1, 100))), this::rotate);
    routes.add(POST, one + "/test", Access.CLIENT, "webhooks", "Send a signed ping event now (not queued) and report"
        + " what the endpoint answered", RouteDoc.of().body(false, Schemas.object(List.of()), new JsonObject())
            .returns(200, Schemas.object(List.of("ok", "statusCode", "latencyMs", "error"), "ok", Schemas.bool(),
                "statusCode", Schemas.nullable(Schemas.integer(100, 599)), "latencyMs", Schemas.integer(0, 60_000),
                "error", Schemas.nullable(Schemas.string(4096)))), this::test);
  }

  private void create(RoutingContext ctx) {
    Responses.reply(ctx, webhooks.create(ctx.pathParam("clientId"), Bodies.object(ctx, false), Auth.principal(ctx),
        Auth.sourceIp(ctx)), Responses::created);
  }

  private void list(RoutingContext ctx) {
    Responses.reply(ctx, webhooks.list(ctx.pathParam("clientId")), Responses::ok);
  }

  private void get(RoutingContext ctx) {
    Responses.reply(ctx, webhooks.get(ctx.pathParam("clientId"), ctx.pathParam("webhookId")), Responses::ok);
  }

  private void update(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Webhook.FIELDS);
    Responses.reply(ctx, webhooks.update(ctx.pathParam("clientId"), ctx.pathParam("webhookId"), body,
        Auth.principal(ctx), Auth.sourceIp(ctx)), Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    Responses.reply(ctx, webhooks.delete(ctx.pathParam("clientId"), ctx.pathParam("webhookId"), Auth.principal(ctx),
        Auth.sourceIp(ctx)), Responses::ok);
  }

  private void rotate(RoutingContext ctx) {
    Fields.onlyFields(Bodies.object(ctx, true), Set.of());
    Responses.reply(ctx, webhooks.rotateSecret(ctx.pathParam("clientId"), ctx.pathParam("webhookId"),
        Auth.principal(ctx), Auth.sourceIp(ctx)), Responses::ok);
  }

  private void test(RoutingContext ctx) {
    Fields.onlyFields(Bodies.object(ctx, true), Set.of());
    Responses.reply(ctx, webhooks.test(ctx.pathParam("clientId"), ctx.pathParam("webhookId")), Responses::ok);
  }

  /** The fields a webhook is created or changed with. */
  private static JsonObject fields(List<String> required) {
    return Schemas.object(required,
        "url", Schemas.string(1, Webhook.MAX_URL).put("format", "uri"),
        "events", Schemas.nullable(Schemas.array(Schemas.enumOf(ClientConfig.EVENTS), 1, ClientConfig.EVENTS.size()))
            .put("description", "only these events (absent or null: every event the client's config lets through)"),
        "deviceIds", Schemas.nullable(Schemas.array(Schemas.id(), 1, Webhook.MAX_DEVICES))
            .put("description", "only events of these devices (absent or null: every device)"),
        "headers", Schemas.nullable(Schemas.object().put("maxProperties", Webhook.MAX_HEADERS)
            .put("additionalProperties", Schemas.string(Webhook.MAX_HEADER_VALUE))
            .put("description", "sent with every post; not webhook-*, content-type, host or content-length")),
        "active", Schemas.bool().put("default", true));
  }

  private static JsonObject webhook(boolean withSecret) {
    List<String> required = new ArrayList<>(List.of("webhookId", "url", "events", "deviceIds", "headers", "active"));
    if (withSecret) {
      required.add("secret");
    }
    JsonObject w = fields(required);
    JsonObject props = w.getJsonObject("properties");
    props.put("webhookId", Schemas.id()).put("createdAt", Schemas.string(40)).put("updatedAt", Schemas.string(40));
    if (withSecret) {
      props.put("secret", Schemas.string(1, 100).put("description", "whsec_...: shown at creation and rotation only"));
    }
    return w;
  }

  private static JsonObject example() {
    return new JsonObject().put("url", "https://crm.example.com/hooks/whatsapp")
        .put("events", new JsonArray().add("message").add("receipt")).put("deviceIds", new JsonArray().add("sales"))
        .put("headers", new JsonObject().put("Authorization", "Bearer crm-token"));
  }
}
