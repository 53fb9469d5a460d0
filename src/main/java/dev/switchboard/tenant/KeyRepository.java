package dev.switchboard.tenant;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SQL for client keys, stored as their SHA-256 and their first characters. A client has at most one
 * main key (the v1 key, every scope) and named keys with scopes and, optionally, a list of devices.
 */
final class KeyRepository {

  private static final String COLUMNS = "client_id, key_id, main, name, prefix, scopes, device_ids, created_at, expires_at, last_used_at";
  private static final String FIND = "SELECT " + COLUMNS + " FROM client_keys WHERE key_hash = $1";
  private static final String FIND_ID = "SELECT " + COLUMNS + " FROM client_keys WHERE key_id = $1 AND client_id = $2";
  private static final String LIST = "SELECT " + COLUMNS + " FROM client_keys WHERE client_id = $1 ORDER BY created_at, key_id";
  private static final String UPSERT_MAIN = """
      INSERT INTO client_keys (client_id, key_id, key_hash, prefix, expires_at, main) VALUES ($1, $2, $3, $4, $5, true)
      ON CONFLICT (client_id) WHERE main DO UPDATE SET key_id = EXCLUDED.key_id, key_hash = EXCLUDED.key_hash,
        prefix = EXCLUDED.prefix, expires_at = EXCLUDED.expires_at, created_at = now(), last_used_at = NULL""";
  // Counts under the client's row lock, so two creations at once cannot pass the limit together.
  private static final String INSERT_NAMED = """
      WITH locked AS (SELECT client_id FROM clients WHERE client_id = $1 FOR UPDATE),
           counted AS (SELECT count(*) AS n FROM client_keys WHERE client_id = $1)
      INSERT INTO client_keys (client_id, key_id, key_hash, prefix, expires_at, name, scopes, device_ids)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM locked, counted WHERE counted.n < $9
      RETURNING created_at""";
  private static final String DELETE_MAIN = "DELETE FROM client_keys WHERE client_id = $1 AND main";
  private static final String DELETE_ONE = "DELETE FROM client_keys WHERE client_id = $1 AND key_id = $2";
  private static final String TOUCH = """
      UPDATE client_keys SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2) WHERE key_id = $1""";

  /** A stored key: whose it is, its id (what tokens issued with it name), what it may do and until when. */
  record StoredKey(String clientId, UUID keyId, boolean main, String name, String prefix, Set<String> scopes,
      Set<String> deviceIds, OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime lastUsedAt) {
  }

  private KeyRepository() {
  }

  /** The key with this SHA-256, or null. */
  static Future<StoredKey> findByHash(SqlClient sql, byte[] hash) {
    return sql.preparedQuery(FIND).execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> rows.size() == 0 ? null : key(rows.iterator().next()));
  }

  /** The client's key with this id, or null. */
  static Future<StoredKey> findById(SqlClient sql, String clientId, UUID keyId) {
    return sql.preparedQuery(FIND_ID).execute(Tuple.of(keyId, clientId))
        .map(rows -> rows.size() == 0 ? null : key(rows.iterator().next()));
  }

  /** Every key of the client, oldest first. */
  static Future<List<StoredKey>> list(SqlClient sql, String clientId) {
    return sql.preparedQuery(LIST).execute(Tuple.of(clientId)).map(rows -> {
      List<StoredKey> keys = new ArrayList<>(rows.size());
      rows.forEach(r -> keys.add(key(r)));
      return keys;
    });
  }

  /** Stores the client's main key in place of any previous one. */
  static Future<Void> replaceMain(SqlClient sql, String clientId, UUID keyId, byte[] hash, String prefix,
      OffsetDateTime expiresAt) {
    return sql.preparedQuery(UPSERT_MAIN)
        .execute(Tuple.of(clientId, keyId, Buffer.buffer(hash), prefix, expiresAt))
        .mapEmpty();
  }

  /** Stores a named key unless the client already has {@code max} keys; its creation time, or null when it has. */
  static Future<OffsetDateTime> insertNamed(SqlClient sql, String clientId, UUID keyId, byte[] hash, String prefix,
      OffsetDateTime expiresAt, String name, List<String> scopes, List<String> deviceIds, int max) {
    return sql.preparedQuery(INSERT_NAMED)
        .execute(Tuple.tuple().addString(clientId).addUUID(keyId).addBuffer(Buffer.buffer(hash)).addString(prefix)
            .addOffsetDateTime(expiresAt).addString(name).addArrayOfString(scopes.toArray(String[]::new))
            .addArrayOfString(deviceIds == null ? null : deviceIds.toArray(String[]::new)).addInteger(max))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime("created_at"));
  }

  /** True when the client had a main key. */
  static Future<Boolean> deleteMain(SqlClient sql, String clientId) {
    return sql.preparedQuery(DELETE_MAIN).execute(Tuple.of(clientId)).map(rows -> rows.rowCount() > 0);
  }

  /** True when the client had this key. */
  static Future<Boolean> delete(SqlClient sql, String clientId, UUID keyId) {
    return sql.preparedQuery(DELETE_ONE).execute(Tuple.of(clientId, keyId)).map(rows -> rows.rowCount() > 0);
  }

  /** Moves each key's {@code last_used_at} forward to the time given (never back), in one batch. */
  static Future<Void> touch(SqlClient sql, Map<UUID, OffsetDateTime> lastUsed) {
    List<Tuple> batch = new ArrayList<>(lastUsed.size());
    lastUsed.forEach((id, at) -> batch.add(Tuple.of(id, at)));
    return sql.preparedQuery(TOUCH).executeBatch(batch).mapEmpty();
  }

  private static StoredKey key(Row r) {
    String[] devices = r.getArrayOfStrings("device_ids");
    return new StoredKey(r.getString("client_id"), r.getUUID("key_id"), r.getBoolean("main"), r.getString("name"),
        r.getString("prefix"), Set.of(r.getArrayOfStrings("scopes")), devices == null ? null : Set.of(devices),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("expires_at"), r.getOffsetDateTime("last_used_at"));
  }
}
