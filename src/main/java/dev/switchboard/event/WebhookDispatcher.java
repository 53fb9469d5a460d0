package dev.switchboard.event;

import dev.switchboard.kernel.Contexts;
import dev.switchboard.kernel.Addresses;
import dev.switchboard.event.EventRepository.Delivery;
import dev.switchboard.event.EventRepository.Outcome;
import dev.switchboard.outbound.UrlGuard;
import dev.switchboard.store.DbErrors;
import dev.switchboard.tenant.ClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the webhook outbox on this node. It claims due deliveries with a lease ({@code FOR UPDATE
 * SKIP LOCKED}, woken by new events and polling as a fallback), posts them with a per-endpoint
 * concurrency limit, and writes outcomes back in batches: delivered, retried with exponential
 * backoff and jitter (or the endpoint's Retry-After) for at least 24 h, then dead-lettered.
 *
 * <p>Isolation: each client's endpoint has its own in-flight limit and a backlog cap that shrinks
 * with the endpoint's latency; an endpoint at its cap is left out of claims, so a slow or dead
 * endpoint holds a bounded number of rows and never the claims other clients need.
 */
public final class WebhookDispatcher extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final int CONCURRENCY = 16;
  static final int LEASE_SECONDS = 30;
  static final int CLAIM_BATCH = 500;
  static final int MAX_LOCAL = 5_000;
  static final long POLL_MS = 1_000;
  /** How long outcomes and releases wait before they are written again while the database cannot be reached. */
  static final long WRITE_RETRY_MS = 1_000;
  static final int RETRY_WINDOW_SECONDS = 24 * 3600;
  static final long MAX_BACKOFF_MS = 3_600_000;
  static final int RETENTION_DAYS = 7;
  /**
   * Events deleted per statement of the hourly purge, which repeats until none is left: a single batch
   * an hour (as until session 12) kept up with fewer than three events a second.
   */
  static final int PURGE_BATCH = 10_000;

  private final EventService events;
  private final UrlGuard guard;
  private final String node;
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  private final List<Outcome> outcomes = new ArrayList<>();
  private final List<Delivery> releases = new ArrayList<>();
  private WebhookSender sender;
  private MessageConsumer<Object> wakeConsumer;
  private long pollTimer = -1;
  private long purgeTimer = -1;
  private long claims;
  private boolean claiming;
  private boolean claimAgain;
  /** The last claim was cut short (a full batch, or endpoints left out): more may be due now. */
  private boolean moreDue;
  private boolean writingOutcomes;
  private boolean releasing;
  private boolean purging;
  private volatile boolean stopping;
  private int backlog;
  /** Read by the event writers on other threads: whether new deliveries may be handed here directly. */
  private volatile boolean roomForDirect = true;
  private volatile String directToken;

  public WebhookDispatcher(EventService events, UrlGuard guard, String node) {
    this.events = events;
    this.guard = guard;
    this.node = node;
  }

  /** Tells every dispatcher in the cluster that deliveries are due. */
  public static void wake(Vertx vertx) {
    vertx.eventBus().publish(Addresses.WEBHOOKS_WAKE, null);
  }

  /** One client's webhook as this node sees it: its queue, what is in flight, how fast it answers. */
  private static final class Endpoint {
    final String clientId;
    final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    int inFlight;
    double latencyMs = 50;
    long lastActive = System.currentTimeMillis();

    Endpoint(String clientId) {
      this.clientId = clientId;
    }

    int backlog() {
      return queue.size() + inFlight;
    }

    /** Rows it may hold: what it can post within half a lease at its current speed (Little's law). */
    int cap() {
      double perLease = CONCURRENCY * (LEASE_SECONDS * 1000.0 / 2) / Math.max(1, latencyMs);
      return (int) Math.max(CONCURRENCY, Math.min(1_000, perLease));
    }

    void observe(long ms) {
      latencyMs = latencyMs * 0.8 + ms * 0.2;
    }
  }

  /** The claim token for deliveries born claimed by this node, or null when it has no room for them now. */
  String directToken() {
    return roomForDirect && !stopping ? directToken : null;
  }

  /** Takes deliveries the event writer created already claimed for this node. */
  void adopt(List<Delivery> deliveries) {
    context.runOnContext(v -> {
      if (stopping) {
        releases.addAll(deliveries);
        flushReleases();
        return;
      }
      distribute(deliveries);
    });
  }

  @Override
  public Future<?> start() {
    directToken = tokenPrefix() + "direct-" + UUID.randomUUID().toString().substring(0, 8);
    sender = new WebhookSender(vertx, guard, CONCURRENCY * 2);
    events.dispatcher(this);
    wakeConsumer = vertx.eventBus().consumer(Addresses.WEBHOOKS_WAKE, msg -> claim());
    return wakeConsumer.completion()
        .compose(v -> EventRepository.releaseNode(events.pool(), tokenPrefix()))
        .onSuccess(n -> {
          if (n > 0) {
            log.info("Released {} webhook deliveries claimed by this node before it restarted", n);
          }
          pollTimer = vertx.setPeriodic(POLL_MS, id -> {
            forgetIdleEndpoints();
            claim();
          });
          purgeTimer = vertx.setPeriodic(3_600_000, id -> purge());
          claim();
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    events.dispatcher(null);
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(purgeTimer);
    for (Endpoint e : endpoints.values()) {
      releases.addAll(e.queue);
      e.queue.clear();
    }
    Future<Void> released = releases.isEmpty() ? Future.succeededFuture()
        : EventRepository.release(events.pool(), List.copyOf(releases)).recover(e -> Future.succeededFuture());
    Future<Void> written = outcomes.isEmpty() ? Future.succeededFuture()
        : EventRepository.complete(events.outcomes(), List.copyOf(outcomes), RETRY_WINDOW_SECONDS).recover(e -> Future.succeededFuture());
    return Future.all(released, written).compose(v -> wakeConsumer.unregister()).onComplete(v -> sender.close());
  }

  private String tokenPrefix() {
    return node + "|";
  }

  private void claim() {
    if (stopping) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    int room = Math.min(CLAIM_BATCH, MAX_LOCAL - backlog);
    if (room <= 0) {
      return;
    }
    List<String> full = new ArrayList<>();
    for (Endpoint e : endpoints.values()) {
      if (e.backlog() >= e.cap()) {
        full.add(e.clientId);
      }
    }
    claiming = true;
    claimAgain = false;
    String token = tokenPrefix() + Long.toString(++claims, 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
    EventRepository.claim(events.pool(), token, LEASE_SECONDS, full, room).onComplete(ar -> {
      claiming = false;
      if (ar.failed()) {
        log.warn("Claiming webhook deliveries failed: {}", ar.cause().toString());
        return;
      }
      List<Delivery> claimed = ar.result();
      moreDue = claimed.size() == room || !full.isEmpty();
      distribute(claimed);
      if (claimAgain || claimed.size() == room) {
        claim();
      }
    });
  }

  /** Queues claimed deliveries at their endpoints; what an endpoint has no room for is released at once. */
  private void distribute(List<Delivery> claimed) {
    for (Delivery d : claimed) {
      Endpoint e = endpoints.computeIfAbsent(d.clientId(), Endpoint::new);
      if (e.backlog() >= e.cap()) {
        releases.add(d);
        // Released rows are due now: someone (maybe this node, once it has room) must claim them.
        moreDue = true;
      } else {
        e.queue.add(d);
        backlog++;
      }
    }
    for (Endpoint e : endpoints.values()) {
      pump(e);
    }
    flushReleases();
    roomForDirect = backlog < MAX_LOCAL / 2;
  }

  private void forgetIdleEndpoints() {
    long idleSince = System.currentTimeMillis() - 60_000;
    endpoints.values().removeIf(e -> e.backlog() == 0 && e.lastActive < idleSince);
  }

  private void pump(Endpoint e) {
    while (e.inFlight < CONCURRENCY && !e.queue.isEmpty() && !stopping) {
      Delivery d = e.queue.poll();
      backlog--;
      if (d.leaseEndsAtMs() - System.currentTimeMillis() < WebhookSender.TIMEOUT_MS + 2_000) {
        // Its lease would run out mid-attempt and another dispatcher could post it at the same time.
        releases.add(d);
        continue;
      }
      e.inFlight++;
      e.lastActive = System.currentTimeMillis();
      send(e, d);
    }
    flushReleases();
    roomForDirect = backlog < MAX_LOCAL / 2;
  }

  private void send(Endpoint e, Delivery d) {
    long started = System.currentTimeMillis();
    Contexts.onContext(context, events.configs().get(d.clientId())).compose(config -> attempt(d, config)).onComplete(ar -> {
      e.inFlight--;
      if (ar.failed()) {
        log.warn("Webhook delivery {} failed unexpectedly: {}", d.id(), ar.cause().toString());
        record(new Outcome(d.id(), d.token(), "retry", backoffMs(d.attempts() + 1), null, null, ar.cause().toString()));
      } else {
        e.observe(System.currentTimeMillis() - started);
        record(ar.result());
      }
      pump(e);
      if (e.queue.isEmpty() && moreDue) {
        claim();
      }
    });
  }

  private Future<Outcome> attempt(Delivery d, Optional<ClientConfig> config) {
    if (config.isEmpty()) {
      return Future.succeededFuture(new Outcome(d.id(), d.token(), "failed", null, null, null, "the client no longer exists"));
    }
    ClientConfig c = config.get();
    if (c.webhookUrl() == null) {
      return Future.succeededFuture(new Outcome(d.id(), d.token(), "failed", null, null, null, "the client has no webhookUrl"));
    }
    return sender.post(c, d.eventId(), d.payload()).map(r -> {
      if (r.acknowledged()) {
        autoReply(d, r);
        return new Outcome(d.id(), d.token(), "delivered", null, r.url(), r.status(), null);
      }
      if (r.status() == 410) {
        disable(d, r.url());
        return new Outcome(d.id(), d.token(), "failed", null, r.url(), 410, "the endpoint answered 410 Gone: webhook disabled");
      }
      long delay = r.retryAfterMs() != null ? Math.min(Math.max(r.retryAfterMs(), 1_000), RETRY_WINDOW_SECONDS * 1000L)
          : backoffMs(d.attempts() + 1);
      return new Outcome(d.id(), d.token(), "retry", delay, r.url(), r.status() == 0 ? null : r.status(), r.error());
    });
  }

  /** Attempt n waits 1 s * 2^(n-1), at most an hour, with jitter over the upper half. */
  static long backoffMs(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MS, 1_000L << Math.min(attempt - 1, 30));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  /** A {@code message} webhook that answers {@code {"reply": "..."}} gets that text sent back to the chat. */
  private void autoReply(Delivery d, WebhookSender.Result r) {
    if (!"message".equals(d.event()) || r.body() == null || r.body().length() == 0) {
      return;
    }
    String reply;
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(r.body());
      reply = parsed instanceof JsonObject o && o.getValue("reply") instanceof String s ? s : null;
    } catch (Exception notJson) {
      return;
    }
    if (reply == null || reply.isBlank()) {
      return;
    }
    if (reply.codePointCount(0, reply.length()) > 4096) {
      log.warn("Auto-reply to event {} ignored: longer than 4096 characters", d.eventId());
      return;
    }
    JsonObject data = new JsonObject(d.payload()).getJsonObject("data", new JsonObject());
    String chat = data.getString("chatId");
    if (chat == null) {
      return;
    }
    events.replies().sendText(d.clientId(), d.deviceId(), chat, reply)
        .onFailure(e -> log.warn("Auto-reply to event {} of {}/{} failed: {}", d.eventId(), d.clientId(), d.deviceId(),
            e.getMessage()));
  }

  private void disable(Delivery d, String url) {
    String clientId = d.clientId();
    EventRepository.disableWebhook(events.pool(), clientId, url, d.id()).onComplete(ar -> {
      if (ar.succeeded()) {
        log.warn("Webhook {} of client {} answered 410 Gone: switched off ({} pending deliveries dead-lettered)",
            url, clientId, ar.result());
        events.configs().invalidate(clientId);
      } else {
        log.warn("Could not switch off webhook of client {}: {}", clientId, ar.cause().toString());
      }
    });
  }

  private void record(Outcome o) {
    outcomes.add(o);
    flushOutcomes();
  }

  /** Group commit for outcomes: one UPDATE per batch, one batch at a time. */
  private void flushOutcomes() {
    if (writingOutcomes || outcomes.isEmpty()) {
      return;
    }
    writingOutcomes = true;
    List<Outcome> batch = new ArrayList<>(outcomes.subList(0, Math.min(outcomes.size(), 1_000)));
    outcomes.subList(0, batch.size()).clear();
    EventRepository.complete(events.outcomes(), batch, RETRY_WINDOW_SECONDS).onComplete(ar -> {
      // Written once the database is back, within the rows' lease: a delivered event is not posted again.
      if (ar.failed() && putBack(ar.cause(), outcomes, batch, () -> {
        writingOutcomes = false;
        flushOutcomes();
      })) {
        return;
      }
      writingOutcomes = false;
      if (ar.failed()) {
        // The rows stay claimed until their lease ends, then are posted again: at least once.
        log.warn("Recording {} webhook outcome(s) failed: {}", batch.size(), ar.cause().toString());
      }
      flushOutcomes();
    });
  }

  private void flushReleases() {
    if (releasing || releases.isEmpty()) {
      return;
    }
    releasing = true;
    List<Delivery> batch = List.copyOf(releases);
    releases.clear();
    EventRepository.release(events.pool(), batch).onComplete(ar -> {
      if (ar.failed() && putBack(ar.cause(), releases, batch, () -> {
        releasing = false;
        flushReleases();
      })) {
        return;
      }
      releasing = false;
      flushReleases();
    });
  }

  /** A write that failed because the database is out of reach: its batch goes back in front, and {@code again} runs soon. */
  private <T> boolean putBack(Throwable failure, List<T> queue, List<T> batch, Runnable again) {
    if (stopping || !DbErrors.unreachable(failure)) {
      return false;
    }
    log.warn("Writing {} webhook outcome(s) or release(s) failed, retrying in {} ms: {}", batch.size(), WRITE_RETRY_MS,
        failure.toString());
    queue.addAll(0, batch);
    vertx.setTimer(WRITE_RETRY_MS, id -> again.run());
    return true;
  }

  private void purge() {
    if (purging) {
      return;
    }
    purging = true;
    EventRepository.purge(events.pool(), RETENTION_DAYS, PURGE_BATCH)
        .onComplete(ar -> purging = false)
        .onSuccess(n -> {
          if (n > 0) {
            log.info("Purged {} event(s) older than {} days", n, RETENTION_DAYS);
          }
        })
        .onFailure(e -> log.warn("Purging old events failed: {}", e.toString()));
  }

}
