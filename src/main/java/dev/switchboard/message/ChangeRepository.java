package dev.switchboard.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** SQL of what changes a stored message after the fact: edits, revokes, and the votes on a poll. */
public final class ChangeRepository {

  // The edited text is merged into the content (encoded as every stored content is, see StoredText).
  private static final String EDIT = """
      UPDATE messages SET content = content || $5::text::jsonb, edited_at = COALESCE($6, now())
      WHERE client_id = $1 AND device_id = $2 AND message_id = $3 AND direction = $4 AND revoked_at IS NULL
      RETURNING message_id""";
  // A revoked message keeps its row (history shows it as revoked) and loses its content.
  private static final String REVOKE = """
      UPDATE messages SET content = '{}'::jsonb, edited_at = NULL, revoked_at = COALESCE(revoked_at, now())
      WHERE client_id = $1 AND device_id = $2 AND message_id = $3 AND direction = $4
      RETURNING message_id""";
  // A vote is the voter's whole current choice: it replaces an older one, never a newer one (a vote
  // the network delivers again after a later one changes nothing).
  private static final String VOTE = """
      INSERT INTO poll_votes (client_id, device_id, poll_message_id, voter, options, voted_at)
      VALUES ($1, $2, $3, $4, $5::text::jsonb, COALESCE($6, now()))
      ON CONFLICT (client_id, device_id, poll_message_id, voter) DO UPDATE
        SET options = EXCLUDED.options, voted_at = EXCLUDED.voted_at
        WHERE poll_votes.voted_at <= EXCLUDED.voted_at""";
  private static final String VOTES = """
      SELECT voter, options FROM poll_votes
      WHERE client_id = $1 AND device_id = $2 AND poll_message_id = $3 AND options <> '[]'::jsonb
      ORDER BY voted_at, voter""";

  private ChangeRepository() {
  }

  /** Sets a message's text to {@code text}; false when there is no such message (or it was revoked). */
  public static Future<Boolean> edit(SqlClient sql, String clientId, String deviceId, String messageId, boolean outbound,
      String text, OffsetDateTime at) {
    String content = StoredText.encode(new JsonObject().put("text", text)).encode();
    return sql.preparedQuery(EDIT).execute(Tuple.of(clientId, deviceId, messageId, direction(outbound), content, at))
        .map(rows -> rows.size() > 0);
  }

  /** Marks a message revoked and drops its content; false when there is no such message. */
  public static Future<Boolean> revoke(SqlClient sql, String clientId, String deviceId, String messageId, boolean outbound) {
    return sql.preparedQuery(REVOKE).execute(Tuple.of(clientId, deviceId, messageId, direction(outbound)))
        .map(rows -> rows.size() > 0);
  }

  /** Records {@code voter}'s whole current choice on a poll of this device. */
  public static Future<Void> vote(SqlClient sql, String clientId, String deviceId, String pollMessageId, String voter,
      JsonArray options, OffsetDateTime at) {
    return sql.preparedQuery(VOTE)
        .execute(Tuple.of(clientId, deviceId, pollMessageId, voter, StoredText.encode(options).encode(), at))
        .mapEmpty();
  }

  /** Each voter's current choice on a poll, oldest vote first: voter JID to option names. */
  public static Future<Map<String, JsonArray>> votes(SqlClient sql, String clientId, String deviceId, String pollMessageId) {
    return sql.preparedQuery(VOTES).execute(Tuple.of(clientId, deviceId, pollMessageId)).map(rows -> {
      Map<String, JsonArray> votes = new LinkedHashMap<>();
      rows.forEach(r -> votes.put(r.getString("voter"), (JsonArray) StoredText.decode(r.getValue("options"))));
      return votes;
    });
  }

  private static String direction(boolean outbound) {
    return outbound ? "outbound" : "inbound";
  }
}
