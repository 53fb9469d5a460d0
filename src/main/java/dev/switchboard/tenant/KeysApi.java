package dev.switchboard.tenant;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Fields;
import dev.switchboard.kernel.Ids;
import dev.switchboard.kernel.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Named keys of a client: {@code C/keys} (master, or a key with {@code keys:manage}). */
public final class KeysApi {

  static final int MAX_NAME = 100;
  static final int MAX_DEVICES = 100;

  private final NamedKeys keys;

  public KeysApi(NamedKeys keys) {
    this.keys = keys;
  }

  public void register(ApiRoutes routes) {
    String base = "/api/clients/:clientId/keys";
    routes.add(POST, base, Access.CLIENT, "keys", "Create a named key with scopes, optionally limited to some devices",
        createDoc(), this::create);
    routes.add(GET, base, Access.CLIENT, "keys", "The client's keys (never the keys themselves)",
        RouteDoc.of().returns(200, Schemas.object().put("description", "items: keyId, name, prefix, main, scopes,"
            + " deviceIds, createdAt, expiresAt, lastUsedAt")), this::list);
    routes.add(DELETE, base + "/:keyId", Access.CLIENT, "keys", "Revoke one key, at once on every node",
        RouteDoc.of().returns(200, Schemas.object()), this::revoke);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("name", "scopes", "deviceIds", "ttlDays"));
    String name = Fields.string(body, "name", true, MAX_NAME);
    if (name.isBlank()) {
      throw ApiException.validation("name", "name must not be blank");
    }
    List<String> scopes = Fields.strings(body, "scopes", Principal.SCOPES.size());
    if (scopes == null || scopes.isEmpty()) {
      scopes = List.of(Principal.ALL_SCOPES);
    }
    for (String scope : scopes) {
      if (!Principal.SCOPES.contains(scope)) {
        throw ApiException.validation("scopes", "unknown scope '" + scope + "'; scopes: " + new TreeSet<>(Principal.SCOPES));
      }
    }
    List<String> deviceIds = Fields.strings(body, "deviceIds", MAX_DEVICES);
    if (deviceIds != null) {
      if (deviceIds.isEmpty()) {
        throw ApiException.validation("deviceIds", "deviceIds must name at least one device (leave it out for all)");
      }
      deviceIds.forEach(id -> Ids.require("deviceIds", id));
    }
    Integer ttl = Fields.integer(body, "ttlDays", false, 1, TenantApi.KEY_TTL_DAYS_MAX);
    NamedKeys.Grant grant = new NamedKeys.Grant(name.trim(), scopes, deviceIds,
        ttl == null ? TenantApi.KEY_TTL_DAYS_DEFAULT : ttl);
    Responses.reply(ctx, keys.create(ctx.pathParam("clientId"), grant, Auth.principal(ctx), Auth.sourceIp(ctx)),
        Responses::created);
  }

  private void list(RoutingContext ctx) {
    Responses.reply(ctx, keys.list(ctx.pathParam("clientId")), Responses::ok);
  }

  private void revoke(RoutingContext ctx) {
    String keyId = ctx.pathParam("keyId");
    Responses.reply(ctx, keys.revoke(ctx.pathParam("clientId"), keyId, Auth.principal(ctx), Auth.sourceIp(ctx))
        .map(v -> new JsonObject().put("keyId", keyId).put("revoked", true)), Responses::ok);
  }


  private static RouteDoc createDoc() {
    JsonObject strings = Schemas.arrayOf(Schemas.string(1, 64));
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("name"), "name", Schemas.string(1, MAX_NAME),
                "scopes", Schemas.arrayOf(Schemas.enumOf(new TreeSet<>(Principal.SCOPES))),
                "deviceIds", strings.copy().put("maxItems", MAX_DEVICES),
                "ttlDays", Schemas.integer(1, TenantApi.KEY_TTL_DAYS_MAX).put("default", TenantApi.KEY_TTL_DAYS_DEFAULT)),
            new JsonObject().put("name", "crm").put("scopes", new JsonArray().add("messages:send"))
                .put("deviceIds", new JsonArray().add("sales")).put("ttlDays", 90))
        .returns(201, Schemas.object().put("description", "keyId, key (shown only here), prefix, name, scopes,"
            + " deviceIds, expiresAt"))
        .errors(403, 409);
  }
}
