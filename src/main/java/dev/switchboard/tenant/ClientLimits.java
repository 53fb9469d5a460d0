package dev.switchboard.tenant;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each client's {@code rateLimitPerMinute}, read from the database at most every {@link #TTL_MS}
 * per node, so a new limit holds everywhere within seconds without a query per request.
 */
final class ClientLimits {

  static final long TTL_MS = 2_000;
  private static final String FIND = "SELECT rate_limit_per_minute FROM clients WHERE client_id = $1";

  private record Cached(Future<Integer> limit, long loadedAt) {
  }

  private final Pool pool;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  ClientLimits(Pool pool) {
    this.pool = pool;
  }

  /** The client's limit; concurrent requests share one query, and a failed query falls back to the last value. */
  Future<Integer> of(String clientId) {
    long now = System.currentTimeMillis();
    Cached cached = cache.compute(clientId, (id, old) -> old != null && now - old.loadedAt() < TTL_MS ? old
        : new Cached(load(id, old), now));
    // A loaded limit goes out in a future of its own: the shared one calls back on the event loop
    // that loaded it, and every request on another loop would take that detour.
    Future<Integer> limit = cached.limit();
    return limit.succeeded() ? Future.succeededFuture(limit.result()) : limit;
  }

  private Future<Integer> load(String clientId, Cached previous) {
    return pool.preparedQuery(FIND).execute(Tuple.of(clientId))
        .map(rows -> {
          Integer limit = rows.size() == 0 ? null : rows.iterator().next().getInteger("rate_limit_per_minute");
          return limit == null ? ClientConfig.DEFAULT_RATE_LIMIT : limit;
        })
        .recover(e -> previous != null && previous.limit().succeeded() ? previous.limit() : Future.failedFuture(e));
  }
}
