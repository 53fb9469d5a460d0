package dev.switchboard.tenant;

import dev.switchboard.http.Paging;
import dev.switchboard.kernel.Fields;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.http.Bodies;
import dev.switchboard.kernel.Ids;
import dev.switchboard.kernel.Page;
import dev.switchboard.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Routes for clients, keys, config, tokens and the audit log. */
public final class TenantApi {

  private final ClientService clients;
  private final KeyService keys;

  static final int TOKEN_TTL_MIN = 60;
  static final int TOKEN_TTL_MAX = 86_400;
  static final int TOKEN_TTL_DEFAULT = 900;
  static final int KEY_TTL_DAYS_MAX = 365;
  static final int KEY_TTL_DAYS_DEFAULT = 90;
  static final int MAX_NAME = 200;

  public TenantApi(ClientService clients, KeyService keys) {
    this.clients = clients;
    this.keys = keys;
  }

  public void register(ApiRoutes routes) {
    String client = "/api/clients/:clientId";
    routes.add(POST, "/api/auth/token", Access.ANY, "auth", "Issue a short-lived JWT with the caller's scope",
        TenantDocs.token(), this::token);
    routes.add(POST, "/api/clients", Access.MASTER, "clients", "Create a client", TenantDocs.create(), this::create);
    routes.add(GET, "/api/clients", Access.MASTER, "clients", "List clients", TenantDocs.list(), this::list);
    routes.add(GET, client, Access.CLIENT, "clients", "Client summary: config, device count, key status", this::get);
    routes.add(DELETE, client, Access.MASTER, "clients", "Delete a client, logging out its devices", this::delete);
    routes.add(POST, client + "/key", Access.MASTER, "keys", "Issue (or replace) the client's key",
        TenantDocs.key(), this::issueKey);
    routes.add(POST, client + "/key/rotate", Access.CLIENT, "keys", "Rotate the client's key", TenantDocs.key(),
        this::rotateKey);
    routes.add(DELETE, client + "/key", Access.MASTER, "keys", "Revoke the client's key", this::revokeKey);
    routes.add(GET, client + "/config", Access.CLIENT, "config", "Get the client's config", this::config);
    routes.add(PUT, client + "/config", Access.CLIENT, "config", "Partial config update; null resets a field",
        TenantDocs.config(), this::putConfig);
    routes.add(DELETE, client + "/config", Access.CLIENT, "config", "Reset the config to defaults", this::resetConfig);
    routes.add(POST, client + "/webhook-secret/rotate", Access.CLIENT, "config",
        "Rotate the client's webhook signing secret (whsec_...)", TenantDocs.emptyBody(), this::rotateWebhookSecret);
    routes.add(GET, client + "/audit", Access.CLIENT, "clients", "The client's audit log, newest first",
        TenantDocs.audit(), this::audit);
  }

  private void token(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, true);
    Fields.onlyFields(body, Set.of("ttlSeconds"));
    Integer ttl = Fields.integer(body, "ttlSeconds", false, TOKEN_TTL_MIN, TOKEN_TTL_MAX);
    Responses.created(ctx, keys.issueToken(Auth.principal(ctx), ttl == null ? TOKEN_TTL_DEFAULT : ttl));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("clientId", "name"));
    String clientId = Ids.require("clientId", Fields.string(body, "clientId", true, 64));
    String name = Fields.string(body, "name", false, MAX_NAME);
    Responses.reply(ctx, clients.create(clientId, name, Auth.principal(ctx), Auth.sourceIp(ctx)), Responses::created);
  }

  private void list(RoutingContext ctx) {
    Responses.reply(ctx, clients.list(Paging.of(ctx)), Responses::ok);
  }

  private void get(RoutingContext ctx) {
    Responses.reply(ctx, clients.get(ctx.pathParam("clientId")), Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    String clientId = ctx.pathParam("clientId");
    Responses.reply(ctx, clients.delete(clientId, Auth.principal(ctx), Auth.sourceIp(ctx))
        .map(v -> new JsonObject().put("clientId", clientId).put("deleted", true)), Responses::ok);
  }

  private void issueKey(RoutingContext ctx) {
    Responses.reply(ctx, clients.issueKey(ctx.pathParam("clientId"), ttlDays(ctx), Auth.principal(ctx), Auth.sourceIp(ctx)),
        Responses::created);
  }

  private void rotateKey(RoutingContext ctx) {
    Responses.reply(ctx, clients.rotateKey(ctx.pathParam("clientId"), ttlDays(ctx), Auth.principal(ctx), Auth.sourceIp(ctx)),
        Responses::created);
  }

  private void revokeKey(RoutingContext ctx) {
    String clientId = ctx.pathParam("clientId");
    Responses.reply(ctx, clients.revokeKey(clientId, Auth.principal(ctx), Auth.sourceIp(ctx))
        .map(v -> new JsonObject().put("clientId", clientId).put("revoked", true)), Responses::ok);
  }

  private void config(RoutingContext ctx) {
    Responses.reply(ctx, clients.config(ctx.pathParam("clientId")), Responses::ok);
  }

  private void putConfig(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Responses.reply(ctx, clients.updateConfig(ctx.pathParam("clientId"), body, Auth.principal(ctx), Auth.sourceIp(ctx)),
        Responses::ok);
  }

  private void resetConfig(RoutingContext ctx) {
    Responses.reply(ctx, clients.resetConfig(ctx.pathParam("clientId"), Auth.principal(ctx), Auth.sourceIp(ctx)), Responses::ok);
  }

  private void rotateWebhookSecret(RoutingContext ctx) {
    Fields.onlyFields(Bodies.object(ctx, true), Set.of());
    Responses.reply(ctx, clients.rotateWebhookSecret(ctx.pathParam("clientId"), Auth.principal(ctx), Auth.sourceIp(ctx)),
        Responses::ok);
  }

  private void audit(RoutingContext ctx) {
    Responses.reply(ctx, clients.audit(ctx.pathParam("clientId"), Paging.of(ctx)), Responses::ok);
  }

  private static int ttlDays(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, true);
    Fields.onlyFields(body, Set.of("ttlDays"));
    Integer ttl = Fields.integer(body, "ttlDays", false, 1, KEY_TTL_DAYS_MAX);
    return ttl == null ? KEY_TTL_DAYS_DEFAULT : ttl;
  }
}
