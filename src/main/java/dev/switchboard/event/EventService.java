package dev.switchboard.event;

import dev.switchboard.store.DbErrors;
import dev.switchboard.store.Handoff;
import dev.switchboard.store.IdleWaiters;
import dev.switchboard.store.RetryTimer;
import dev.switchboard.tenant.ClientConfig;
import dev.switchboard.tenant.ClientConfigCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link EventSink}: applies the client's event switches, wraps the event in the envelope,
 * stores it with its webhook delivery when the client has a webhook (group commit: whatever arrives
 * while a write is under way goes into the next multi-row INSERT), then publishes it to the live
 * feeds and wakes the dispatchers.
 */
public final class EventService implements EventSink {

  private static final Logger log = LoggerFactory.getLogger(EventService.class);
  /**
   * Rows per INSERT, and INSERTs under way at once: batches grow with load, latency stays low when
   * idle. One write at a time keeps each device's events in order (ids, feed, delivery queue).
   */
  static final int MAX_BATCH = 1000;
  static final int MAX_WRITES = 1;
  /**
   * Waits before the attempts after a failed write. A statement that fails for itself is given up
   * after these; one that fails because the database cannot be reached is tried again every 2 s until
   * it is back, so that no event of an outage is lost.
   */
  private static final long[] WRITE_RETRY_MS = {100, 500, 2_000};
  /** Events held in memory at most (while the database is out of reach); beyond that an event is refused. */
  static final int MAX_WAITING = 200_000;

  /** {@code keyed}: the id comes from the network's key, so the event may have been stored already. */
  private record Pending(EventRepository.NewEvent row, JsonObject envelope, boolean keyed, Promise<Void> done, Context caller) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Pool outcomes;
  private final ClientConfigCache configs;
  private volatile ReplySender replies;
  private volatile WebhookDispatcher dispatcher;
  private final Object lock = new Object();
  private List<Pending> buffer = new ArrayList<>();
  private int writing;
  private final IdleWaiters idleWaiters = new IdleWaiters();
  private final RetryTimer retries;

  /**
   * {@code outcomes} records what became of delivery attempts and need not wait for the disk (see
   * {@link dev.switchboard.store.Db#redoablePool}): an outcome lost in a crash of PostgreSQL leaves its
   * delivery claimed until the claim runs out, and it is attempted again, with the same event id.
   */
  public EventService(Vertx vertx, Pool pool, Pool outcomes, ClientConfigCache configs, ReplySender replies) {
    this.vertx = vertx;
    this.pool = pool;
    this.outcomes = outcomes;
    this.configs = configs;
    this.replies = replies;
    this.retries = new RetryTimer(vertx);
  }

  public ReplySender replies() {
    return replies;
  }

  /** Swaps the auto-reply path (the messaging package's durable queue, once it exists). */
  public void replies(ReplySender replies) {
    this.replies = replies;
  }

  public ClientConfigCache configs() {
    return configs;
  }

  Pool pool() {
    return pool;
  }

  /** Where attempts' outcomes are written (commits that do not wait for the disk). */
  Pool outcomes() {
    return outcomes;
  }

