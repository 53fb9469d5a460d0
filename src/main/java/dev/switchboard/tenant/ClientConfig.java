package dev.switchboard.tenant;

import dev.switchboard.kernel.Fields;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.outbound.UrlGuard;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A client's settings as stored: null means "the default". */
public record ClientConfig(
    String webhookUrl,
    String webhookApiKey,
    String webhookSecret,
    JsonObject events,
    Integer maxDevices,
    JsonObject callPolicy,
    Integer rateLimitPerMinute,
    Long monthlyMessageQuota) {

  public static final List<String> EVENTS = List.of("message", "message_sent", "receipt", "reaction",
      "presence_update", "group_update", "group_participants_update", "call", "device_status", "message_edited",
      "message_revoked", "poll_vote");
  public static final int DEFAULT_MAX_DEVICES = 5;
  public static final int DEFAULT_RATE_LIMIT = 600;
  static final int MAX_WEBHOOK_URL = 2048;
  static final int MAX_WEBHOOK_API_KEY = 512;
  static final int MAX_DEVICES_LIMIT = 10_000;
  static final int MAX_RATE_LIMIT = 1_000_000;
  static final int MAX_CALL_MESSAGE = 4096;
  static final long MAX_QUOTA = 1_000_000_000_000L;

  private static final Set<String> FIELDS = Set.of("webhookUrl", "webhookApiKey", "events", "maxDevices",
      "callPolicy", "rateLimitPerMinute", "monthlyMessageQuota");

  static ClientConfig fromRow(Row row) {
    return new ClientConfig(row.getString("webhook_url"), row.getString("webhook_api_key"),
        row.getString("webhook_secret"), (JsonObject) row.getValue("events"), row.getInteger("max_devices"),
        (JsonObject) row.getValue("call_policy"), row.getInteger("rate_limit_per_minute"),
        row.getLong("monthly_message_quota"));
  }

  public int effectiveMaxDevices() {
    return maxDevices == null ? DEFAULT_MAX_DEVICES : maxDevices;
  }

  public int effectiveRateLimit() {
    return rateLimitPerMinute == null ? DEFAULT_RATE_LIMIT : rateLimitPerMinute;
  }

  public boolean eventEnabled(String event) {
    return events == null || events.getBoolean(event, true);
  }

  public JsonObject effectiveCallPolicy() {
    return callPolicy == null ? new JsonObject().put("reject", false).putNull("message") : callPolicy;
  }

  /** The API's view (docs/api.md, Client config); the webhook API key itself is never shown. */
  public JsonObject toJson(String clientId) {
    JsonObject events = new JsonObject();
    for (String e : EVENTS) {
      events.put(e, eventEnabled(e));
    }
    return new JsonObject()
        .put("clientId", clientId)
        .put("webhookUrl", webhookUrl)
        .put("hasWebhookApiKey", webhookApiKey != null)
        .put("webhookSecret", webhookSecret)
        .put("events", events)
        .put("maxDevices", effectiveMaxDevices())
        .put("callPolicy", effectiveCallPolicy())
        .put("rateLimitPerMinute", effectiveRateLimit())
        .put("monthlyMessageQuota", monthlyMessageQuota);
  }

  /**
   * Applies a partial update: only the fields sent change, and {@code null} resets one to its default.
   * Fields that need the master key fail with 403 for a client key.
   */
  public ClientConfig merge(JsonObject update, boolean master, UrlGuard urls) {
    Fields.onlyFields(update, FIELDS);
    if (!master && (update.containsKey("maxDevices") || update.containsKey("rateLimitPerMinute")
        || update.containsKey("monthlyMessageQuota"))) {
      throw ApiException.forbidden("maxDevices, rateLimitPerMinute and monthlyMessageQuota need the master key");
    }
    String url = webhookUrl;
    if (update.containsKey("webhookUrl")) {
      url = Fields.string(update, "webhookUrl", false, MAX_WEBHOOK_URL);
      if (url != null) {
        urls.check("webhookUrl", url);
      }
    }
    String apiKey = update.containsKey("webhookApiKey") ? Fields.string(update, "webhookApiKey", false, MAX_WEBHOOK_API_KEY) : webhookApiKey;
    if (apiKey != null && apiKey.isEmpty()) {
      throw ApiException.validation("webhookApiKey", "webhookApiKey must not be empty; send null to remove it");
    }
    // It goes out as a header value: printable ASCII only (no control character, no 0x7F, nothing a header cannot carry).
    if (apiKey != null && !apiKey.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw ApiException.validation("webhookApiKey", "webhookApiKey must be printable ASCII (it is sent as a header)");
    }
    JsonObject newEvents = events;
    if (update.containsKey("events")) {
      JsonObject sent = Fields.object(update, "events");
      newEvents = sent == null ? null : mergeEvents(sent);
    }
    Integer max = update.containsKey("maxDevices") ? Fields.integer(update, "maxDevices", false, 0, MAX_DEVICES_LIMIT) : maxDevices;
    Integer rate = update.containsKey("rateLimitPerMinute")
        ? Fields.integer(update, "rateLimitPerMinute", false, 1, MAX_RATE_LIMIT) : rateLimitPerMinute;
    Long quota = monthlyMessageQuota;
    if (update.containsKey("monthlyMessageQuota")) {
      Object raw = update.getValue("monthlyMessageQuota");
      if (raw != null && (!(raw instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0
          || n.longValue() > MAX_QUOTA)) {
        throw ApiException.validation("monthlyMessageQuota",
            "monthlyMessageQuota must be a whole number from 0 to " + MAX_QUOTA + ", or null for no quota");
      }
      quota = raw == null ? null : ((Number) raw).longValue();
    }
    JsonObject policy = callPolicy;
    if (update.containsKey("callPolicy")) {
      JsonObject sent = Fields.object(update, "callPolicy");
      policy = sent == null ? null : callPolicy(sent);
    }
    return new ClientConfig(url, apiKey, webhookSecret, newEvents, max, policy, rate, quota);
  }

  private JsonObject mergeEvents(JsonObject sent) {
    Map<String, Object> merged = new LinkedHashMap<>();
    for (String e : EVENTS) {
      merged.put(e, eventEnabled(e));
    }
    for (String name : sent.fieldNames()) {
      if (!EVENTS.contains(name)) {
        throw ApiException.validation("events", "unknown event '" + name + "'; known: " + String.join(", ", EVENTS));
      }
      merged.put(name, Fields.bool(sent, name, true));
    }
    return new JsonObject(merged);
  }

  private static JsonObject callPolicy(JsonObject sent) {
    Fields.onlyFields(sent, Set.of("reject", "message"));
    Boolean reject = Fields.bool(sent, "reject", false);
    String message = Fields.string(sent, "message", false, MAX_CALL_MESSAGE);
    return new JsonObject().put("reject", reject != null && reject).put("message", message);
  }
}
