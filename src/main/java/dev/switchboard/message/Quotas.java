package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.tenant.ClientConfig;
import dev.switchboard.tenant.ClientConfigCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Monthly quotas of outbound messages ({@code config.monthlyMessageQuota}) and every client's use per
 * calendar month (UTC), counted in PostgreSQL so that every node sees one count.
 *
 * <p>A send of a client with a quota is counted by the statement that stores it ({@link
 * MessageWriter}): that statement locks the client's row of the month, grants each send of its batch
 * whole or refuses it whole, in order, writes the new count and stores only what was granted, in one
 * commit. The count is as durable as the messages, a refused send stores nothing, and the send costs
 * no round trip more than one without a quota. A send of a client without a quota costs its path
 * nothing: its messages are counted after they are stored, in batches, once a second. A send that was
 * counted and then not stored (its device is gone) is given back the same way; a crash of the node
 * between the two leaves it counted, so such a crash can cost a client a send of its quota, never give
 * it one more.
 */
public final class Quotas {

  static final long COUNT_EVERY_MS = 1_000;

  /** What a send may do under its client's quota; {@code limit} null when the client has none. */
  public record Grant(Long limit, long used, long resetEpochSeconds) {

    public boolean limited() {
      return limit != null;
    }

    public long remaining() {
      return limit == null ? Long.MAX_VALUE : Math.max(0, limit - used);
    }

    /** The X-Quota-* headers of a send's answer, none without a quota. */
    public Map<String, String> headers() {
      Map<String, String> h = new LinkedHashMap<>();
      if (limit != null) {
        h.put("X-Quota-Limit", Long.toString(limit));
        h.put("X-Quota-Remaining", Long.toString(remaining()));
        h.put("X-Quota-Reset", Long.toString(resetEpochSeconds));
      }
      return h;
    }
  }

  /** 402 QUOTA_EXCEEDED, with the grant whose headers the answer carries. */
  public static final class Exceeded extends ApiException {
    private final transient Grant grant;

    Exceeded(Grant grant, int asked) {
      super(402, "QUOTA_EXCEEDED", "this send of " + asked + " message(s) would pass the client's monthly quota of "
          + grant.limit() + " (" + grant.remaining() + " left until the month ends)",
          new JsonObject().put("limit", grant.limit()).put("remaining", grant.remaining())
              .put("reset", grant.resetEpochSeconds()), null);
      this.grant = grant;
    }

    public Grant grant() {
      return grant;
    }
  }

  private final Pool pool;
  private final ClientConfigCache configs;
  /**
   * Uses not written yet, per client: {messages sent, API requests}. Counted in place from any event
   * loop (an atomic add, where a task on one context per send would wake that loop once per send) and
   * taken with getAndSet when written.
   */
  private final Map<String, AtomicLong[]> uncounted = new ConcurrentHashMap<>();

  public Quotas(Vertx vertx, Pool pool, ClientConfigCache configs) {
    this.pool = pool;
    this.configs = configs;
    vertx.setPeriodic(COUNT_EVERY_MS, id -> count());
  }

  /** The client's monthly quota of messages, null when it has none. */
  public Future<Long> limit(String clientId) {
    return configs.get(clientId).map(config -> config.map(ClientConfig::monthlyMessageQuota).orElse(null));
  }

  /**
   * Where a send leaves its client: {@code used} is the month's count after a granted send, {@code -count - 1}
   * after a refused one (count: the month's count then), null without a quota.
   */
  Grant grant(Long limit, Long used) {
    return limit == null ? new Grant(null, 0, reset()) : new Grant(limit, used >= 0 ? used : -used - 1, reset());
  }

  /** Where the client stands now, for an answer that reserved nothing (a replay); no headers without a quota. */
  public Future<Grant> peek(String clientId) {
    return configs.get(clientId).compose(config -> {
      Long limit = config.map(ClientConfig::monthlyMessageQuota).orElse(null);
      return limit == null ? Future.succeededFuture(new Grant(null, 0, reset()))
          : UsageRepository.find(pool, clientId, month()).map(u -> new Grant(limit, u.messagesSent(), reset()));
    });
  }

  /** Messages stored: counted now for a client without a quota (its reservation counted them otherwise). */
  public void stored(String clientId, int count, Grant grant) {
    if (!grant.limited()) {
      add(clientId, count, 0);
    }
  }

  /** Messages reserved and then not stored: given back. */
  public void unused(String clientId, int count, Grant grant) {
    if (grant.limited()) {
      add(clientId, -count, 0);
    }
  }

  /** One authenticated API request of the client. */
  public void request(String clientId) {
    add(clientId, 0, 1);
  }

  /** The client's use this month (404 when there is no such client). */
  public Future<JsonObject> usage(String clientId) {
    LocalDate month = month();
    return UsageRepository.client(pool, clientId, month).compose(m -> {
      if (m == null) {
        return Future.failedFuture(ApiException.notFound("NOT_FOUND", "client '" + clientId + "' does not exist"));
      }
      // Uses of this node not written yet (at most a second's worth).
      AtomicLong[] pending = uncounted.get(clientId);
      long sent = m.usage().messagesSent() + (pending == null ? 0 : pending[0].get());
      long requests = m.usage().apiRequests() + (pending == null ? 0 : pending[1].get());
      Long quota = m.quota();
      return Future.succeededFuture(new JsonObject()
          .put("period", new JsonObject().put("start", month.atStartOfDay().toInstant(ZoneOffset.UTC).toString())
              .put("end", month.plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString()))
          .put("messagesSent", sent).put("quota", quota)
          .put("remaining", quota == null ? null : Math.max(0, quota - sent))
          .put("devices", m.devices()).put("apiRequests", requests));
    });
  }

  private void add(String clientId, long messages, long requests) {
    AtomicLong[] c = uncounted.computeIfAbsent(clientId, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
    if (messages != 0) {
      c[0].addAndGet(messages);
    }
    if (requests != 0) {
      c[1].addAndGet(requests);
    }
  }

  /** Writes the uses counted since the last write, in one statement; what fails to be written is counted again. */
  private Future<Void> count() {
    Map<String, long[]> batch = new HashMap<>();
    uncounted.forEach((client, c) -> {
      long messages = c[0].getAndSet(0);
      long requests = c[1].getAndSet(0);
      if (messages != 0 || requests != 0) {
        batch.put(client, new long[] {messages, requests});
      }
    });
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    return UsageRepository.add(pool, batch, month())
        .onFailure(e -> batch.forEach((client, n) -> add(client, n[0], n[1])));
  }

  /** Writes what is counted and not written yet (on stop). */
  public Future<Void> flush() {
    return count();
  }

  /** The first day of this month (UTC), the key of its counts. */
  static LocalDate month() {
    return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
  }

  private static long reset() {
    return month().plusMonths(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
  }
}
