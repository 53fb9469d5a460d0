package dev.switchboard.event;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Fields;
import dev.switchboard.kernel.Ids;
import dev.switchboard.kernel.Times;
import dev.switchboard.outbound.UrlGuard;
import dev.switchboard.tenant.ClientConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One of a client's webhooks: where it posts, which events and devices it takes (null for all), the
 * headers it adds, whether it is active, and the secret that signs its posts. Its fields are checked
 * here, for a creation ({@link #create}) and a partial update ({@link #merge}).
 */
public record Webhook(String webhookId, String clientId, String url, List<String> events, List<String> deviceIds,
    Map<String, String> headers, boolean active, String secret, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  /** Webhooks per client, besides its v1 {@code webhookUrl}. */
  public static final int MAX_PER_CLIENT = 10;
  static final int MAX_URL = 2048;
  static final int MAX_DEVICES = 100;
  static final int MAX_HEADERS = 20;
  static final int MAX_HEADER_NAME = 64;
  static final int MAX_HEADER_VALUE = 1024;
  static final Set<String> FIELDS = Set.of("url", "events", "deviceIds", "headers", "active");
  /** Header names the gateway sets on every post itself; {@code webhook-*} too. */
  static final Set<String> RESERVED_HEADERS = Set.of("content-type", "host", "content-length");
  /** An HTTP token (RFC 9110). */
  private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$");

  /** Whether the event goes to this webhook (the client's config has let it through already). */
  boolean takes(String event, String deviceId) {
    return active && (events == null || events.contains(event)) && (deviceIds == null || deviceIds.contains(deviceId));
  }

  /** The API's view; the secret only when {@code withSecret} (at its creation and rotation). */
  JsonObject toJson(boolean withSecret) {
    JsonObject json = new JsonObject().put("webhookId", webhookId).put("url", url)
        .put("events", events == null ? null : new JsonArray(events))
        .put("deviceIds", deviceIds == null ? null : new JsonArray(deviceIds))
        .put("headers", new JsonObject(new LinkedHashMap<>(headers))).put("active", active)
        .put("createdAt", Times.iso(createdAt)).put("updatedAt", Times.iso(updatedAt));
    return withSecret ? json.put("secret", secret) : json;
  }

  /** A new webhook from a creation body (id, secret and times are the repository's). */
  static Webhook create(String clientId, JsonObject body, UrlGuard urls) {
    Fields.onlyFields(body, FIELDS);
    Boolean active = Fields.bool(body, "active", false);
    return new Webhook(null, clientId, url(body, urls), events(body), deviceIds(body), headers(body),
        active == null || active, null, null, null);
  }

  /** This webhook with the fields sent changed; {@code null} resets events, deviceIds and headers to all / none. */
  Webhook merge(JsonObject update, UrlGuard urls) {
    Fields.onlyFields(update, FIELDS);
    String newUrl = update.containsKey("url") ? url(update, urls) : url;
    List<String> newEvents = update.containsKey("events") ? events(update) : events;
    List<String> newDevices = update.containsKey("deviceIds") ? deviceIds(update) : deviceIds;
    Map<String, String> newHeaders = update.containsKey("headers") ? headers(update) : headers;
    boolean newActive = update.containsKey("active") ? Fields.bool(update, "active", true) : active;
    return new Webhook(webhookId, clientId, newUrl, newEvents, newDevices, newHeaders, newActive, secret, createdAt,
        updatedAt);
  }

  private static String url(JsonObject body, UrlGuard urls) {
    String url = Fields.string(body, "url", true, MAX_URL);
    urls.check("url", url);
    return url;
  }

  private static List<String> events(JsonObject body) {
    List<String> events = strings(body, "events", ClientConfig.EVENTS.size());
    if (events != null) {
      for (String e : events) {
        if (!ClientConfig.EVENTS.contains(e)) {
          throw ApiException.validation("events", "unknown event '" + e + "'; known: " + String.join(", ", ClientConfig.EVENTS));
        }
      }
    }
    return events;
  }

  private static List<String> deviceIds(JsonObject body) {
    List<String> ids = strings(body, "deviceIds", MAX_DEVICES);
    if (ids != null) {
      ids.forEach(id -> Ids.require("deviceIds", id));
    }
    return ids;
  }


  /** A non-empty list of distinct strings, at most {@code max}, or null when absent or null (every one). */
  private static List<String> strings(JsonObject body, String field, int max) {
    List<String> given = Fields.strings(body, field, max);
    if (given != null && given.isEmpty()) {
      throw ApiException.validation(field, field + " holds 1 to " + max + " entries (leave it out or send null for all)");
    }
    return given;
  }

  private static Map<String, String> headers(JsonObject body) {
    JsonObject given = Fields.object(body, "headers");
    Map<String, String> out = new LinkedHashMap<>();
    if (given == null) {
      return out;
    }
    if (given.size() > MAX_HEADERS) {
      throw ApiException.validation("headers", "headers holds at most " + MAX_HEADERS + " entries");
    }
    for (String name : given.fieldNames()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (name.length() > MAX_HEADER_NAME || !HEADER_NAME.matcher(name).matches()) {
        throw ApiException.validation("headers", "header name '" + abbreviate(name) + "' is not a valid HTTP header name");
      }
      if (lower.startsWith("webhook-") || RESERVED_HEADERS.contains(lower)) {
        throw ApiException.validation("headers", "the gateway sets '" + name + "' itself; it cannot be a custom header");
      }
      if (!(given.getValue(name) instanceof String value) || value.length() > MAX_HEADER_VALUE
          || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw ApiException.validation("headers", "header '" + name + "' must be printable ASCII text of at most "
            + MAX_HEADER_VALUE + " characters");
      }
      out.put(lower, (String) given.getValue(name));
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
