package dev.switchboard.tenant;

import dev.switchboard.kernel.Page;
import dev.switchboard.kernel.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import dev.switchboard.kernel.Times;

/** Who did what to a client, when, from where. */
public final class AuditLog {

  private static final String INSERT = """
      INSERT INTO audit_log (client_id, action, actor, source_ip, details) VALUES ($1, $2, $3, $4, $5)""";
  private static final String INSERT_BY_PREFIX = """
      INSERT INTO audit_log (client_id, action, actor, source_ip, details)
      SELECT client_id, $2, 'unauthenticated', $3, $4 FROM client_keys WHERE prefix = $1""";
  private static final String LIST = """
      SELECT id, action, actor, source_ip, details, at FROM audit_log
      WHERE client_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3""";

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

  public static Future<JsonObject> list(SqlClient sql, String clientId, Page page) {
    Long after = null;
    if (page.after() != null) {
      try {
        after = Long.parseLong(page.after());
      } catch (NumberFormatException e) {
        throw dev.switchboard.kernel.ApiException.validation("cursor", "cursor is not one this API returned");
      }
    }
    return sql.preparedQuery(LIST).execute(Tuple.of(clientId, after, page.limit() + 1)).map(rows -> {
      JsonArray items = new JsonArray();
      for (Row r : rows) {
        items.add(new JsonObject()
            .put("id", String.valueOf(r.getLong("id")))
            .put("action", r.getString("action"))
            .put("actor", r.getString("actor"))
            .put("sourceIp", r.getString("source_ip"))
            .put("details", r.getValue("details"))
            .put("at", Times.iso(r.getOffsetDateTime("at"))));
      }
      return page.result(items, o -> o.getString("id"));
    });
  }
}
