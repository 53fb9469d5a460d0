package dev.switchboard.event;

import dev.switchboard.kernel.Contexts;
import dev.switchboard.store.GroupCommit;
import dev.switchboard.store.RetryTimer;
import dev.switchboard.store.UsageRollup;
import dev.switchboard.tenant.ClientConfig;
import dev.switchboard.tenant.ClientConfigCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link EventSink}: applies the client's event switches, wraps the event in the envelope,
 * stores it with one delivery per webhook that takes it (the v1 webhookUrl, and each of the client's
 * {@link Webhooks} whose filters match), in one INSERT (group commit: whatever arrives while a write
 * is under way goes into the next multi-row INSERT), then publishes it to the live feeds and hands
 * the new deliveries to this node's dispatcher. Also the deliveries API's list and manual retry.
 */
public final class EventService implements EventSink {

  private static final Logger log = LoggerFactory.getLogger(EventService.class);
  /**
   * Rows per INSERT; one INSERT under way at a time, which keeps each device's events in order (ids,
   * feed, delivery queue). Batches grow with load, and a lone event is written at once.
   */
  static final int MAX_BATCH = 1000;
  /** Events held in memory at most (while the database is out of reach); beyond that an event is refused. */
  static final int MAX_WAITING = 200_000;

  /**
   * {@code keyed}: the id comes from the network's key, so the event may have been stored already.
   * {@code published}: it has gone to the live feeds, which get an event once at most.
   */
  private record Pending(EventRepository.NewEvent row, JsonObject envelope, boolean keyed, AtomicBoolean published) {

    void publishOnce(Vertx vertx) {
      if (published.compareAndSet(false, true)) {
        Events.publish(vertx, envelope);
      }
    }
  }

  private final Vertx vertx;
  private final UsageRollup usage;
  private final Pool pool;
  private final Pool outcomes;
  private final ClientConfigCache configs;
  private final Webhooks webhooks;
  private final GroupCommit<Pending, Void> commit;
  private final ReplySender replies;
  private volatile WebhookDispatcher dispatcher;

  /**
   * {@code outcomes} records what became of delivery attempts and need not wait for the disk (see
   * {@link dev.switchboard.store.Db#redoablePool}): an outcome lost in a crash of PostgreSQL leaves its
   * delivery claimed until the claim runs out, and it is attempted again, with the same event id.
   * Events wait for a database that cannot be reached ({@link GroupCommit#retryWhileUnreachable}), so
   * that no event of an outage is lost: their callers acknowledge them upstream only once stored. A
   * batch that fails for itself is written again event by event, so only the bad event is lost.
   */
  public EventService(Vertx vertx, Pool pool, Pool outcomes, ClientConfigCache configs, Webhooks webhooks,
      ReplySender replies, UsageRollup usage) {
    this.usage = usage;
    this.vertx = vertx;
    this.pool = pool;
    this.outcomes = outcomes;
    this.configs = configs;
    this.webhooks = webhooks;
    this.replies = replies;
    this.commit = GroupCommit.of("events", 1, MAX_BATCH, MAX_WAITING, this::store);
    commit.retryWhileUnreachable(new RetryTimer(vertx));
  }

  /** Where the counts of webhook outcomes go, for the stats API. */
  UsageRollup usage() {
    return usage;
  }

  /** Where webhooks' auto-replies are sent: the node's durable outbox of every send. */
  public ReplySender replies() {
    return replies;
  }

  public ClientConfigCache configs() {
    return configs;
  }

  Webhooks webhooks() {
    return webhooks;
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
    // A cached config's future may belong to another context: its answer is brought back to this
    // caller's, where the group commit then answers too, so an actor's callbacks stay on its own thread.
    Context caller = Vertx.currentContext();
    Future<Client> client = configs.get(clientId).compose(config -> config.isEmpty()
        ? Future.succeededFuture(new Client(null, List.of()))
        : webhooks.of(clientId).map(hooks -> new Client(config.get(), hooks)));
    return (caller == null ? client : Contexts.onContext(caller, client))
        .compose(c -> accept(clientId, deviceId, event, data, key, c));
  }

