package dev.switchboard.tenant;

import dev.switchboard.kernel.Page;
import dev.switchboard.kernel.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Who did what to a client, when, from where. */
public final class AuditLog {

  private static final String INSERT = """
      INSERT INTO audit_log (client_id, action, actor, source_ip, details) VALUES ($1, $2, $3, $4, $5)""";
  private static final String INSERT_BY_PREFIX = """
      INSERT INTO audit_log (client_id, action, actor, source_ip, details)
      SELECT DISTINCT client_id, $2, 'unauthenticated', $3, $4::jsonb FROM client_keys WHERE prefix = $1""";
  private static final String LIST = """
      SELECT id, action, actor, source_ip, details, at FROM audit_log
      WHERE client_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3""";

  /** One entry: {@code details} is what the action recorded (a JSON object), {@code sourceIp} null when unknown. */
  public record Entry(long id, String action, String actor, String sourceIp, Object details, OffsetDateTime at) {
  }

  private AuditLog() {
  }

  /** Records an action; {@code sql} may be a transaction's connection so the entry commits with the change. */
  public static Future<Void> record(SqlClient sql, String clientId, String action, Principal actor, String sourceIp,
      JsonObject details) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(clientId, action, actor.actor(), sourceIp, details == null ? new JsonObject() : details))
        .mapEmpty();
  }

  /**
   * Records an unauthenticated attempt with a key that starts like a client's ({@link ApiKeys#prefix}):
   * in the audit log of every client whose current key has that prefix, none if no key has it.
   */
  public static Future<Void> recordForKeyPrefix(SqlClient sql, String prefix, String action, String sourceIp,
      JsonObject details) {
    return sql.preparedQuery(INSERT_BY_PREFIX).execute(Tuple.of(prefix, action, sourceIp, details)).mapEmpty();
  }

  /** The client's entries before the page's cursor, newest first: up to one more than the page holds. */
  public static Future<List<Entry>> list(SqlClient sql, String clientId, Page page) {
    Long before = page.afterId();
    return sql.preparedQuery(LIST).execute(Tuple.of(clientId, before, page.limit() + 1)).map(rows -> {
      List<Entry> entries = new ArrayList<>(rows.size());
      for (Row r : rows) {
        entries.add(new Entry(r.getLong("id"), r.getString("action"), r.getString("actor"), r.getString("source_ip"),
            r.getValue("details"), r.getOffsetDateTime("at")));
      }
      return entries;
    });
  }
}
