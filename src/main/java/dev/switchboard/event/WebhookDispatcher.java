package dev.switchboard.event;

import dev.switchboard.event.EventRepository.Delivery;
import dev.switchboard.kernel.Addresses;
import dev.switchboard.kernel.Contexts;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.outbound.UrlGuard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the webhook outbox on this node. It claims due deliveries with a lease ({@code FOR UPDATE
 * SKIP LOCKED}, woken by new events and polling as a fallback) and takes the deliveries this node's
 * {@link EventService} stores already claimed for it; it queues them at their {@link Endpoint},
 * posts them ({@link DeliveryAttempts}) and writes outcomes and releases back in batches
 * ({@link DeliveryWrites}).
 *
 * <p>Isolation: each webhook is its own endpoint (a client with several has several). An endpoint at
 * its cap is left out of claims, and what it is handed beyond its cap is released at once, so a slow
 * or dead endpoint never holds the claims other webhooks need, of its own client or another's.
 */
public final class WebhookDispatcher extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final int LEASE_SECONDS = 30;
  /** Rows per claim statement. */
  static final int CLAIM_BATCH = 500;
  /** Rows queued at this node's endpoints at most; posts in flight (16 per endpoint at most) come on top. */
  static final int MAX_LOCAL = 5_000;
  static final long POLL_MS = 1_000;
  /** A post needs this much of its lease left (its timeout and a margin), or the row is released unposted. */
  private static final long MIN_LEASE_LEFT_MS = WebhookSender.TIMEOUT_MS + 2_000;

  private final Metrics metrics;
  private final EventService events;
  private final UrlGuard guard;
  private final String node;
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  /** Rows to release at the end of the current hand-over, in one statement. */
  private final List<Delivery> toRelease = new ArrayList<>();
  private WebhookSender sender;
  private DeliveryAttempts attempts;
  private DeliveryWrites writes;
  private MessageConsumer<Object> wakeConsumer;
  private long pollTimer = -1;
  private long claims;
  private boolean claiming;
  private boolean claimAgain;
  /** The last claim was cut short (a full batch, or endpoints left out): more may be due now. */
  private boolean moreDue;
  private volatile boolean stopping;
  /** Rows queued at the endpoints, not yet posted. */
  private int backlog;
  /** Read by the event writer on other threads: whether new deliveries may be handed here directly. */
  private volatile boolean roomForDirect = true;
  private volatile String directToken;

  public WebhookDispatcher(EventService events, UrlGuard guard, String node, Metrics metrics) {
    this.metrics = metrics;
    this.events = events;
    this.guard = guard;
    this.node = node;
  }

  /** Tells every dispatcher in the cluster that deliveries are due. */
  public static void wake(Vertx vertx) {
    vertx.eventBus().publish(Addresses.WEBHOOKS_WAKE, null);
  }

  /** The claim token for deliveries born claimed by this node, or null when it has no room for them now. */
  String directToken() {
    return roomForDirect && !stopping ? directToken : null;
  }

  /** Takes deliveries the event writer created already claimed for this node (with {@link #directToken}). */
  void adopt(List<Delivery> deliveries) {
    context.runOnContext(v -> {
      if (stopping) {
        writes.release(deliveries);
        return;
      }
      distribute(deliveries);
    });
  }

  @Override
  public Future<?> start() {
    directToken = tokenPrefix() + "direct-" + UUID.randomUUID().toString().substring(0, 8);
    sender = new WebhookSender(vertx, guard, Endpoint.CONCURRENCY * 2);
    attempts = new DeliveryAttempts(sender, events);
    writes = new DeliveryWrites(vertx, events.pool(), events.outcomes(), events.usage());
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
          claim();
        });
  }

  /** Releases what is queued and writes what is waiting; posts under way finish and record their outcome. */
  @Override
  public Future<?> stop() {
    stopping = true;
    events.dispatcher(null);
    vertx.cancelTimer(pollTimer);
    for (Endpoint e : endpoints.values()) {
      toRelease.addAll(e.drain());
    }
    releaseHeld();
    return writes.stop().compose(v -> wakeConsumer.unregister()).onComplete(v -> sender.close());
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
      if (e.full()) {
        full.add(e.key);
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
      Endpoint e = endpoints.computeIfAbsent(d.endpoint(), Endpoint::new);
      if (e.full()) {
        toRelease.add(d);
        // Released rows are due now: someone (maybe this node, once it has room) must claim them.
        moreDue = true;
      } else {
        e.enqueue(d);
        backlog++;
      }
    }
    for (Endpoint e : endpoints.values()) {
      post(e);
    }
    releaseHeld();
  }

  private void forgetIdleEndpoints() {
    long idleSince = System.currentTimeMillis() - Endpoint.IDLE_MS;
    endpoints.values().removeIf(e -> e.idleSince(idleSince));
  }

  /** Posts what the endpoint's limit allows, then releases what it could not post. */
  private void pump(Endpoint e) {
    post(e);
    releaseHeld();
  }

  private void post(Endpoint e) {
    Delivery d;
    while (!stopping && (d = e.poll()) != null) {
      backlog--;
      if (d.leaseEndsAtMs() - System.currentTimeMillis() < MIN_LEASE_LEFT_MS) {
        // Its lease would run out mid-attempt and another dispatcher could post it at the same time.
        toRelease.add(d);
        continue;
      }
      e.started();
      send(e, d);
    }
  }

  private void releaseHeld() {
    if (!toRelease.isEmpty()) {
      writes.release(List.copyOf(toRelease));
      toRelease.clear();
    }
    roomForDirect = backlog < MAX_LOCAL / 2;
  }

  private void send(Endpoint e, Delivery d) {
    long started = System.currentTimeMillis();
    Contexts.onContext(context, attempts.destination(d)).compose(to -> attempts.attempt(d, to))
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("Webhook delivery {} failed unexpectedly: {}", d.id(), ar.cause().toString());
            e.done(-1);
            writes.record(DeliveryAttempts.unexpected(d, ar.cause()));
          } else {
            long took = System.currentTimeMillis() - started;
            e.done(took);
            writes.record(ar.result());
            switch (ar.result().outcome()) {
              case "delivered" -> metrics.webhookDelivered(Duration.ofMillis(took));
              case "failed" -> metrics.webhookFailed(Duration.ofMillis(took), true);
              default -> metrics.webhookFailed(Duration.ofMillis(took), false);
            }
          }
          pump(e);
          if (!e.hasQueued() && moreDue) {
            claim();
          }
        });
  }
}