  /** A client as an event needs it: its config (null when it is gone) and its webhooks. */
  private record Client(ClientConfig config, List<Webhook> webhooks) {
  }

  private Future<Void> accept(String clientId, String deviceId, String event, JsonObject data, String key, Client client) {
    if (client.config() == null || !client.config().eventEnabled(event)) {
      return Future.succeededFuture();
    }
    JsonObject envelope = Events.envelope(event, clientId, deviceId, data == null ? new JsonObject() : data, key);
    List<String> targets = new ArrayList<>(1 + client.webhooks().size());
    if (client.config().webhookUrl() != null) {
      targets.add(null);
    }
    for (Webhook w : client.webhooks()) {
      if (w.takes(event, deviceId)) {
        targets.add(w.webhookId());
      }
    }
    if (targets.isEmpty()) {
      // Nothing to deliver later: only webhook deliveries read stored events, so the event goes to the live feeds alone.
      Events.publish(vertx, envelope);
      return Future.succeededFuture();
    }
    var row = new EventRepository.NewEvent(envelope.getString("id"), clientId, deviceId, event, envelope.encode(), targets);
    Pending pending = new Pending(row, envelope, key != null, new AtomicBoolean());
    return commit.submit(pending).recover(failure -> {
      if (failure instanceof GroupCommit.Overloaded) {
        log.error("Lost an event for webhooks: {} events wait to be stored already", MAX_WAITING);
        pending.publishOnce(vertx);
        return Future.failedFuture("too many events waiting to be stored");
      }
      log.error("Lost event {} for webhooks: {}", row.id(), failure.toString());
      return Future.failedFuture(failure);
    });
  }

  /**
   * Writes one batch. The deliveries are born claimed by this node's dispatcher when it has room
   * (which saves it a claim round trip) and handed to it; otherwise every dispatcher is woken.
   */
  private Future<List<Void>> store(List<Pending> batch) {
    WebhookDispatcher local = dispatcher;
    String token = local == null ? null : local.directToken();
    List<EventRepository.NewEvent> rows = batch.stream().map(Pending::row).toList();
    return EventRepository.insert(pool, rows, token, WebhookDispatcher.LEASE_SECONDS).transform(ar -> {
      if (ar.failed()) {
        // The live feed is best effort: it gets the event now, not once the database is back.
        batch.forEach(p -> p.publishOnce(vertx));
        return Future.failedFuture(ar.cause());
      }
      // Stored now, as opposed to stored before under the same (keyed) id: only the former is news.
      Set<String> stored = new HashSet<>();
      ar.result().forEach(d -> stored.add(d.eventId()));
      for (Pending p : batch) {
        if (!p.keyed() || stored.contains(p.row().id())) {
          p.publishOnce(vertx);
        }
      }
      if (token != null) {
        local.adopt(ar.result());
      } else {
        WebhookDispatcher.wake(vertx);
      }
      return Future.succeededFuture(Collections.nCopies(batch.size(), null));
    });
  }

  /** Completes once every event handed in so far is stored (for a graceful shutdown). */
  public Future<Void> flush() {
    return commit.flush();
  }

  /**
   * The client's deliveries in {@code status} (all when null), of one webhook when {@code webhookId}
   * is given, newest first, below the id {@code before} when given.
   */
  Future<List<WebhookDelivery>> deliveries(String clientId, String status, String webhookId, Long before, int limit) {
    return EventRepository.list(pool, clientId, status, webhookId, before, limit);
  }

  /** Makes one of the client's deliveries due now, with a fresh retry window, and wakes the dispatchers; empty when it has none such. */
  Future<Optional<WebhookDelivery>> retry(String clientId, long id) {
    return EventRepository.retry(pool, clientId, id).map(d -> {
      if (d != null) {
        WebhookDispatcher.wake(vertx);
      }
      return Optional.ofNullable(d);
    });
  }
}
