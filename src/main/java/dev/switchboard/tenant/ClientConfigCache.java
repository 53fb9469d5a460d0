package dev.switchboard.tenant;

import dev.switchboard.store.DbErrors;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client configs for the hot paths (every request's rate limit, every event, every webhook delivery).
 * A change is heard through {@link ClientChanges}, so every node sharing the database drops its copy
 * as soon as it commits; {@link #TTL_MS} bounds how stale a copy gets while changes are not heard
 * (the LISTEN connection is down).
 */
public final class ClientConfigCache {

  static final long TTL_MS = 10_000;
  /** While the database cannot be reached, the last config read is used and read again this often. */
  static final long STALE_RETRY_MS = 1_000;
  private static final String SELECT = """
      SELECT webhook_url, webhook_api_key, webhook_secret, events, max_devices, call_policy, rate_limit_per_minute,
        monthly_message_quota
      FROM clients WHERE client_id = $1""";

  /** {@code loaded} is set once the load succeeded, so a hit needs no future bound to another thread's context. */
  private static final class Entry {
    final Future<Optional<ClientConfig>> loading;
    final long expiresAt;
    volatile Optional<ClientConfig> loaded;

    Entry(Future<Optional<ClientConfig>> loading, long expiresAt) {
      this.loading = loading;
      this.expiresAt = expiresAt;
    }
  }

  private final Pool pool;
  private final ClientChanges changes;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public ClientConfigCache(Pool pool, ClientChanges changes) {
    this.pool = pool;
    this.changes = changes;
    changes.onChange(clientId -> {
      if (clientId == null) {
        entries.clear();
      } else {
        entries.remove(clientId);
      }
    });
  }

  /** The client's config; empty when the client does not exist. Completed at once when cached. */
  public Future<Optional<ClientConfig>> get(String clientId) {
    long now = System.currentTimeMillis();
    Entry e = entries.get(clientId);
    if (e != null && e.expiresAt > now) {
      Optional<ClientConfig> value = e.loaded;
      return value != null ? Future.succeededFuture(value) : e.loading;
    }
    // What was read last: events and webhooks of a client go on with it while the database is out of reach.
    Optional<ClientConfig> stale = e == null ? null : e.loaded;
    Entry fresh = new Entry(load(clientId), now + TTL_MS);
    entries.put(clientId, fresh);
    fresh.loading.onComplete(ar -> {
      if (ar.succeeded()) {
        fresh.loaded = ar.result();
      } else if (stale != null && DbErrors.unreachable(ar.cause())) {
        Entry kept = new Entry(Future.succeededFuture(stale), System.currentTimeMillis() + STALE_RETRY_MS);
        kept.loaded = stale;
        entries.replace(clientId, fresh, kept);
      } else {
        // A failed load must not stick: the next caller tries again.
        entries.remove(clientId, fresh);
      }
    });
    return stale == null ? fresh.loading
        : fresh.loading.recover(err -> DbErrors.unreachable(err) ? Future.succeededFuture(stale) : Future.failedFuture(err));
  }

  private Future<Optional<ClientConfig>> load(String clientId) {
    return pool.preparedQuery(SELECT).execute(Tuple.of(clientId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ClientConfig.fromRow(rows.iterator().next())));
  }

  /**
   * Drops the client's config on every node (this one at once), after a change committed outside
   * {@link ClientService} (a webhook switched off by its delivery).
   */
  public void invalidate(String clientId) {
    changes.announce(clientId);
  }
}
