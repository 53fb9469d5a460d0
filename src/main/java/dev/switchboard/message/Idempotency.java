package dev.switchboard.message;

import dev.switchboard.kernel.Digests;
import dev.switchboard.kernel.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;

/**
 * {@code Idempotency-Key} of docs/api.md: the same key with the same request returns the first answer
 * and sends nothing new; with another request it is 409 {@code IDEMPOTENCY_CONFLICT}. Keys live
 * 24 h per client, in PostgreSQL so every node sees them.
 */
public final class Idempotency {

  static final int TTL_HOURS = 24;
  static final int MAX_KEY = 255;
  private static final String FIND = """
      SELECT request_hash, status_code, response FROM idempotency_keys
      WHERE client_id = $1 AND key = $2 AND created_at > now() - make_interval(hours => $3)""";
  // An expired row is taken over; a live one is left alone (RETURNING is then empty).
  private static final String CLAIM = """
      INSERT INTO idempotency_keys (client_id, key, request_hash, status_code, response) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (client_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status_code = EXCLUDED.status_code,
        response = EXCLUDED.response, created_at = now()
      WHERE idempotency_keys.created_at <= now() - make_interval(hours => $6)
      RETURNING key""";
  private static final String PURGE = """
      DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(hours => $1)""";

  private Idempotency() {
  }

  /** A stored answer. */
  /** A send's answer; {@code headers} go with it but are not kept for a replay (the quota's, which change). */
  public record Answer(int status, JsonObject data, java.util.Map<String, String> headers) {

    public Answer(int status, JsonObject data) {
      this(status, data, java.util.Map.of());
    }

    public Answer withHeaders(java.util.Map<String, String> more) {
      return new Answer(status, data, more);
    }
  }

  /** The header's value checked: 1..255 visible ASCII characters. */
  public static String key(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty() || raw.length() > MAX_KEY || !raw.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw ApiException.validation("Idempotency-Key", "Idempotency-Key must be 1 to " + MAX_KEY + " visible ASCII characters");
    }
    return raw;
  }

  /** What identifies "the same request": the route's own parts and the body. */
  public static byte[] hash(String... parts) {
    return Digests.sha256(parts);
  }


  /** The first answer to this key, or null when the key is new (or expired); 409 when it was used for another request. */
  public static Future<Answer> replay(SqlClient sql, String clientId, String key, byte[] hash) {
    return sql.preparedQuery(FIND).execute(Tuple.of(clientId, key, TTL_HOURS)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      var r = rows.iterator().next();
      if (!MessageDigest.isEqual(r.getBuffer("request_hash").getBytes(), hash)) {
        throw ApiException.conflict("IDEMPOTENCY_CONFLICT",
            "this Idempotency-Key was used for a different request in the last " + TTL_HOURS + " h");
      }
      return new Answer(r.getInteger("status_code"), (JsonObject) r.getValue("response"));
    });
  }

  /** Records the answer in the caller's transaction; false when another request holds the key. */
  public static Future<Boolean> record(SqlClient sql, String clientId, String key, byte[] hash, Answer answer) {
    return sql.preparedQuery(CLAIM)
        .execute(Tuple.of(clientId, key, Buffer.buffer(hash), answer.status(), answer.data(), TTL_HOURS))
        .map(rows -> rows.size() == 1);
  }

  public static Future<Integer> purge(SqlClient sql) {
    return sql.preparedQuery(PURGE).execute(Tuple.of(TTL_HOURS)).map(r -> r.rowCount());
  }
}
