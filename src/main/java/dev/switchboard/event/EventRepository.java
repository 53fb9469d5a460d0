package dev.switchboard.event;

import dev.switchboard.store.UsageRollup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SQL for events and webhook deliveries. Batches travel as arrays ({@code unnest}), one statement each. */
final class EventRepository {

  /**
   * Events and their deliveries in one statement, hence one transaction (only events of clients with a
   * webhook are stored): one delivery per event and webhook it goes to, from the pairs of $8 and $9
   * (a null webhook id is the client's v1 webhookUrl). With a token the deliveries are born claimed by
   * this node's dispatcher, which saves it a claim round trip.
   */
  private static final String INSERT = """
      WITH e AS (
        INSERT INTO events (id, client_id, device_id, event, payload)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
        ON CONFLICT (id) DO NOTHING
        RETURNING id, client_id, device_id, event
      )
      INSERT INTO webhook_deliveries (event_id, client_id, device_id, event, webhook_id, locked_by, locked_until)
      SELECT e.id, e.client_id, e.device_id, e.event, t.webhook_id, $6::text,
        CASE WHEN $6::text IS NULL THEN NULL ELSE now() + $7::int * interval '1 second' END
      FROM e JOIN unnest($8::text[], $9::text[]) AS t(event_id, webhook_id) ON t.event_id = e.id
      RETURNING id, event_id, webhook_id""";
  private static final String CLAIM = """
      UPDATE webhook_deliveries d SET locked_by = $1, locked_until = now() + $2::int * interval '1 second'
      FROM (SELECT id FROM webhook_deliveries
            WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until <= now())
              AND client_id || '/' || coalesce(webhook_id, '') <> ALL($3::text[])
            ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) c, events e
      WHERE d.id = c.id AND e.id = d.event_id
      RETURNING d.id, d.event_id, d.client_id, d.device_id, d.event, d.webhook_id, d.attempts,
        extract(epoch from d.locked_until - now()) * 1000 AS lease_ms, e.payload""";
  /** Outcome per row: delivered, failed (final) or retry; a retry past the 24 h window is dead-lettered. */
  // The statement counts the rows it delivered and dead-lettered, per client, for usage_minutes.
  private static final String COMPLETE = """
      WITH done AS (UPDATE webhook_deliveries d SET
        status = CASE WHEN u.outcome = 'retry' AND now() >= d.retry_from + $2::int * interval '1 second' THEN 'failed'
                      WHEN u.outcome = 'retry' THEN 'pending' ELSE u.outcome END,
        attempts = d.attempts + 1,
        next_attempt_at = CASE WHEN u.outcome = 'retry' THEN now() + u.delay_ms * interval '1 millisecond'
                          ELSE d.next_attempt_at END,
        url = u.url, last_status_code = u.code, last_error = u.error, last_attempt_at = now(),
        delivered_at = CASE WHEN u.outcome = 'delivered' THEN now() ELSE d.delivered_at END,
        locked_by = NULL, locked_until = NULL
      FROM unnest($1::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::int[], $8::text[])
        AS u(id, token, outcome, delay_ms, url, code, error)
      WHERE d.id = u.id AND d.locked_by = u.token RETURNING d.client_id, d.status)
      """ + UsageRollup.select("done", "webhook_delivered", "count(*) FILTER (WHERE status = 'delivered')",
          "webhook_failed", "count(*) FILTER (WHERE status = 'failed')");
  private static final String RELEASE = """
      UPDATE webhook_deliveries d SET locked_by = NULL, locked_until = NULL
      FROM unnest($1::bigint[], $2::text[]) AS u(id, token) WHERE d.id = u.id AND d.locked_by = u.token""";
  private static final String RELEASE_NODE = """
      UPDATE webhook_deliveries SET locked_by = NULL, locked_until = NULL
      WHERE status = 'pending' AND locked_by IS NOT NULL AND left(locked_by, length($1)) = $1""";
  private static final String DISABLE_WEBHOOK = """
      WITH off AS (UPDATE clients SET webhook_url = NULL WHERE client_id = $1 AND webhook_url = $2 RETURNING client_id),
      audit AS (INSERT INTO audit_log (client_id, action, actor, details)
                SELECT client_id, 'webhook.disabled', 'system', $3::jsonb FROM off)
      UPDATE webhook_deliveries SET status = 'failed', last_error = $4, locked_by = NULL, locked_until = NULL
      WHERE client_id = $1 AND webhook_id IS NULL AND status = 'pending' AND id <> $5 AND EXISTS (SELECT 1 FROM off)""";
  private static final String COLUMNS = """
      id, event_id, webhook_id, device_id, event, status, attempts, next_attempt_at, url, last_status_code, last_error,
      last_attempt_at, delivered_at, created_at""";
  private static final String LIST = "SELECT " + COLUMNS + """
       FROM webhook_deliveries
      WHERE client_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR id < $3)
        AND ($5::text IS NULL OR webhook_id = $5)
      ORDER BY id DESC LIMIT $4""";
  private static final String RETRY = """
      UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), retry_from = now()
      WHERE id = $1 AND client_id = $2 RETURNING""" + " " + COLUMNS;
  private static final String PURGE = """
      DELETE FROM events WHERE id IN (
        SELECT id FROM events e WHERE created_at < now() - $1::int * interval '1 day'
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries w WHERE w.event_id = e.id AND w.status = 'pending')
        LIMIT $2)""";

