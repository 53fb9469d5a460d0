package dev.switchboard.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The call log's writes: one row per call a device saw; a call the network delivers again is kept once. */
final class CallRepository {

  private static final String INSERT = """
      INSERT INTO calls (client_id, device_id, call_id, caller, video, rejected, at)
      VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, now()))
      ON CONFLICT (client_id, device_id, call_id) DO UPDATE SET rejected = calls.rejected OR EXCLUDED.rejected""";

  private CallRepository() {
  }

  static Future<Void> insert(SqlClient sql, String clientId, String deviceId, JsonObject call) {
    String callId = call.getString("callId");
    if (callId == null) {
      return Future.succeededFuture();
    }
    return sql.preparedQuery(INSERT).execute(Tuple.tuple().addString(clientId).addString(deviceId).addString(callId)
        .addString(call.getString("from")).addBoolean(call.getBoolean("video", false))
        .addBoolean(call.getBoolean("rejected", false)).addOffsetDateTime(time(call.getString("timestamp"))))
        .mapEmpty();
  }

  private static OffsetDateTime time(String iso) {
    try {
      return iso == null ? null : Instant.parse(iso).atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
