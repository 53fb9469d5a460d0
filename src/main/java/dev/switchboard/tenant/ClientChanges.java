package dev.switchboard.tenant;

import dev.switchboard.store.Db;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way every node hears that a client changed (its key, its config, or its existence), so
 * each cache of client data ({@link KeyService}'s credentials, {@link ClientConfigCache}) drops its
 * copy. A change sends a PostgreSQL NOTIFY that every node LISTENs to: it reaches every node sharing
 * the database, clustered or not, and, sent inside the change's transaction, only at its commit.
 *
 * <p>A {@link Change} made through one node answers only once every listening node has said it heard
 * (or after {@link #ECHO_MS}): without that a key revoked through one node could still be accepted
 * from another's cache for the milliseconds its notification takes. While the LISTEN connection is
 * down changes may be missed: {@link #listening()} is false, and when it comes back every listener is
 * told {@code null} (anything may have changed).
 */
public final class ClientChanges {

  private static final Logger log = LoggerFactory.getLogger(ClientChanges.class);

  /** Where a change is announced; the payload is a change id (empty when nobody waits), a space, the client id. */
  static final String CHANNEL = "switchboard_keys";
  /** Where a node says it has heard (and acted on) another's change; the payload is the change id. */
  static final String HEARD_CHANNEL = "switchboard_keys_heard";
  /** How long the changing node waits for the other nodes to hear of a change before answering anyway (and saying so). */
  static final long ECHO_MS = 2_000;
  private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', $1)";
  private static final String HEARD = "SELECT pg_notify('" + HEARD_CHANNEL + "', $1)";
  /** The nodes listening for changes: each LISTEN connection carries this application name. */
  private static final String LISTENERS = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
      + "AND application_name = '" + Db.LISTENER_NAME + "'";

  private final Pool pool;
  private final PgSubscriber subscriber;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  /** This node's changes not yet heard by every listening node, by change id. */
  private final Map<String, Change> pending = new ConcurrentHashMap<>();
  private volatile boolean listening;

  public ClientChanges(Pool pool, PgSubscriber subscriber) {
    this.pool = pool;
    this.subscriber = subscriber;
    subscriber.channel(HEARD_CHANNEL).handler(this::acknowledged);
    // (Re)subscribed: a change may have been missed while the connection was down, so every cache starts empty.
    subscriber.channel(CHANNEL).handler(this::notified).subscribeHandler(v -> {
      changed(null);
      listening = true;
    });
    // Given up reconnecting: the caches read on every use (or within their TTL) from now on.
    subscriber.closeHandler(v -> listening = false);
  }

  /** Connects the LISTEN connection; a node that cannot listen still runs, with its caches off. */
  public Future<Void> start() {
    return subscriber.connect().onFailure(e -> log.warn("Not listening for client changes ({}); keys are read on "
        + "every request", e.getMessage())).otherwiseEmpty();
  }

  /** Whether changes are being heard: only then may a cache keep what it read. */
  public boolean listening() {
    return listening;
  }

  /**
   * Calls {@code listener} on every node with the client id of each change heard (after its commit),
   * or with null when changes may have been missed. Listeners run in the order they were added: the
   * caches add theirs when built, so whoever reads through a cache hears of a change after it forgot.
   */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** A change to the client (key, config, or deletion) about to be made in a transaction. */
  public Change change(String clientId) {
    return new Change(clientId, UUID.randomUUID().toString());
  }

  /**
   * Tells every node that the client changed in a transaction that has already committed (a write
   * made outside this package): forgotten here at once, elsewhere as soon as the NOTIFY arrives.
   */
  public Future<Void> announce(String clientId) {
    changed(clientId);
    return pool.preparedQuery(NOTIFY).execute(Tuple.of(" " + clientId)).<Void>mapEmpty()
        .onFailure(e -> log.warn("Could not tell the other nodes that client {} changed: {}", clientId, e.getMessage()));
  }

  /**
   * One change to a client. {@link #announce} goes inside the change's transaction; {@link #settle}
   * gets the transaction's outcome and, when it committed, completes only once every node listening
   * at the time has forgotten the old state. Each node that hears another's change forgets it and
   * then answers on {@link #HEARD_CHANNEL}; the changing node counts those answers and its own
   * notification coming back against the listeners PostgreSQL had when the change was announced. A
   * node that does not answer within {@link #ECHO_MS} (stopped, or cut off) is not waited for longer;
   * the log says so.
   */
  public final class Change {

    private final String clientId;
    private final String id;
    private final Promise<Void> allHeard = Promise.promise();
    private final AtomicInteger heard = new AtomicInteger();
    private volatile int expected;

    private Change(String clientId, String id) {
      this.clientId = clientId;
      this.id = id;
    }

    public String clientId() {
      return clientId;
    }

    /** Inside the change's transaction: every node is told at its commit. */
    public Future<Void> announce(SqlClient tx) {
      Future<Void> counted = Future.succeededFuture();
      if (listening) {
        counted = tx.query(LISTENERS).execute().map(rows -> {
          expected = Math.max(1, rows.iterator().next().getInteger(0));
          pending.put(id, this);
          return null;
        });
      }
      return counted.compose(v -> tx.preparedQuery(NOTIFY).execute(Tuple.of(id + " " + clientId))).mapEmpty();
    }

    /** The transaction's outcome, once the other nodes have heard of it (or {@link #ECHO_MS} has passed). */
    public <T> Future<T> settle(AsyncResult<T> committed) {
      if (committed.failed()) {
        pending.remove(id);
        return Future.failedFuture(committed.cause());
      }
      changed(clientId);
      if (!pending.containsKey(id)) {
        return Future.succeededFuture(committed.result());
      }
      return allHeard.future().timeout(ECHO_MS, TimeUnit.MILLISECONDS).transform(done -> {
        pending.remove(id);
        if (done.failed()) {
          log.warn("The change of client {} was heard by {} of {} listening node(s) within {} ms; the others "
              + "may use what they kept of it until they hear of it", clientId, heard.get(), expected, ECHO_MS);
        }
        return Future.succeededFuture(committed.result());
      });
    }

    private void heardOnce() {
      if (heard.incrementAndGet() >= expected && pending.remove(id) != null) {
        allHeard.tryComplete();
      }
    }
  }

  /** A change announced by any node, this one included. */
  private void notified(String payload) {
    int space = payload.indexOf(' ');
    changed(payload.substring(space + 1));
    if (space > 0) {
      String changeId = payload.substring(0, space);
      Change mine = pending.get(changeId);
      if (mine != null) {
        mine.heardOnce();
      } else {
        pool.preparedQuery(HEARD).execute(Tuple.of(changeId)).onFailure(e ->
            log.warn("Could not tell that change {} was heard: {}", changeId, e.getMessage()));
      }
    }
  }

  /** Another node has forgotten what it kept of one of this node's changes. */
  private void acknowledged(String changeId) {
    Change mine = pending.get(changeId);
    if (mine != null) {
      mine.heardOnce();
    }
  }

  private void changed(String clientId) {
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(clientId);
      } catch (RuntimeException e) {
        log.warn("A client change listener failed: {}", e.toString());
      }
    }
  }

  public Future<Void> close() {
    listening = false;
    return subscriber.close();
  }
}
