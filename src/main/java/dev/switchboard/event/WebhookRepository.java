package dev.switchboard.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SQL for a client's webhooks (the v1 {@code webhook_url} is the client's own column). */
final class WebhookRepository {

  private static final String COLUMNS = """
      webhook_id, client_id, url, events, device_ids, headers, active, secret, created_at, updated_at""";
  private static final String LIST = "SELECT " + COLUMNS + " FROM webhooks WHERE client_id = $1 ORDER BY created_at, webhook_id";
  // Counts under the client's row lock (taken by the caller), so two creations at once cannot pass the limit together.
  private static final String INSERT = """
      INSERT INTO webhooks (webhook_id, client_id, url, events, device_ids, headers, active, secret)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE (SELECT count(*) FROM webhooks WHERE client_id = $2) < $9
      RETURNING""" + " " + COLUMNS;
  private static final String UPDATE = """
      UPDATE webhooks SET url = $3, events = $4, device_ids = $5, headers = $6, active = $7, updated_at = now()
      WHERE webhook_id = $1 AND client_id = $2 RETURNING""" + " " + COLUMNS;
  private static final String SECRET = """
      UPDATE webhooks SET secret = $3, updated_at = now() WHERE webhook_id = $1 AND client_id = $2 RETURNING""" + " " + COLUMNS;
  private static final String DELETE = "DELETE FROM webhooks WHERE webhook_id = $1 AND client_id = $2";
  /** After a 410 Gone: the webhook is switched off and its other pending deliveries dead-lettered. */
  private static final String DISABLE = """
      WITH off AS (UPDATE webhooks SET active = false, updated_at = now()
                   WHERE webhook_id = $1 AND client_id = $2 AND active RETURNING client_id),
      audit AS (INSERT INTO audit_log (client_id, action, actor, details)
                SELECT client_id, 'webhook.disabled', 'system', $3::jsonb FROM off)
      UPDATE webhook_deliveries SET status = 'failed', last_error = $4, locked_by = NULL, locked_until = NULL
      WHERE client_id = $2 AND webhook_id = $1 AND status = 'pending' AND id <> $5 AND EXISTS (SELECT 1 FROM off)""";

  private WebhookRepository() {
  }

  /** The client's webhooks, oldest first. */
  static Future<List<Webhook>> list(SqlClient sql, String clientId) {
    return sql.preparedQuery(LIST).execute(Tuple.of(clientId)).map(rows -> {
      List<Webhook> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(webhook(r)));
      return out;
    });
  }

  /** Stores the webhook with this id and secret unless the client has {@code max} already; null when it has. */
  static Future<Webhook> insert(SqlClient sql, Webhook w, String webhookId, String secret, int max) {
    Tuple t = fields(Tuple.of(webhookId, w.clientId()), w).addString(secret).addInteger(max);
    return sql.preparedQuery(INSERT).execute(t).map(rows -> rows.size() == 0 ? null : webhook(rows.iterator().next()));
  }

  /** Writes the webhook's fields; null when the client has no such webhook. */
  static Future<Webhook> update(SqlClient sql, Webhook w) {
    return sql.preparedQuery(UPDATE).execute(fields(Tuple.of(w.webhookId(), w.clientId()), w))
        .map(rows -> rows.size() == 0 ? null : webhook(rows.iterator().next()));
  }

  static Future<Webhook> setSecret(SqlClient sql, String clientId, String webhookId, String secret) {
    return sql.preparedQuery(SECRET).execute(Tuple.of(webhookId, clientId, secret))
        .map(rows -> rows.size() == 0 ? null : webhook(rows.iterator().next()));
  }

  /** True when the client had this webhook. */
  static Future<Boolean> delete(SqlClient sql, String clientId, String webhookId) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(webhookId, clientId)).map(rows -> rows.rowCount() > 0);
  }

  /** Switches the webhook off after a 410 Gone ({@code answered} is the delivery that got it); rows dead-lettered. */
  static Future<Integer> disable(SqlClient sql, String clientId, String webhookId, String url, long answered) {
    return sql.preparedQuery(DISABLE).execute(Tuple.of(webhookId, clientId,
            new JsonObject().put("webhookId", webhookId).put("url", url).put("reason", "the endpoint answered 410 Gone"),
            "webhook disabled: the endpoint answered 410 Gone", answered))
        .map(rows -> rows.rowCount());
  }

  private static Tuple fields(Tuple t, Webhook w) {
    return t.addString(w.url())
        .addArrayOfString(w.events() == null ? null : w.events().toArray(String[]::new))
        .addArrayOfString(w.deviceIds() == null ? null : w.deviceIds().toArray(String[]::new))
        .addValue(new JsonObject(new LinkedHashMap<>(w.headers())))
        .addBoolean(w.active());
  }

  private static Webhook webhook(Row r) {
    String[] events = r.getArrayOfStrings("events");
    String[] devices = r.getArrayOfStrings("device_ids");
    Map<String, String> headers = new LinkedHashMap<>();
    ((JsonObject) r.getValue("headers")).forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
    return new Webhook(r.getString("webhook_id"), r.getString("client_id"), r.getString("url"),
        events == null ? null : List.of(events), devices == null ? null : List.of(devices), headers,
        r.getBoolean("active"), r.getString("secret"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }
}
