package dev.switchboard.tenant;

import dev.switchboard.kernel.Page;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for clients and their configuration. */
public final class ClientRepository {

  private static final String COLUMNS = """
      c.client_id, c.name, c.created_at, c.webhook_url, c.webhook_api_key, c.webhook_secret, c.events,
      c.max_devices, c.call_policy, c.rate_limit_per_minute, c.monthly_message_quota,
      k.key_id, k.prefix, k.expires_at, k.last_used_at,
      c.device_count""";
  private static final String FIND = "SELECT " + COLUMNS
      + " FROM clients c LEFT JOIN client_keys k ON k.client_id = c.client_id AND k.main WHERE c.client_id = $1";
  private static final String LIST = "SELECT " + COLUMNS
      + " FROM clients c LEFT JOIN client_keys k ON k.client_id = c.client_id AND k.main"
      + " WHERE ($1::text IS NULL OR c.client_id > $1) ORDER BY c.client_id LIMIT $2";
  private static final String INSERT = """
      INSERT INTO clients (client_id, name, webhook_secret) VALUES ($1, $2, $3)
      ON CONFLICT (client_id) DO NOTHING RETURNING client_id""";
  private static final String DELETE = "DELETE FROM clients WHERE client_id = $1";
  private static final String UPDATE_CONFIG = """
      UPDATE clients SET webhook_url = $2, webhook_api_key = $3, events = $4, max_devices = $5, call_policy = $6,
        rate_limit_per_minute = $7, monthly_message_quota = $8 WHERE client_id = $1""";
  private static final String SET_WEBHOOK_SECRET = "UPDATE clients SET webhook_secret = $2 WHERE client_id = $1";
  private static final String LOCK = "SELECT client_id FROM clients WHERE client_id = $1 FOR UPDATE";

  private ClientRepository() {
  }

  /** The client's row, or null. */
  public static Future<ClientRow> find(SqlClient sql, String clientId) {
    return sql.preparedQuery(FIND).execute(Tuple.of(clientId))
        .map(rows -> rows.size() == 0 ? null : ClientRow.from(rows.iterator().next()));
  }

  /** The clients after the page's cursor, by id: up to one more than the page holds (that one says there is a next). */
  public static Future<List<ClientRow>> list(SqlClient sql, Page page) {
    return sql.preparedQuery(LIST).execute(Tuple.of(page.after(), page.limit() + 1)).map(rows -> {
      List<ClientRow> clients = new ArrayList<>(rows.size());
      for (Row r : rows) {
        clients.add(ClientRow.from(r));
      }
      return clients;
    });
  }

  /** True when the client was created now, false when it already existed. */
  public static Future<Boolean> insert(SqlClient sql, String clientId, String name) {
    return sql.preparedQuery(INSERT).execute(Tuple.of(clientId, name, ApiKeys.newWebhookSecret()))
        .map(rows -> rows.size() == 1);
  }

  public static Future<Boolean> lock(SqlClient sql, String clientId) {
    return sql.preparedQuery(LOCK).execute(Tuple.of(clientId)).map(rows -> rows.size() == 1);
  }

  public static Future<Boolean> delete(SqlClient sql, String clientId) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(clientId)).map(rows -> rows.rowCount() > 0);
  }

  public static Future<Void> updateConfig(SqlClient sql, String clientId, ClientConfig c) {
    return sql.preparedQuery(UPDATE_CONFIG)
        .execute(Tuple.of(clientId, c.webhookUrl(), c.webhookApiKey(), c.events(), c.maxDevices(), c.callPolicy(),
            c.rateLimitPerMinute(), c.monthlyMessageQuota()))
        .mapEmpty();
  }

  public static Future<Void> setWebhookSecret(SqlClient sql, String clientId, String secret) {
    return sql.preparedQuery(SET_WEBHOOK_SECRET).execute(Tuple.of(clientId, secret)).mapEmpty();
  }

  /** One client with its config and its key's status (no key: the key's fields are null). */
  public record ClientRow(String clientId, String name, OffsetDateTime createdAt, ClientConfig config,
      UUID keyId, String keyPrefix, OffsetDateTime keyExpiresAt, OffsetDateTime keyLastUsedAt, long deviceCount) {

    static ClientRow from(Row r) {
      return new ClientRow(r.getString("client_id"), r.getString("name"), r.getOffsetDateTime("created_at"),
          ClientConfig.fromRow(r), r.getUUID("key_id"), r.getString("prefix"), r.getOffsetDateTime("expires_at"),
          r.getOffsetDateTime("last_used_at"), r.getLong("device_count"));
    }
  }
}
