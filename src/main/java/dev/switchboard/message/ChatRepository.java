package dev.switchboard.message;

import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** SQL of a device's chats: built from its messages (last one, unread count) and the flags set through the gateway. */
public final class ChatRepository {

  // $5: only archived (true) or only not archived (false) chats; $6: one chat. The last message is
  // found by its id (the primary key), once per chat listed.
  private static final String CHATS = """
      WITH c AS (
        SELECT chat_id, max(id) AS last_id, max(created_at) AS last_at,
          count(*) FILTER (WHERE direction = 'inbound' AND read_at IS NULL) AS unread
        FROM messages WHERE client_id = $1 AND device_id = $2 AND status <> 'CANCELLED' AND ($6::text IS NULL OR chat_id = $6)
        GROUP BY chat_id HAVING ($3::bigint IS NULL OR max(id) < $3))
      SELECT c.chat_id, c.last_id, c.last_at, c.unread, m.message_id, m.type, m.direction, m.content, m.revoked_at,
        coalesce(f.archived, false) AS archived, coalesce(f.pinned, false) AS pinned, f.muted_until
      FROM c JOIN messages m ON m.id = c.last_id
      LEFT JOIN chat_flags f ON f.client_id = $1 AND f.device_id = $2 AND f.chat_id = c.chat_id
      WHERE ($5::boolean IS NULL OR coalesce(f.archived, false) = $5)
      ORDER BY c.last_id DESC LIMIT $4""";
  private static final String FLAGS = """
      SELECT archived, pinned, muted_until FROM chat_flags WHERE client_id = $1 AND device_id = $2 AND chat_id = $3""";
  private static final String SET = """
      INSERT INTO chat_flags (client_id, device_id, chat_id, archived, pinned, muted_until)
      VALUES ($1, $2, $3, coalesce($4, false), coalesce($5, false), $6)
      ON CONFLICT (client_id, device_id, chat_id) DO UPDATE SET
        archived = coalesce($4, chat_flags.archived), pinned = coalesce($5, chat_flags.pinned),
        muted_until = CASE WHEN $7 THEN $6 ELSE chat_flags.muted_until END""";

  private ChatRepository() {
  }

  /** Chats newest first, {@code limit + 1} at most (see Page); {@code archived} null for all. */
  public static Future<List<Chat>> chats(SqlClient sql, String clientId, String deviceId, Long beforeId, int limit,
      Boolean archived) {
    return sql.preparedQuery(CHATS).execute(Tuple.of(clientId, deviceId, beforeId, limit + 1, archived, null))
        .map(rows -> {
          List<Chat> items = new ArrayList<>(rows.size());
          rows.forEach(r -> items.add(chat(r)));
          return items;
        });
  }

  /** One chat: from its messages, or (none kept) from its flags alone; null when the gateway knows neither. */
  public static Future<Chat> chat(SqlClient sql, String clientId, String deviceId, String chatId) {
    return sql.preparedQuery(CHATS).execute(Tuple.of(clientId, deviceId, null, 1, null, chatId)).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture(chat(rows.iterator().next()));
      }
      return sql.preparedQuery(FLAGS).execute(Tuple.of(clientId, deviceId, chatId)).map(flags -> {
        if (flags.size() == 0) {
          return null;
        }
        Row f = flags.iterator().next();
        return new Chat(chatId, 0, null, 0, null, f.getBoolean("archived"), f.getBoolean("pinned"),
            f.getOffsetDateTime("muted_until"));
      });
    });
  }

  /** Sets the flags given (null: unchanged); {@code setMute} says whether {@code mutedUntil} is given (null unmutes). */
  public static Future<Void> set(SqlClient sql, String clientId, String deviceId, String chatId, Boolean archived,
      Boolean pinned, boolean setMute, OffsetDateTime mutedUntil) {
    return sql.preparedQuery(SET).execute(Tuple.of(clientId, deviceId, chatId, archived, pinned, mutedUntil, setMute))
        .mapEmpty();
  }

  private static Chat chat(Row r) {
    JsonObject content = (JsonObject) StoredText.decode(r.getValue("content"));
    JsonObject last = new JsonObject().put("messageId", r.getString("message_id")).put("type", r.getString("type"))
        .put("fromMe", "outbound".equals(r.getString("direction"))).put("at", Times.iso(r.getOffsetDateTime("last_at")));
    if (r.getOffsetDateTime("revoked_at") != null) {
      last.put("revoked", true);
    } else if (content != null) {
      String text = content.getString("text", content.getString("caption", content.getString("question")));
      if (text != null) {
        last.put("text", text);
      }
    }
    return new Chat(r.getString("chat_id"), r.getLong("unread"), r.getOffsetDateTime("last_at"), r.getLong("last_id"), last,
        r.getBoolean("archived"), r.getBoolean("pinned"), r.getOffsetDateTime("muted_until"));
  }
}
