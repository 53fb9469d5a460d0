package dev.switchboard.message;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SQL for clients' use per calendar month: outbound messages and API requests, a row per client and month. */
final class UsageRepository {

  private static final String ADD = """
      INSERT INTO client_usage (client_id, month, messages_sent, api_requests)
      SELECT c, $2, s, r FROM unnest($1::text[], $3::bigint[], $4::bigint[]) AS v(c, s, r) ORDER BY c
      ON CONFLICT (client_id, month) DO UPDATE SET messages_sent = client_usage.messages_sent + EXCLUDED.messages_sent,
        api_requests = client_usage.api_requests + EXCLUDED.api_requests""";
  private static final String FIND = """
      SELECT messages_sent, api_requests FROM client_usage WHERE client_id = $1 AND month = $2""";
  private static final String CLIENT = """
      SELECT c.device_count, c.monthly_message_quota, COALESCE(u.messages_sent, 0) AS messages_sent,
        COALESCE(u.api_requests, 0) AS api_requests
      FROM clients c LEFT JOIN client_usage u ON u.client_id = c.client_id AND u.month = $2 WHERE c.client_id = $1""";

  record Usage(long messagesSent, long apiRequests) {
  }

  /** A client's month: its devices and quota now, and what it used. */
  record ClientMonth(long devices, Long quota, Usage usage) {
  }

  private UsageRepository() {
  }

  /** Adds to the clients' counts of the month, in client order. */
  static Future<Void> add(SqlClient sql, Map<String, long[]> counts, LocalDate month) {
    List<String> ids = counts.keySet().stream().sorted().toList();
    return sql.preparedQuery(ADD).execute(Tuple.of(ids.toArray(String[]::new), month,
            ids.stream().map(c -> counts.get(c)[0]).toArray(Long[]::new),
            ids.stream().map(c -> counts.get(c)[1]).toArray(Long[]::new)))
        .mapEmpty();
  }

  /** The client's month, or null when there is no such client. */
  static Future<ClientMonth> client(SqlClient sql, String clientId, LocalDate month) {
    return sql.preparedQuery(CLIENT).execute(Tuple.of(clientId, month)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new ClientMonth(r.getLong("device_count"), r.getLong("monthly_message_quota"),
          new Usage(r.getLong("messages_sent"), r.getLong("api_requests")));
    });
  }

  static Future<Usage> find(SqlClient sql, String clientId, LocalDate month) {
    return sql.preparedQuery(FIND).execute(Tuple.of(clientId, month)).map(rows -> rows.size() == 0 ? new Usage(0, 0)
        : new Usage(rows.iterator().next().getLong("messages_sent"), rows.iterator().next().getLong("api_requests")));
  }
}
