package dev.switchboard.tenant;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Client configs for the hot paths (every request's rate limit, every event, every webhook delivery).
 * A change is heard through {@link ClientChanges}, so every node sharing the database drops its copy
 * as soon as it commits; {@link #TTL_MS} bounds how stale a copy gets while changes are not heard
 * (the LISTEN connection is down).
 */
public final class ClientConfigCache {

  static final long TTL_MS = 10_000;
  private static final String SELECT = """
      SELECT webhook_url, webhook_api_key, webhook_secret, events, max_devices, call_policy, rate_limit_per_minute,
        monthly_message_quota
      FROM clients WHERE client_id = $1""";

  private final Pool pool;
  private final ClientChanges changes;
  private final ClientCache<Optional<ClientConfig>> cache;

  public ClientConfigCache(Pool pool, ClientChanges changes) {
    this.pool = pool;
    this.changes = changes;
    this.cache = new ClientCache<>(changes, TTL_MS, this::load);
  }

  /** The client's config; empty when the client does not exist. Completed at once when cached. */
  public Future<Optional<ClientConfig>> get(String clientId) {
    return cache.get(clientId);
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