  /** This node's dispatcher: new deliveries go to it directly, already claimed, while it has room. */
  void dispatcher(WebhookDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public Future<Void> emit(String clientId, String deviceId, String event, JsonObject data, String key) {
    Context caller = Vertx.currentContext();
    return configs.get(clientId).compose(config -> accept(clientId, deviceId, event, data, key, config, caller));
  }

  private Future<Void> accept(String clientId, String deviceId, String event, JsonObject data, String key,
      Optional<ClientConfig> config, Context caller) {
    if (config.isEmpty() || !config.get().eventEnabled(event)) {
      return Future.succeededFuture();
    }
    JsonObject envelope = Events.envelope(event, clientId, deviceId, data == null ? new JsonObject() : data, key);
    if (config.get().webhookUrl() == null) {
      // Nothing to deliver later: only webhook deliveries read stored events, so the event goes to the live feeds alone.
      Events.publish(vertx, envelope);
      return Future.succeededFuture();
    }
    var row = new EventRepository.NewEvent(envelope.getString("id"), clientId, deviceId, event, envelope.encode());
    Promise<Void> done = Promise.promise();
    List<Pending> batch = null;
    synchronized (lock) {
      if (buffer.size() >= MAX_WAITING) {
        log.error("Lost an event for webhooks: {} events wait to be stored already", buffer.size());
        Events.publish(vertx, envelope);
        return Future.failedFuture("too many events waiting to be stored");
      }
      buffer.add(new Pending(row, envelope, key != null, done, caller));
      if (writing < MAX_WRITES) {
        writing++;
        batch = take();
      }
    }
    if (batch != null) {
      write(batch, 0);
    }
    return done.future();
  }

  /** Under the lock: the next batch, at most MAX_BATCH rows. */
  private List<Pending> take() {
    if (buffer.size() <= MAX_BATCH) {
      List<Pending> batch = buffer;
      buffer = new ArrayList<>();
      return batch;
    }
    List<Pending> batch = new ArrayList<>(buffer.subList(0, MAX_BATCH));
    buffer = new ArrayList<>(buffer.subList(MAX_BATCH, buffer.size()));
    return batch;
  }

  private void write(List<Pending> batch, int attempt) {
    WebhookDispatcher local = dispatcher;
    String token = local == null ? null : local.directToken();
    EventRepository.insert(pool, batch.stream().map(Pending::row).toList(), token, WebhookDispatcher.LEASE_SECONDS).onComplete(ar -> {
      boolean unreachable = ar.failed() && DbErrors.unreachable(ar.cause());
      if (ar.failed() && (attempt < WRITE_RETRY_MS.length || unreachable)) {
        long delay = WRITE_RETRY_MS[Math.min(attempt, WRITE_RETRY_MS.length - 1)];
        if (attempt == 0 || !unreachable) {
          log.warn("Storing {} event(s) failed, retrying in {} ms{}: {}", batch.size(), delay,
              unreachable ? " and every " + delay + " ms until the database is back" : "", ar.cause().toString());
        }
        if (attempt == 0) {
          // The live feed is best effort: it gets the event now, not once the database is back.
          batch.forEach(p -> Events.publish(vertx, p.envelope()));
        }
        // Not on the caller's context: an actor undeployed meanwhile would take the timer with it.
        retries.after(delay, () -> write(batch, attempt + 1));
        return;
      }
      if (ar.failed()) {
        log.error("Lost {} event(s) for webhooks: {}", batch.size(), ar.cause().toString());
      } else if (attempt > 0) {
        log.info("Stored {} event(s) after {} attempt(s)", batch.size(), attempt + 1);
      }
      if (attempt == 0) {
        // Stored now, as opposed to stored before under the same (keyed) id: only the former is news.
        Set<String> stored = new HashSet<>();
        if (ar.succeeded()) {
          ar.result().forEach(d -> stored.add(d.eventId()));
        }
        for (Pending p : batch) {
          if (!p.keyed() || ar.failed() || stored.contains(p.row().id())) {
            Events.publish(vertx, p.envelope());
          }
        }
      }
      if (ar.succeeded()) {
        if (token != null) {
          local.adopt(ar.result());
        } else {
          WebhookDispatcher.wake(vertx);
        }
      }
      Handoff handoff = new Handoff();
      for (Pending p : batch) {
        handoff.add(p.caller(), ar.succeeded() ? () -> p.done().complete() : () -> p.done().fail(ar.cause()));
      }
      handoff.run();
      List<Pending> next = null;
      Runnable idle = () -> { };
      synchronized (lock) {
        if (buffer.isEmpty()) {
          writing--;
          if (writing == 0) {
            idle = idleWaiters.becameIdle();
          }
        } else {
          next = take();
        }
      }
      if (next != null) {
        write(next, 0);
      }
      idle.run();
    });
  }

  /** Completes once every event handed in so far is stored (for a graceful shutdown). */
  public Future<Void> flush() {
    synchronized (lock) {
      return idleWaiters.whenIdle(writing == 0 && buffer.isEmpty());
    }
  }
}
