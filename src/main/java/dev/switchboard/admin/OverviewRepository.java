package dev.switchboard.admin;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SQL behind the admin overview: counts over devices, messages and webhook deliveries. */
final class OverviewRepository {

  private static final Logger log = LoggerFactory.getLogger(OverviewRepository.class);

  /** Devices whose lease is live, grouped by owner; at most {@code $1} listed per owner. */
  private static final String OWNED = """
      SELECT owner_node, client_id, device_id, name, status, owned FROM (
        SELECT owner_node, client_id, device_id, name, status,
               row_number() OVER (PARTITION BY owner_node ORDER BY client_id, device_id) AS rn,
               count(*) OVER (PARTITION BY owner_node) AS owned
        FROM devices WHERE owner_node IS NOT NULL AND lease_until > now()) d
      WHERE rn <= $1 ORDER BY owner_node, client_id, device_id""";
  private static final String BY_STATUS = "SELECT status, count(*) AS n FROM devices GROUP BY status";
  private static final String BY_STATUS_HERE = """
      SELECT status, count(*) AS n FROM devices WHERE owner_node = $1 AND lease_until > now() GROUP BY status""";
  private static final String BACKLOG = "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'";
  private static final String QUEUE = """
      SELECT count(*) FILTER (WHERE send_at IS NULL) AS queued, count(*) FILTER (WHERE send_at IS NOT NULL) AS scheduled
      FROM outbox""";
  private static final String CLIENTS = """
      SELECT c.client_id, COALESCE(d.total, 0) AS devices, COALESCE(d.connected, 0) AS connected,
             COALESCE(m.queued, 0) AS queued
      FROM clients c
      LEFT JOIN (SELECT client_id, count(*) AS total, count(*) FILTER (WHERE status = 'CONNECTED') AS connected
                 FROM devices GROUP BY client_id) d ON d.client_id = c.client_id
      LEFT JOIN (SELECT client_id, count(*) AS queued FROM outbox WHERE send_at IS NULL
                 GROUP BY client_id) m ON m.client_id = c.client_id
      ORDER BY c.client_id""";
  private static final String WEBHOOKS = """
      SELECT client_id, count(*) FILTER (WHERE status = 'pending') AS backlog,
             count(*) FILTER (WHERE status = 'failed') AS failed
      FROM webhook_deliveries WHERE status IN ('pending', 'failed') GROUP BY client_id""";

  private OverviewRepository() {
  }

  record OwnedDevice(String node, String clientId, String deviceId, String name, String status, long owned) {
  }

  record ClientRow(String clientId, long devices, long connected, long queued) {
  }

  record WebhookCounts(long backlog, long failed) {
  }

  static Future<List<OwnedDevice>> owned(SqlClient sql, int perNode) {
    return sql.preparedQuery(OWNED).execute(Tuple.of(perNode)).map(rows -> map(rows, r -> new OwnedDevice(
        r.getString("owner_node"), r.getString("client_id"), r.getString("device_id"), r.getString("name"), r.getString("status"),
        r.getLong("owned"))));
  }

  static Future<Map<String, Long>> devicesByStatus(SqlClient sql) {
    return sql.query(BY_STATUS).execute().map(rows -> {
      Map<String, Long> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString("status"), r.getLong("n")));
      return out;
    });
  }

  /** The devices whose lease {@code node} holds, by status. */
  static Future<Map<String, Long>> devicesByStatus(SqlClient sql, String node) {
    return sql.preparedQuery(BY_STATUS_HERE).execute(Tuple.of(node)).map(rows -> {
      Map<String, Long> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString("status"), r.getLong("n")));
      return out;
    });
  }

  /** Webhook deliveries waiting or in flight, cluster-wide. */
  static Future<Long> webhookBacklog(SqlClient sql) {
    return sql.query(BACKLOG).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Outbound messages waiting to go out now ({@code queued}) and later ({@code scheduled}). */
  record Queue(long queued, long scheduled) {
  }

  static Future<Queue> queue(SqlClient sql) {
    return sql.query(QUEUE).execute().map(rows -> {
      Row r = rows.iterator().next();
      return new Queue(r.getLong("queued"), r.getLong("scheduled"));
    });
  }

  static Future<List<ClientRow>> clients(SqlClient sql) {
    return sql.query(CLIENTS).execute().map(rows -> map(rows, r -> new ClientRow(r.getString("client_id"),
        r.getLong("devices"), r.getLong("connected"), r.getLong("queued"))));
  }

  /**
   * Pending and failed webhook deliveries per client, or null while this database has no
   * {@code webhook_deliveries} table (it comes with the events migration).
   */
  static Future<Map<String, WebhookCounts>> webhooks(SqlClient sql) {
    return sql.query(WEBHOOKS).execute()
        .<Map<String, WebhookCounts>>map(rows -> {
          Map<String, WebhookCounts> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getString("client_id"), new WebhookCounts(r.getLong("backlog"), r.getLong("failed"))));
          return out;
        })
        .recover(e -> {
          // 42P01: no such table; 42703: no such column (a schema this code does not know yet).
          if (e instanceof PgException pg && ("42P01".equals(pg.getSqlState()) || "42703".equals(pg.getSqlState()))) {
            log.debug("No webhook figures for the overview: {}", pg.getMessage());
            return Future.succeededFuture(null);
          }
          return Future.failedFuture(e);
        });
  }

  private static <T> List<T> map(io.vertx.sqlclient.RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> out = new java.util.ArrayList<>(rows.size());
    rows.forEach(r -> out.add(mapper.apply(r)));
    return out;
  }
}
