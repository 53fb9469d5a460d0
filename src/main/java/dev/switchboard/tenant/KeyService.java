package dev.switchboard.tenant;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Principal;
import dev.switchboard.kernel.Times;
import dev.switchboard.store.Db;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a credential into a {@link Principal} and manages client keys. Keys are looked up by their
 * SHA-256 and the answer is kept for {@link #CACHE_MS}, so a busy client costs no query per request.
 * A key that is issued, rotated or revoked, or whose client is deleted, is forgotten at once on every
 * node sharing the database, clustered or not: the change's transaction sends a PostgreSQL NOTIFY that
 * each node LISTENs to, and the node that made the change answers only once every listening node has
 * said it heard (see {@link Change}). A node that is not listening keeps no answers; one whose LISTEN connection
 * dropped and came back starts empty, and an answer kept across the drop lives at most {@link #CACHE_MS}.
 * {@code lastUsedAt} is collected in memory and written in one batch every few seconds. JWTs are
 * {@link Tokens}, looked up by the id of the key they were issued with, through the same cache.
 * What holds a credential beyond one request (a live feed) hears of every change with {@link #onChange}.
 */
public final class KeyService {

  private static final Logger log = LoggerFactory.getLogger(KeyService.class);

  static final long FLUSH_MS = 5_000;
  static final long CACHE_MS = 5_000;
  static final int CACHE_MAX = 10_000;
  /** The NOTIFY channel where a changed key is announced; the payload is a change id, a space, the client id. */
  static final String CHANNEL = "switchboard_keys";
  /** Where a node says it has heard (and acted on) another's key change; the payload is the change id. */
  static final String HEARD_CHANNEL = "switchboard_keys_heard";
  /** How long the changing node waits for the other nodes to hear of a change before answering anyway (and saying so). */
  static final long ECHO_MS = 2_000;
  private static final String HEARD = "SELECT pg_notify('" + HEARD_CHANNEL + "', $1)";
  /** The nodes listening for key changes: each LISTEN connection carries this application name. */
  private static final String LISTENERS = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
      + "AND application_name = '" + Db.LISTENER_NAME + "'";
  private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', $1)";
  private static final String FIND = "SELECT client_id, key_id, expires_at FROM client_keys WHERE key_hash = $1";
  private static final String FIND_ID = "SELECT expires_at FROM client_keys WHERE key_id = $1 AND client_id = $2";
  private static final String UPSERT = """
      INSERT INTO client_keys (client_id, key_id, key_hash, prefix, expires_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (client_id) DO UPDATE SET key_id = EXCLUDED.key_id, key_hash = EXCLUDED.key_hash,
        prefix = EXCLUDED.prefix, expires_at = EXCLUDED.expires_at, created_at = now(), last_used_at = NULL""";
  private static final String DELETE = "DELETE FROM client_keys WHERE client_id = $1";
  private static final String TOUCH = """
      UPDATE client_keys SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2) WHERE key_id = $1""";

  private final Pool pool;
  private final byte[] masterHash;
  private final Tokens tokens;
  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();
  private final Map<UUID, OffsetDateTime> lastUsed = new ConcurrentHashMap<>();
  private final long flushTimer;
  private final Vertx vertx;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  /** When each client's key was last forgotten: an answer read before that is not kept. */
  private final Map<String, Long> forgotten = new ConcurrentHashMap<>();
  private final PgSubscriber changes;
  private volatile boolean listening;
  /** This node's changes not yet heard by every listening node, by change id. */
  private final Map<String, Change> pending = new ConcurrentHashMap<>();

  /** A client key found in the database: who it is (and until when it is valid), and when it was read. */
  private record Known(Principal principal, long readAt) {
  }

  public KeyService(Vertx vertx, Pool pool, Secrets secrets, PgSubscriber changes) {
    this.vertx = vertx;
    this.pool = pool;
    this.masterHash = secrets.masterKeyHash();
    this.tokens = new Tokens(vertx, secrets);
    this.flushTimer = vertx.setPeriodic(FLUSH_MS, id -> flushLastUsed());
    this.changes = changes;
    // (Re)subscribed: a change may have been missed while the connection was down, so start empty.
    changes.channel(HEARD_CHANNEL).handler(this::acknowledged);
    changes.channel(CHANNEL).handler(this::notified)
        .subscribeHandler(v -> {
          known.clear();
          listening = true;
          changed(null);
        });
    // Given up reconnecting: keep nothing from now on.
    changes.closeHandler(v -> {
      listening = false;
      known.clear();
    });
  }

  /** Listens for key changes of other nodes; until then (and whenever that connection is down) nothing is kept. */
  public Future<Void> start() {
    return changes.connect().onFailure(e -> log.warn("Not listening for key changes ({}); keys are read on every request",
        e.getMessage())).otherwiseEmpty();
  }

  /**
   * Calls {@code listener} on every node with the client id of each key change heard (after the
   * change's commit and once its cache entries are gone), or with null when changes may have been
   * missed (the LISTEN connection came back): then any client's key may have changed.
   */
  public void onChange(Consumer<String> listener) {
    changeListeners.add(listener);
  }

  /** Whether a credential may stand in a URL: a JWT, never an API key (they do not expire within minutes). */
  public boolean isToken(String credential) {
    return Tokens.shaped(credential) && !ApiKeys.same(ApiKeys.hash(credential), masterHash);
  }

  /** Whether key changes are being heard (and answers kept). */
  boolean listening() {
    return listening;
  }

  /** A change to the client's key (issue, rotation, revocation, or deletion of the client) about to be made. */
  public Change change(String clientId) {
    return new Change(clientId, UUID.randomUUID().toString());
  }

  /**
   * One change to a client's key. {@link #announce} goes inside the change's transaction;
   * {@link #settle} gets the transaction's outcome and, when it committed, completes only once every
   * node listening at the time has forgotten the old key. Each node that hears another's change
   * forgets it and then answers on {@link #HEARD_CHANNEL}; the changing node counts those answers
   * and its own notification coming back against the listeners PostgreSQL had when the change was
   * announced. Without that, a key revoked through one node could still be accepted from another's
   * cache for the milliseconds its notification takes. A node that does not answer within
   * {@link #ECHO_MS} (stopped, or cut off) is not waited for longer; the answer says so in the log.
   */
  public final class Change {

    private final String clientId;
    private final String id;
    private final Promise<Void> allHeard = Promise.promise();
    private final AtomicInteger heard = new AtomicInteger();
    private volatile int listeners;

    private Change(String clientId, String id) {
      this.clientId = clientId;
      this.id = id;
    }

    /** Inside the change's transaction: every node is told at its commit. */
    public Future<Void> announce(SqlClient tx) {
      Future<Void> counted = Future.succeededFuture();
      if (listening) {
        counted = tx.query(LISTENERS).execute().map(rows -> {
          listeners = Math.max(1, rows.iterator().next().getInteger(0));
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
      forget(clientId);
      if (!pending.containsKey(id)) {
        return Future.succeededFuture(committed.result());
      }
      return allHeard.future().timeout(ECHO_MS, TimeUnit.MILLISECONDS).transform(done -> {
        pending.remove(id);
        if (done.failed()) {
          log.warn("The key change of client {} was heard by {} of {} listening node(s) within {} ms; the others "
              + "may accept the old key until they hear of it", clientId, heard.get(), listeners, ECHO_MS);
        }
        return Future.succeededFuture(committed.result());
      });
    }

    private void heardOnce() {
      if (heard.incrementAndGet() >= listeners && pending.remove(id) != null) {
        allHeard.tryComplete();
      }
    }
  }

  /** A key change announced by any node, this one included. */
  private void notified(String payload) {
    int space = payload.indexOf(' ');
    forget(payload.substring(space + 1));
    if (space > 0) {
      String changeId = payload.substring(0, space);
      Change mine = pending.get(changeId);
      if (mine != null) {
        mine.heardOnce();
      } else {
        pool.preparedQuery(HEARD).execute(Tuple.of(changeId)).onFailure(e ->
            log.warn("Could not tell that key change {} was heard: {}", changeId, e.getMessage()));
      }
    }
  }

  /** Another node has forgotten the key of one of this node's changes. */
  private void acknowledged(String changeId) {
    Change mine = pending.get(changeId);
    if (mine != null) {
      mine.heardOnce();
    }
  }

  private void forget(String clientId) {
    forgotten.put(clientId, System.nanoTime());
    known.values().removeIf(k -> clientId.equals(k.principal().clientId()));
    changed(clientId);
  }

  private void changed(String clientId) {
    for (Consumer<String> listener : changeListeners) {
      try {
        listener.accept(clientId);
      } catch (RuntimeException e) {
        log.warn("A key change listener failed: {}", e.toString());
      }
    }
  }

  public Future<Principal> resolve(String credential) {
    if (credential.startsWith("sb_")) {
      return resolveClientKey(credential);
    }
    if (ApiKeys.same(ApiKeys.hash(credential), masterHash)) {
      return Future.succeededFuture(Principal.MASTER);
    }
    if (credential.chars().filter(c -> c == '.').count() == 2) {
      return tokens.verify(credential, this::resolveKeyId);
    }
    return Future.failedFuture(ApiException.unauthorized("unknown API key"));
  }

  private Future<Principal> resolveClientKey(String key) {
    byte[] hash = ApiKeys.hash(key);
    return cached(HexFormat.of().formatHex(hash), "unknown, rotated or revoked API key",
        () -> pool.preparedQuery(FIND).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash))).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return Principal.client(row.getString("client_id"), row.getUUID("key_id").toString(),
              row.getOffsetDateTime("expires_at").toInstant());
        }))
        .onSuccess(principal -> lastUsed.put(UUID.fromString(principal.keyId()), OffsetDateTime.now(ZoneOffset.UTC)));
  }

  /** The client key a token was issued with, by its id: a token dies with its key. */
  private Future<Principal> resolveKeyId(String clientId, String keyId) {
    UUID id;
    try {
      id = UUID.fromString(keyId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ApiException.unauthorized("invalid token"));
    }
    return cached("kid:" + keyId + " " + clientId, "the key that issued this token is no longer valid",
        () -> pool.preparedQuery(FIND_ID).execute(Tuple.of(id, clientId)).map(rows -> rows.size() == 0 ? null
            : Principal.client(clientId, keyId, rows.iterator().next().getOffsetDateTime("expires_at").toInstant())));
  }

  /**
   * A client key, kept under {@code cacheKey} for {@link #CACHE_MS} while changes are heard, else
   * read (lazily: {@code read} is only called on a miss).
   */
  private Future<Principal> cached(String cacheKey, String unknown, Supplier<Future<Principal>> read) {
    Known cached = known.get(cacheKey);
    if (cached != null && listening && System.nanoTime() - cached.readAt() < TimeUnit.MILLISECONDS.toNanos(CACHE_MS)) {
      return valid(cached.principal());
    }
    long readAt = System.nanoTime();
    return read.get().compose(found -> {
      if (found == null) {
        known.remove(cacheKey);
        return Future.failedFuture(ApiException.unauthorized(unknown));
      }
      Long forgot = forgotten.get(found.clientId());
      if (listening && (forgot == null || forgot - readAt < 0)) {
        if (known.size() >= CACHE_MAX) {
          known.clear();
        }
        known.put(cacheKey, new Known(found, readAt));
      }
      return valid(found);
    });
  }

  private static Future<Principal> valid(Principal key) {
    if (key.validUntil().isBefore(Instant.now())) {
      return Future.failedFuture(ApiException.unauthorized("this API key has expired"));
    }
    return Future.succeededFuture(key);
  }

  /** A short-lived JWT with the caller's scope, bound to the caller's key. */
  public JsonObject issueToken(Principal principal, int ttlSeconds) {
    return tokens.issue(principal, ttlSeconds);
  }

  /** Creates or replaces the client's key inside {@code sql}'s transaction; the key is returned once. */
  public Future<JsonObject> replaceKey(SqlClient sql, Change change, int ttlDays) {
    String clientId = change.clientId;
    String key = ApiKeys.newClientKey();
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusDays(ttlDays);
    return sql.preparedQuery(UPSERT)
        .execute(Tuple.of(clientId, UUID.randomUUID(), io.vertx.core.buffer.Buffer.buffer(ApiKeys.hash(key)),
            ApiKeys.prefix(key), expires))
        .compose(ignored -> change.announce(sql))
        .map(ignored -> new JsonObject().put("key", key).put("prefix", ApiKeys.prefix(key))
            .put("expiresAt", Times.iso(expires)));
  }

  public Future<Boolean> revoke(SqlClient sql, Change change) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(change.clientId))
        .compose(rows -> change.announce(sql).map(rows.rowCount() > 0));
  }

  /** The pending in-memory lastUsedAt of a key, newer than the stored one until the next flush. */
  public OffsetDateTime pendingLastUsed(UUID keyId) {
    return lastUsed.get(keyId);
  }

  public Future<Void> flushLastUsed() {
    if (lastUsed.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (UUID id : List.copyOf(lastUsed.keySet())) {
      OffsetDateTime at = lastUsed.remove(id);
      if (at != null) {
        batch.add(Tuple.of(id, at));
      }
    }
    return pool.preparedQuery(TOUCH).executeBatch(batch).<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  public Future<Void> close() {
    vertx.cancelTimer(flushTimer);
    listening = false;
    return changes.close().transform(ar -> flushLastUsed());
  }
}
