package dev.switchboard.http;

import io.vertx.core.http.HttpMethod;
import java.util.regex.Pattern;

/**
 * The scope each client route needs, from its method and path: one table for every route, applied
 * when the route is declared and shown in the OpenAPI document. A key without the scope gets 403
 * with {@code details.requiredScope}; {@code *} holds every scope. The client's own record needs no
 * scope; a route this table does not name (the main key's rotation, the audit log) needs {@code *}.
 */
public final class Scopes {

  static final String CLIENT = "/api/clients/:clientId";
  private static final Pattern MESSAGING = Pattern.compile("/devices/:deviceId/(messages|chats|media)(/.*)?");

  private Scopes() {
  }

  /** The scope a route needs ("" for none), or null when it is not a client route. */
  public static String of(HttpMethod method, String path) {
    if (!path.startsWith(CLIENT)) {
      return null;
    }
    String rest = path.substring(CLIENT.length());
    boolean read = method == HttpMethod.GET;
    if (rest.isEmpty() || rest.startsWith("/usage")) {
      return read ? "" : "*";
    }
    if (rest.startsWith("/keys")) {
      return "keys:manage";
    }
    if (rest.startsWith("/config") || rest.startsWith("/webhook-secret") || rest.startsWith("/webhooks")) {
      return "config:write";
    }
    if (rest.startsWith("/webhook-deliveries")) {
      return "events:read";
    }
    if (MESSAGING.matcher(rest).matches() || rest.endsWith("/presence")) {
      return read ? "messages:read" : "messages:send";
    }
    if (rest.startsWith("/devices")) {
      return read ? "devices:read" : "devices:manage";
    }
    if (rest.startsWith("/scheduled") || rest.startsWith("/messages") || rest.startsWith("/stats")
        || rest.startsWith("/calls")) {
      return read ? "messages:read" : "messages:send";
    }
    return "*";
  }
}
