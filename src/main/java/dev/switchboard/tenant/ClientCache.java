package dev.switchboard.tenant;

import dev.switchboard.store.DbErrors;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Something read per client for a hot path (a config, a list of webhooks), kept until
 * {@link ClientChanges} says the client changed, on any node, or for {@code ttlMs} at most (which
 * bounds how stale a copy gets while changes are not heard). While the database cannot be reached the
 * last value read is used, and read again every {@link #STALE_RETRY_MS}.
 */
public final class ClientCache<V> {

  /** While the database cannot be reached, the last value read is used and read again this often. */
  static final long STALE_RETRY_MS = 1_000;

  /** {@code loaded} is set once the load succeeded, so a hit needs no future bound to another thread's context. */
  private static final class Entry<V> {
    final Future<V> loading;
    final long expiresAt;
    volatile V loaded;

    Entry(Future<V> loading, long expiresAt) {
      this.loading = loading;
      this.expiresAt = expiresAt;
    }
  }

  private final long ttlMs;
  private final Function<String, Future<V>> load;
  private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

  public ClientCache(ClientChanges changes, long ttlMs, Function<String, Future<V>> load) {
    this.ttlMs = ttlMs;
    this.load = load;
    changes.onChange(clientId -> {
      if (clientId == null) {
        entries.clear();
      } else {
        entries.remove(clientId);
      }
    });
  }

  /** The client's value; completed at once when cached. */
  public Future<V> get(String clientId) {
    long now = System.currentTimeMillis();
    Entry<V> e = entries.get(clientId);
    if (e != null && e.expiresAt > now) {
      V value = e.loaded;
      return value != null ? Future.succeededFuture(value) : e.loading;
    }
    // What was read last: events and webhooks of a client go on with it while the database is out of reach.
    V stale = e == null ? null : e.loaded;
    Entry<V> fresh = new Entry<>(load.apply(clientId), now + ttlMs);
    entries.put(clientId, fresh);
    fresh.loading.onComplete(ar -> {
      if (ar.succeeded()) {
        fresh.loaded = ar.result();
      } else if (stale != null && DbErrors.unreachable(ar.cause())) {
        Entry<V> kept = new Entry<>(Future.succeededFuture(stale), System.currentTimeMillis() + STALE_RETRY_MS);
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
}
