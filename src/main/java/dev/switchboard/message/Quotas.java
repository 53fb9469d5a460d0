package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Contexts;
import dev.switchboard.store.GroupCommit;
import dev.switchboard.store.RetryTimer;
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
import java.util.Optional;

/**
 * Monthly quotas of outbound messages ({@code config.monthlyMessageQuota}) and every client's use per
 * calendar month (UTC), counted in PostgreSQL so that every node sees one count.
 *
 * <p>A send of a client with a quota reserves its messages before they are stored: the reservations
 * that arrive while one is being written go into the next statement (group commit), which locks the
 * clients' rows of the month, grants each request whole or refuses it whole, in the order they came,
 * and writes the new counts. A send of a client without a quota costs its path nothing: its messages
 * are counted after they are stored, in batches. A reservation whose messages were then not stored
 * (the device is gone) is given back; a crash between the two leaves it counted, so a crash can cost a
 * client a send of its quota, never give it one more.
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
  private final ClientConfigCache configs;
  private final GroupCommit<Reservation, Long> reservations;
  /** Uses not counted yet, per client: {messages sent, API requests}. Touched on one context only. */
  private Map<String, long[]> uncounted = new HashMap<>();
  private final io.vertx.core.Context context;

  public Quotas(Vertx vertx, Pool pool, ClientConfigCache configs) {
    this.pool = pool;
    this.configs = configs;
    this.context = vertx.getOrCreateContext();
    this.reservations = GroupCommit.of("quota reservations", 1, MAX_BATCH, MAX_WAITING, this::reserveAll);
    reservations.retryWhileUnreachable(new RetryTimer(vertx));
    vertx.setPeriodic(COUNT_EVERY_MS, id -> context.runOnContext(v -> count()));
  }

  /** Reserves {@code count} messages of the client's quota, or fails with {@link Exceeded}; at once without a quota. */
  public Future<Grant> reserve(String clientId, int count) {
    return configs.get(clientId).compose(config -> {
      Long limit = config.map(ClientConfig::monthlyMessageQuota).orElse(null);
      if (limit == null) {
        return Future.succeededFuture(new Grant(null, 0, reset()));
      }
      return reservations.submit(new Reservation(clientId, count, limit)).compose(used -> used >= 0
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
      return Contexts.runOn(context, () -> {
        long[] pending = uncounted.getOrDefault(clientId, new long[2]);
        long sent = m.usage().messagesSent() + pending[0];
        Long quota = m.quota();
        return Future.succeededFuture(new JsonObject()
            .put("period", new JsonObject().put("start", month.atStartOfDay().toInstant(ZoneOffset.UTC).toString())
                .put("end", month.plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString()))
            .put("messagesSent", sent).put("quota", quota)
            .put("remaining", quota == null ? null : Math.max(0, quota - sent))
            .put("devices", m.devices()).put("apiRequests", m.usage().apiRequests() + pending[1]));
      });
    });
  }

  /** Grants each reservation whole, in order, while the month's count stays within the client's limit. */
  private Future<List<Long>> reserveAll(List<Reservation> batch) {
    LocalDate month = month();
    List<String> clients = batch.stream().map(Reservation::clientId).distinct().sorted().toList();
    return pool.withTransaction(tx -> UsageRepository.lockSent(tx, clients, month).compose(sent -> {
      Map<String, Long> after = new HashMap<>(sent);
      List<Long> answers = new ArrayList<>(batch.size());
      for (Reservation r : batch) {
        long used = after.getOrDefault(r.clientId(), 0L);
        if (used + r.count() <= r.limit()) {
          after.put(r.clientId(), used + r.count());
          answers.add(used + r.count());
        } else {
          answers.add(-used - 1);
        }
      }
      return UsageRepository.setSent(tx, after, month).map(answers);
    }));
  }

  private void add(String clientId, long messages, long requests) {
    context.runOnContext(v -> {
      long[] c = uncounted.computeIfAbsent(clientId, k -> new long[2]);
      c[0] += messages;
      c[1] += requests;
    });
  }

  /** Writes the uses counted since the last write, in one statement; kept for the next one when it fails. */
  private void count() {
    if (uncounted.isEmpty()) {
      return;
    }
    Map<String, long[]> batch = uncounted;
    uncounted = new HashMap<>();
    UsageRepository.add(pool, batch, month()).onFailure(e -> context.runOnContext(v ->
        batch.forEach((c, n) -> {
          long[] now = uncounted.computeIfAbsent(c, k -> new long[2]);
          now[0] += n[0];
          now[1] += n[1];
        })));
  }

  /** Writes what is counted and not written yet (on stop). */
  public Future<Void> flush() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      Map<String, long[]> batch = uncounted;
      uncounted = new HashMap<>();
      (batch.isEmpty() ? Future.<Void>succeededFuture() : UsageRepository.add(pool, batch, month())).onComplete(done);
    });
    return Future.join(done.future(), reservations.flush()).mapEmpty();
  }

  private static LocalDate month() {
    return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
  }

  private static long reset() {
    return month().plusMonths(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
  }
}
