package dev.switchboard.message;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The client's message log across its devices and chats: index messages_client_log, newest (highest id) first. */
final class MessageLogRepository {

  private static final String LOG = "SELECT device_id, " + MessageRepository.COLUMNS + " " + """
      FROM messages WHERE client_id = $1 AND ($2::text IS NULL OR direction = $2)
        AND ($3::text[] IS NULL OR status = ANY($3)) AND ($4::text IS NULL OR device_id = $4)
        AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
        AND ($7::bigint IS NULL OR id < $7)
      ORDER BY id DESC LIMIT $8""";

  /** What the log shows: each field null when not filtered on. */
  record Filter(String direction, String status, String deviceId, Instant since, Instant until) {

    /** The stored statuses behind a shown one: a message being sent is shown as QUEUED. */
    String[] statuses() {
      if (status == null) {
        return null;
      }
      return "QUEUED".equals(status) ? new String[] {"QUEUED", "SENDING"} : new String[] {status};
    }
  }

  static Future<List<StoredMessage>> log(SqlClient sql, String clientId, Filter f, Long beforeId, int limit) {
    Tuple args = Tuple.tuple().addString(clientId).addString(f.direction()).addArrayOfString(f.statuses())
        .addString(f.deviceId()).addOffsetDateTime(f.since() == null ? null : f.since().atOffset(ZoneOffset.UTC))
        .addOffsetDateTime(f.until() == null ? null : f.until().atOffset(ZoneOffset.UTC)).addLong(beforeId)
        .addInteger(limit);
    return sql.preparedQuery(LOG).execute(args).map(rows -> {
      List<StoredMessage> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(MessageRepository.message(r, true));
      }
      return out;
    });
  }
}
