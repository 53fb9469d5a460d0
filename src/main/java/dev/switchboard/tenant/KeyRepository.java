package dev.switchboard.tenant;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL for client keys: one key per client, stored as its SHA-256 and its first characters. */
final class KeyRepository {

  private static final String FIND = "SELECT client_id, key_id, expires_at FROM client_keys WHERE key_hash = $1";
  private static final String FIND_ID = "SELECT expires_at FROM client_keys WHERE key_id = $1 AND client_id = $2";
  private static final String UPSERT = """
      INSERT INTO client_keys (client_id, key_id, key_hash, prefix, expires_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (client_id) DO UPDATE SET key_id = EXCLUDED.key_id, key_hash = EXCLUDED.key_hash,
        prefix = EXCLUDED.prefix, expires_at = EXCLUDED.expires_at, created_at = now(), last_used_at = NULL""";
  private static final String DELETE = "DELETE FROM client_keys WHERE client_id = $1";
  private static final String TOUCH = """
      UPDATE client_keys SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2) WHERE key_id = $1""";

  /** A stored key: whose it is, its id (what tokens issued with it name) and until when it is valid. */
  record StoredKey(String clientId, UUID keyId, OffsetDateTime expiresAt) {
  }

  private KeyRepository() {
  }

  /** The key with this SHA-256, or null. */
  static Future<StoredKey> findByHash(SqlClient sql, byte[] hash) {
    return sql.preparedQuery(FIND).execute(Tuple.of(Buffer.buffer(hash))).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new StoredKey(row.getString("client_id"), row.getUUID("key_id"), row.getOffsetDateTime("expires_at"));
    });
  }

  /** The client's key with this id, or null when the client's key is another one (or none). */
  static Future<StoredKey> findById(SqlClient sql, String clientId, UUID keyId) {
    return sql.preparedQuery(FIND_ID).execute(Tuple.of(keyId, clientId)).map(rows -> rows.size() == 0 ? null
        : new StoredKey(clientId, keyId, rows.iterator().next().getOffsetDateTime("expires_at")));
  }

  /** Stores the client's key in place of any previous one. */
  static Future<Void> replace(SqlClient sql, String clientId, UUID keyId, byte[] hash, String prefix,
      OffsetDateTime expiresAt) {
    return sql.preparedQuery(UPSERT)
        .execute(Tuple.of(clientId, keyId, Buffer.buffer(hash), prefix, expiresAt))
        .mapEmpty();
  }

  /** True when the client had a key. */
  static Future<Boolean> delete(SqlClient sql, String clientId) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(clientId)).map(rows -> rows.rowCount() > 0);
  }

  /** Moves each key's {@code last_used_at} forward to the time given (never back), in one batch. */
  static Future<Void> touch(SqlClient sql, Map<UUID, OffsetDateTime> lastUsed) {
    List<Tuple> batch = new ArrayList<>(lastUsed.size());
    lastUsed.forEach((id, at) -> batch.add(Tuple.of(id, at)));
    return sql.preparedQuery(TOUCH).executeBatch(batch).mapEmpty();
  }
}