  /** A delivery claimed by this node, with the envelope text to post; {@code webhookId} null for the v1 webhookUrl. */
  record Delivery(long id, String eventId, String clientId, String deviceId, String event, String webhookId,
      int attempts, String token, long leaseEndsAtMs, String payload) {

    /** The endpoint it goes to, as the dispatcher paces them: the client and which of its webhooks. */
    String endpoint() {
      return endpoint(clientId, webhookId);
    }

    static String endpoint(String clientId, String webhookId) {
      return clientId + "/" + (webhookId == null ? "" : webhookId);
    }
  }

  /** What became of one attempt. {@code outcome} is delivered, failed or retry. */
  record Outcome(long id, String token, String outcome, Long delayMs, String url, Integer statusCode, String error) {
  }

  /** One event to store for the webhooks it goes to ({@code webhooks}: their ids, null for the v1 webhookUrl). */
  record NewEvent(String id, String clientId, String deviceId, String event, String payload, List<String> webhooks) {
  }

  private EventRepository() {
  }

  /**
   * Stores the events, each with its webhook delivery, claimed with {@code token} (unclaimed when token
   * is null); the deliveries made. An event whose id is stored already is skipped (a redelivery).
   */
  static Future<List<Delivery>> insert(SqlClient sql, List<NewEvent> events, String token, int leaseSeconds) {
    int n = events.size();
    String[] ids = new String[n];
    String[] clients = new String[n];
    String[] devices = new String[n];
    String[] names = new String[n];
    String[] payloads = new String[n];
    List<String> targetEvents = new ArrayList<>(n);
    List<String> targetWebhooks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NewEvent e = events.get(i);
      ids[i] = e.id();
      clients[i] = e.clientId();
      devices[i] = e.deviceId();
      names[i] = e.event();
      payloads[i] = e.payload();
      for (String webhook : e.webhooks()) {
        targetEvents.add(e.id());
        targetWebhooks.add(webhook);
      }
    }
    Tuple t = Tuple.tuple().addValue(ids).addValue(clients).addValue(devices).addValue(names).addValue(payloads)
        .addValue(token).addValue(leaseSeconds).addValue(targetEvents.toArray(String[]::new))
        .addValue(targetWebhooks.toArray(String[]::new));
    long leaseEnds = System.currentTimeMillis() + leaseSeconds * 1000L;
    return sql.preparedQuery(INSERT).execute(t).map(rows -> {
      Map<String, NewEvent> byId = new HashMap<>();
      events.forEach(e -> byId.put(e.id(), e));
      List<Delivery> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        NewEvent e = byId.get(r.getString("event_id"));
        out.add(new Delivery(r.getLong("id"), e.id(), e.clientId(), e.deviceId(), e.event(), r.getString("webhook_id"), 0,
            token, leaseEnds, e.payload()));
      }
      out.sort((a, b) -> Long.compare(a.id(), b.id()));
      return out;
    });
  }

  /** Claims due deliveries, none of the endpoints ({@link Delivery#endpoint}) in {@code excluded}. */
  static Future<List<Delivery>> claim(SqlClient sql, String token, int leaseSeconds, List<String> excluded, int limit) {
    long now = System.currentTimeMillis();
    Tuple t = Tuple.tuple().addValue(token).addValue(leaseSeconds)
        .addValue(excluded.toArray(new String[0])).addValue(limit);
    return sql.preparedQuery(CLAIM).execute(t).map(rows -> {
      List<Delivery> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Delivery(r.getLong("id"), r.getString("event_id"), r.getString("client_id"),
            r.getString("device_id"), r.getString("event"), r.getString("webhook_id"), r.getInteger("attempts"), token,
            now + r.getNumeric("lease_ms").longValue(), r.getString("payload")));
      }
      out.sort((a, b) -> Long.compare(a.id(), b.id()));
      return out;
    });
  }

  static Future<Void> complete(SqlClient sql, List<Outcome> outcomes, int retryWindowSeconds, UsageRollup usage) {
    int n = outcomes.size();
    Long[] ids = new Long[n];
    String[] tokens = new String[n];
    String[] kinds = new String[n];
    Long[] delays = new Long[n];
    String[] urls = new String[n];
    Integer[] codes = new Integer[n];
    String[] errors = new String[n];
    for (int i = 0; i < n; i++) {
      Outcome o = outcomes.get(i);
      ids[i] = o.id();
      tokens[i] = o.token();
      kinds[i] = o.outcome();
      delays[i] = o.delayMs();
      urls[i] = o.url();
      codes[i] = o.statusCode();
      errors[i] = o.error();
    }
    Tuple t = Tuple.tuple().addValue(ids).addValue(retryWindowSeconds).addValue(tokens).addValue(kinds)
        .addValue(delays).addValue(urls).addValue(codes).addValue(errors);
    return sql.preparedQuery(COMPLETE).execute(t).map(counts -> {
      usage.add(counts);
      return null;
    });
  }

  static Future<Void> release(SqlClient sql, List<Delivery> deliveries) {
    Long[] ids = deliveries.stream().map(Delivery::id).toArray(Long[]::new);
    String[] tokens = deliveries.stream().map(Delivery::token).toArray(String[]::new);
    return sql.preparedQuery(RELEASE).execute(Tuple.tuple().addValue(ids).addValue(tokens)).mapEmpty();
  }

  /** Frees the claims a previous run of this node left behind (a node name is unique among live nodes). */
  static Future<Integer> releaseNode(SqlClient sql, String tokenPrefix) {
    return sql.preparedQuery(RELEASE_NODE).execute(Tuple.of(tokenPrefix)).map(rows -> rows.rowCount());
  }

  /**
   * After a 410 Gone: the client's v1 webhook is switched off and its other pending deliveries dead-lettered
   * ({@code answered}, the one that got the 410, is recorded through its own outcome).
   */
  static Future<Integer> disableWebhook(SqlClient sql, String clientId, String url, long answered) {
    return sql.preparedQuery(DISABLE_WEBHOOK)
        .execute(Tuple.of(clientId, url, new JsonObject().put("url", url).put("reason", "the endpoint answered 410 Gone"),
            "webhook disabled: the endpoint answered 410 Gone", answered))
        .map(rows -> rows.rowCount());
  }

  /**
   * The client's deliveries, newest first: those with an id below {@code before} when it is given, of
   * one webhook when {@code webhookId} is given, at most {@code limit}.
   */
  static Future<List<WebhookDelivery>> list(SqlClient sql, String clientId, String status, String webhookId, Long before,
      int limit) {
    return sql.preparedQuery(LIST).execute(Tuple.of(clientId, status, before, limit, webhookId)).map(rows -> {
      List<WebhookDelivery> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(delivery(r));
      }
      return out;
    });
  }

  /** The delivery made due now, with a fresh retry window; null when the client has no such delivery. */
  static Future<WebhookDelivery> retry(SqlClient sql, String clientId, long id) {
    return sql.preparedQuery(RETRY).execute(Tuple.of(id, clientId))
        .map(rows -> rows.size() == 0 ? null : delivery(rows.iterator().next()));
  }

  /**
   * Deletes the events older than {@code retentionDays} that no pending delivery needs, and their
   * deliveries (the trigger of V10), {@code batch} events per statement until none is left; how many.
   * Batches keep each transaction's locks and write-ahead log small next to the live traffic.
   */
  static Future<Integer> purge(SqlClient sql, int retentionDays, int batch) {
    return purge(sql, retentionDays, batch, 0);
  }

  private static Future<Integer> purge(SqlClient sql, int retentionDays, int batch, int done) {
    return sql.preparedQuery(PURGE).execute(Tuple.of(retentionDays, batch)).compose(rows -> rows.rowCount() < batch
        ? Future.succeededFuture(done + rows.rowCount())
        : purge(sql, retentionDays, batch, done + rows.rowCount()));
  }

  private static WebhookDelivery delivery(Row r) {
    return new WebhookDelivery(r.getLong("id"), r.getString("event_id"), r.getString("webhook_id"), r.getString("event"),
        r.getString("device_id"), r.getString("status"), r.getInteger("attempts"), r.getOffsetDateTime("next_attempt_at"), r.getString("url"),
        r.getInteger("last_status_code"), r.getString("last_error"), r.getOffsetDateTime("last_attempt_at"),
        r.getOffsetDateTime("delivered_at"), r.getOffsetDateTime("created_at"));
  }
}
