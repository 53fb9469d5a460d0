package dev.switchboard.usage;

import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The SQL of the stats and of the call log: sums of {@code usage_minutes}, and the {@code calls} the devices logged. */
final class UsageRepository {

  private static final String SUMS = """
      date_trunc($1::text, minute, 'UTC') AS t, sum(sent) AS sent, sum(delivered) AS delivered, sum(read) AS read,
      sum(failed) AS failed, sum(received) AS received, sum(webhook_delivered) AS webhook_delivered,
      sum(webhook_failed) AS webhook_failed FROM usage_minutes""";
  private static final String CLIENT = "SELECT " + SUMS
      + " WHERE client_id = $2 AND minute >= $3 AND minute < $4 GROUP BY 1 ORDER BY 1";
  private static final String ALL = "SELECT " + SUMS + " WHERE minute >= $2 AND minute < $3 GROUP BY 1 ORDER BY 1";
  private static final String CALLS = """
      SELECT call_id, device_id, caller, video, rejected, at FROM calls
      WHERE client_id = $1 AND ($2::text IS NULL OR device_id = $2)
        AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
        AND ($5::timestamptz IS NULL OR (at, call_id) < ($5, $6::text))
      ORDER BY at DESC, call_id DESC LIMIT $7""";

  /** The counts of one bucket, starting at {@code t}. */
  record Bucket(Instant t, long sent, long delivered, long read, long failed, long received, long webhookDelivered,
      long webhookFailed) {

    static Bucket empty(Instant t) {
      return new Bucket(t, 0, 0, 0, 0, 0, 0, 0);
    }

    JsonObject toJson() {
      return new JsonObject().put("t", Times.iso(t)).put("sent", sent).put("delivered", delivered).put("read", read)
          .put("failed", failed).put("received", received).put("webhookDelivered", webhookDelivered)
          .put("webhookFailed", webhookFailed);
    }
  }

  /** One call as stored: its time and id order the log. */
  record Call(String callId, String deviceId, String from, boolean video, boolean rejected, OffsetDateTime at) {

    JsonObject toJson() {
      return new JsonObject().put("callId", callId).put("deviceId", deviceId).put("from", from).put("video", video)
          .put("rejected", rejected).put("at", Times.iso(at));
    }
  }

  /** Non-empty buckets of {@code unit} (minute, hour, day) in [since, until); {@code clientId} null: every client. */
  static Future<List<Bucket>> buckets(SqlClient sql, String clientId, String unit, Instant since, Instant until) {
    OffsetDateTime from = since.atOffset(ZoneOffset.UTC);
    OffsetDateTime to = until.atOffset(ZoneOffset.UTC);
    Future<io.vertx.sqlclient.RowSet<Row>> rows = clientId == null
        ? sql.preparedQuery(ALL).execute(Tuple.of(unit, from, to))
        : sql.preparedQuery(CLIENT).execute(Tuple.of(unit, clientId, from, to));
    return rows.map(set -> {
      List<Bucket> out = new ArrayList<>(set.size());
      for (Row r : set) {
        out.add(new Bucket(r.getOffsetDateTime("t").toInstant(), r.getLong("sent"), r.getLong("delivered"),
            r.getLong("read"), r.getLong("failed"), r.getLong("received"), r.getLong("webhook_delivered"),
            r.getLong("webhook_failed")));
      }
      return out;
    });
  }

  /** Up to {@code limit} calls, newest first, older than the cursor's (time, call id) when given. */
  static Future<List<Call>> calls(SqlClient sql, String clientId, String deviceId, Instant since, Instant until,
      OffsetDateTime beforeAt, String beforeCallId, int limit) {
    return sql.preparedQuery(CALLS).execute(Tuple.tuple().addString(clientId).addString(deviceId)
            .addOffsetDateTime(utc(since)).addOffsetDateTime(utc(until)).addOffsetDateTime(beforeAt)
            .addString(beforeCallId).addInteger(limit))
        .map(set -> {
          List<Call> out = new ArrayList<>(set.size());
          for (Row r : set) {
            out.add(new Call(r.getString("call_id"), r.getString("device_id"), r.getString("caller"),
                r.getBoolean("video"), r.getBoolean("rejected"), r.getOffsetDateTime("at")));
          }
          return out;
        });
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
