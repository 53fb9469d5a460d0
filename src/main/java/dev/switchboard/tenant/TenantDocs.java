package dev.switchboard.tenant;

import static dev.switchboard.tenant.ClientConfig.*;

import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the OpenAPI document says about the client, key, config and token routes. */
final class TenantDocs {

  private TenantDocs() {
  }

  static RouteDoc token() {
    return RouteDoc.of()
        .body(false, Schemas.object(List.of(), "ttlSeconds", Schemas.integer(TenantApi.TOKEN_TTL_MIN, TenantApi.TOKEN_TTL_MAX)
                .put("default", TenantApi.TOKEN_TTL_DEFAULT)),
            new JsonObject().put("ttlSeconds", 3600))
        .returns(201, Schemas.object().put("description", "token (a JWT for Authorization: Bearer), expiresAt"));
  }

  static RouteDoc create() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("clientId"), "clientId", Schemas.id(), "name", Schemas.string(TenantApi.MAX_NAME)),
            new JsonObject().put("clientId", "acme").put("name", "Acme Ltd"))
        .returns(201, Schemas.object().put("description", "the client"))
        .errors(409);
  }

  static RouteDoc list() {
    return RouteDoc.of().paged().returns(200, Schemas.page(Schemas.object().put("description", "a client")));
  }

  static RouteDoc key() {
    return RouteDoc.of()
        .body(false, Schemas.object(List.of(), "ttlDays", Schemas.integer(1, TenantApi.KEY_TTL_DAYS_MAX)
                .put("default", TenantApi.KEY_TTL_DAYS_DEFAULT)),
            new JsonObject().put("ttlDays", 30))
        .returns(201, Schemas.object().put("description", "apiKey (shown once), expiresAt"));
  }

  static RouteDoc config() {
    JsonObject events = Schemas.object(List.of());
    JsonObject eventProps = new JsonObject();
    for (String e : EVENTS) {
      eventProps.put(e, Schemas.bool());
    }
    events.put("properties", eventProps).put("additionalProperties", false);
    return RouteDoc.of()
        .body(true, Schemas.object(List.of(),
                "webhookUrl", Schemas.nullable(Schemas.string(MAX_WEBHOOK_URL).put("format", "uri")),
                "webhookApiKey", Schemas.nullable(Schemas.string(1, MAX_WEBHOOK_API_KEY)
                    .put("description", "printable ASCII, sent as the webhook's x-api-key")),
                "events", Schemas.nullable(events),
                "maxDevices", Schemas.nullable(Schemas.integer(0, MAX_DEVICES_LIMIT)
                    .put("description", "master key only")),
                "callPolicy", Schemas.nullable(Schemas.object(List.of(), "reject", Schemas.bool(),
                    "message", Schemas.nullable(Schemas.string(MAX_CALL_MESSAGE)))),
                "rateLimitPerMinute", Schemas.nullable(Schemas.integer(1, MAX_RATE_LIMIT)
                    .put("description", "master key only"))),
            new JsonObject().put("webhookUrl", "https://example.com/hooks/whatsapp")
                .put("events", new JsonObject().put("presence_update", false)))
        .returns(200, Schemas.object().put("description", "the config as it is now"));
  }

  static RouteDoc emptyBody() {
    return RouteDoc.of().body(false, Schemas.object(List.of()), new JsonObject());
  }

  static RouteDoc audit() {
    return RouteDoc.of().paged().returns(200, Schemas.page(Schemas.object().put("description", "an audit entry")));
  }
}
