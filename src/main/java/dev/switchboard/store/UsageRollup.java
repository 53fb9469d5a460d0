package dev.switchboard.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What reaches {@code usage_minutes}, the stats API's table. A statement that sends, receives or
 * delivers ends with {@link #select}: what it changed, counted per client in the statement itself (so a
 * statement redone after a crash counts only what it changes then). The node adds those counts up in
 * memory, per client and minute, and writes them once a second in one statement, and on stop.
 * Upserting the client's row of the minute in every such statement cost PostgreSQL half again as much
 * CPU per send (one row updated thousands of times a minute); a node killed with {@code kill -9} loses
 * at most its last second of counts.
 */
public final class UsageRollup {

  static final long FLUSH_MS = 1_000;
  private static final String ADD = """
      INSERT INTO usage_minutes (client_id, minute, %1$s)
      SELECT * FROM unnest($1::text[], $2::timestamptz[], %2$s) ORDER BY 1, 2
      ON CONFLICT (client_id, minute) DO UPDATE SET %3$s""";

  /** The columns of {@code usage_minutes} that are counted. */
  public static final List<String> COLUMNS = List.of("sent", "delivered", "read", "failed", "received",
      "webhook_delivered", "webhook_failed");

  private record Key(String clientId, long minute) {
  }

  private final Pool pool;
  private final Map<Key, AtomicLong[]> pending = new ConcurrentHashMap<>();
  private final String add;

  public UsageRollup(Vertx vertx, Pool pool) {
    this.pool = pool;
    List<String> arrays = new ArrayList<>();
    List<String> sums = new ArrayList<>();
    for (int i = 0; i < COLUMNS.size(); i++) {
      arrays.add("$" + (i + 3) + "::bigint[]");
      sums.add(COLUMNS.get(i) + " = usage_minutes." + COLUMNS.get(i) + " + EXCLUDED." + COLUMNS.get(i));
    }
    this.add = ADD.formatted(String.join(", ", COLUMNS), String.join(", ", arrays), String.join(", ", sums));
    vertx.setPeriodic(FLUSH_MS, id -> flush());
  }

  /**
   * The last part of a statement that counts: for each {@code client_id} of {@code source} (a CTE of the
   * statement), the given counts, as pairs of a column and an aggregate over its rows.
   */
  public static String select(String source, String... columnsAndCounts) {
    StringBuilder counts = new StringBuilder();
    for (int i = 0; i < columnsAndCounts.length; i += 2) {
      counts.append(", ").append(columnsAndCounts[i + 1]).append(" AS ").append(columnsAndCounts[i]);
    }
    return "SELECT client_id" + counts + " FROM " + source + " GROUP BY client_id";
  }

  /** Adds the counts a statement ended with ({@link #select}). */
  public void add(RowSet<Row> counts) {
    for (Row r : counts) {
      for (int c = 1; c < r.size(); c++) {
        add(r.getString(0), r.getColumnName(c), r.getLong(c));
      }
    }
  }

  /** Adds {@code n} to the client's {@code column} in the current minute. */
  public void add(String clientId, String column, long n) {
    int index = COLUMNS.indexOf(column);
    if (n == 0 || index < 0) {
      return;
    }
    long minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).getEpochSecond();
    pending.computeIfAbsent(new Key(clientId, minute), k -> newCounts())[index].addAndGet(n);
  }

  /** Writes what was counted and not written yet; counts that fail to be written are kept for the next time. */
  public Future<Void> flush() {
    List<Key> keys = new ArrayList<>();
    List<long[]> values = new ArrayList<>();
    for (Map.Entry<Key, AtomicLong[]> e : pending.entrySet()) {
      long[] taken = new long[COLUMNS.size()];
      boolean any = false;
      for (int i = 0; i < taken.length; i++) {
        taken[i] = e.getValue()[i].getAndSet(0);
        any |= taken[i] != 0;
      }
      if (any) {
        keys.add(e.getKey());
        values.add(taken);
      } else if (e.getKey().minute() < Instant.now().getEpochSecond() - 120) {
        pending.remove(e.getKey(), e.getValue());
      }
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    Tuple t = Tuple.tuple().addArrayOfString(keys.stream().map(Key::clientId).toArray(String[]::new))
        .addArrayOfOffsetDateTime(keys.stream().map(k -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(k.minute()),
            ZoneOffset.UTC)).toArray(OffsetDateTime[]::new));
    for (int i = 0; i < COLUMNS.size(); i++) {
      int column = i;
      t.addArrayOfLong(values.stream().map(v -> v[column]).toArray(Long[]::new));
    }
    return pool.preparedQuery(add).execute(t).<Void>mapEmpty().onFailure(e -> {
      for (int k = 0; k < keys.size(); k++) {
        AtomicLong[] counts = pending.computeIfAbsent(keys.get(k), x -> newCounts());
        for (int i = 0; i < COLUMNS.size(); i++) {
          counts[i].addAndGet(values.get(k)[i]);
        }
      }
    });
  }

  private static AtomicLong[] newCounts() {
    AtomicLong[] counts = new AtomicLong[COLUMNS.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new AtomicLong();
    }
    return counts;
  }
}
