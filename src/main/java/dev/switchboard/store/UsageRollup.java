package dev.switchboard.store;

/**
 * The one way counts reach {@code usage_minutes}: a statement that sends, receives or delivers adds
 * what it changed to the current minute's row of each client, in its own transaction, so the stats
 * are exact (a statement redone after a crash finds nothing left to change and adds nothing). The rows
 * are upserted in client order, after the statement's other locks, so two such statements never deadlock.
 */
public final class UsageRollup {

  private UsageRollup() {
  }

  /**
   * An {@code INSERT ... ON CONFLICT} that adds, for each {@code client_id} of {@code source} (a CTE of
   * the statement), the given counts: pairs of a column and an aggregate over its rows.
   */
  public static String add(String source, String... columnsAndCounts) {
    StringBuilder columns = new StringBuilder();
    StringBuilder counts = new StringBuilder();
    StringBuilder sums = new StringBuilder();
    StringBuilder any = new StringBuilder();
    for (int i = 0; i < columnsAndCounts.length; i += 2) {
      String column = columnsAndCounts[i];
      String count = columnsAndCounts[i + 1];
      String sep = i == 0 ? "" : ", ";
      columns.append(sep).append(column);
      counts.append(sep).append(count);
      sums.append(sep).append(column).append(" = usage_minutes.").append(column).append(" + EXCLUDED.").append(column);
      any.append(i == 0 ? "" : " + ").append(count);
    }
    return "INSERT INTO usage_minutes (client_id, minute, " + columns + ") "
        + "SELECT client_id, date_trunc('minute', now()), " + counts + " FROM " + source
        + " GROUP BY client_id HAVING " + any + " > 0 ORDER BY client_id "
        + "ON CONFLICT (client_id, minute) DO UPDATE SET " + sums;
  }
}
