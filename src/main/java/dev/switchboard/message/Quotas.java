package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.store.GroupCommit;
import dev.switchboard.tenant.ClientConfig;
import dev.switchboard.tenant.ClientConfigCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Monthly quotas of outbound messages ({@code config.monthlyMessageQuota}) and every client's use per
 * calendar month (UTC), counted in PostgreSQL so that every node sees one count.
 *
 * <p>A send of a client with a quota reserves its messages before they are stored: the reservations
 * that arrive while one is being written go into the next statement (group commit), which locks the
 * clients' rows of the month, grants each request whole or refuses it whole, in the order they came,
 * and writes the new counts. A send of a client without a quota costs its path nothing: its messages
 * are counted after they are stored, in batches. A reservation whose messages were then not stored
 * (the device is gone) is given back; a crash of the node between the two leaves it counted, so such
 * a crash can cost a client a send of its quota, never give it one more. Reservations are committed
 * without waiting for the disk ({@link dev.switchboard.store.Db#redoablePool}): waiting made every
 * send of a client with a quota wait for a second flush, which cut the send bench to 3,100/s from
 * 5,900/s. What a crash of PostgreSQL itself can forget is the last fraction of a second of
 * reservations, whose messages are stored: that many more can then pass the quota.
 */
public final class Quotas {

  static final int MAX_BATCH = 1_000;
  static final int MAX_WAITING = 100_000;
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

  private record Reservation(String clientId, int count, long limit) {
  }

  private final Pool pool;
  private final Pool reservationPool;
  private final ClientConfigCache configs;
  private final GroupCommit<Reservation, Long> reservations;
  /**
   * Uses not written yet, per client: {messages sent, API requests}. Counted in place from any event
   * loop (an atomic add, where a task on one context per send would wake that loop once per send) and
   * taken with getAndSet when written.
   */
  private final Map<String, AtomicLong[]> uncounted = new ConcurrentHashMap<>();

  /** {@code reservations}: where reservations are written (see above); {@code pool}: counts and reads. */
  public Quotas(Vertx vertx, Pool pool, Pool reservations, ClientConfigCache configs) {
    this.pool = pool;
    this.reservationPool = reservations;
    this.configs = configs;
    this.reservations = GroupCommit.of("quota reservations", 1, MAX_BATCH, MAX_WAITING, this::reserveAll);
    // No retry while the database is out of reach: the send fails with 503, as its own write would.
    vertx.setPeriodic(COUNT_EVERY_MS, id -> count());
  }

  /** Reserves {@code count} messages of the client's quota, or fails with {@link Exceeded}; at once without a quota. */
  public Future<Grant> reserve(String clientId, int count) {
    return configs.get(clientId).compose(config -> {
      Long limit = config.map(ClientConfig::monthlyMessageQuota).orElse(null);
      if (limit == null) {
        return Future.succeededFuture(new Grant(null, 0, reset()));
      }
      return reservations.submit(new Reservation(clientId, count, limit))
          .recover(e -> Future.failedFuture(e instanceof GroupCommit.Overloaded
              ? ApiException.unavailable("the gateway is reserving too many sends right now", 1) : e))
          .compose(used -> used >= 0
          ? Future.succeededFuture(new Grant(limit, used, reset()))
          : Future.failedFuture(new Exceeded(new Grant(limit, -used - 1, reset()), count)));
    });
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

  /** Grants each reservation whole, in order, while the month's count stays within the client's limit. */
  private Future<List<Long>> reserveAll(List<Reservation> batch) {
    return UsageRepository.reserve(reservationPool, batch.stream().map(Reservation::clientId).toList(),
        batch.stream().map(Reservation::count).toList(), batch.stream().map(Reservation::limit).toList(), month());
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
    return Future.join(count(), reservations.flush()).mapEmpty();
  }

  private static LocalDate month() {
    return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
  }

  private static long reset() {
    return month().plusMonths(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
  }
}
