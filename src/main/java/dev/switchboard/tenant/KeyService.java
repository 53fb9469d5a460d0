package dev.switchboard.tenant;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a credential (the master key, a client key, or a JWT from {@link Tokens}) into a
 * {@link Principal}. Client keys are looked up by their SHA-256, tokens by the id of the key they
 * were issued with, and each answer is kept for {@link #CACHE_MS}, so a busy client costs no query per
 * request. Answers are kept only while {@link ClientChanges} hears every change, which drops a
 * client's answers on every node as soon as its key is issued, rotated or revoked or it is deleted;
 * a node that does not hear changes keeps nothing.
 */
public final class KeyService {

  static final long CACHE_MS = 5_000;
  static final int CACHE_MAX = 10_000;

  private final Pool pool;
  private final byte[] masterHash;
  private final Tokens tokens;
  private final ClientChanges changes;
  private final LastUsed lastUsed;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  /** When each client's answers were last dropped: an answer read before that is not kept. */
  private final Map<String, Long> forgotten = new ConcurrentHashMap<>();
  /** When every client's answers were last dropped (changes may have been missed). */
  private volatile long forgottenAll = System.nanoTime();

  /** A client key found in the database: who it is (and until when it is valid), and when it was read. */
  private record Known(Principal principal, long readAt) {
  }

  public KeyService(Vertx vertx, Pool pool, Secrets secrets, ClientChanges changes) {
    this.pool = pool;
    this.masterHash = secrets.masterKeyHash();
    this.tokens = new Tokens(vertx, secrets);
    this.changes = changes;
    this.lastUsed = new LastUsed(vertx, pool);
    changes.onChange(this::forget);
  }

  /**
   * Calls {@code listener} on every node with the id of each client that changed (its key, config or
   * existence), once this node no longer accepts the client's old key, or with null when any client
   * may have changed. What holds a credential beyond one request (a live feed) checks it again then.
   */
  public void onChange(Consumer<String> listener) {
    changes.onChange(listener);
  }

  /** The changes this service hears; every other cache of client data hears them there too. */
  public ClientChanges changes() {
    return changes;
  }

  /** Whether a credential may stand in a URL: a JWT, never an API key (they do not expire within minutes). */
  public boolean isToken(String credential) {
    return Tokens.shaped(credential) && !ApiKeys.same(ApiKeys.hash(credential), masterHash);
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

  /** A short-lived JWT with the caller's scope, bound to the caller's key. */
  public JsonObject issueToken(Principal principal, int ttlSeconds) {
    return tokens.issue(principal, ttlSeconds);
  }

  /** The key's last use not written to the database yet (newer than the stored one), or null. */
  public OffsetDateTime pendingLastUsed(UUID keyId) {
    return lastUsed.pending(keyId);
  }

  private Future<Principal> resolveClientKey(String key) {
    byte[] hash = ApiKeys.hash(key);
    return cached(HexFormat.of().formatHex(hash), "unknown, rotated or revoked API key",
        () -> KeyRepository.findByHash(pool, hash).map(found -> found == null ? null
            : principal(found)))
        .onSuccess(principal -> lastUsed.used(UUID.fromString(principal.keyId())));
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
        () -> KeyRepository.findById(pool, clientId, id).map(found -> found == null ? null
            : principal(found)));
  }

  /**
   * A client key, kept under {@code cacheKey} for {@link #CACHE_MS} while changes are heard, else
   * read (lazily: {@code read} is only called on a miss).
   */
  private Future<Principal> cached(String cacheKey, String unknown, Supplier<Future<Principal>> read) {
    boolean listening = changes.listening();
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
      if (changes.listening() && forgottenAll - readAt < 0 && (forgot == null || forgot - readAt < 0)) {
        if (known.size() >= CACHE_MAX) {
          known.clear();
        }
        known.put(cacheKey, new Known(found, readAt));
      }
      return valid(found);
    });
  }

  private static Principal principal(KeyRepository.StoredKey key) {
    return Principal.client(key.clientId(), key.keyId().toString(), key.expiresAt().toInstant(), key.scopes(),
        key.deviceIds());
  }

  private static Future<Principal> valid(Principal key) {
    if (key.validUntil().isBefore(Instant.now())) {
      return Future.failedFuture(ApiException.unauthorized("this API key has expired"));
    }
    return Future.succeededFuture(key);
  }

  /** Drops what is kept of the client's key (of every client's for null). */
  private void forget(String clientId) {
    if (clientId == null) {
      forgottenAll = System.nanoTime();
      known.clear();
      return;
    }
    forgotten.put(clientId, System.nanoTime());
    known.values().removeIf(k -> clientId.equals(k.principal().clientId()));
  }

  /** Writes the last uses not written yet. */
  public Future<Void> close() {
    return lastUsed.close();
  }
}
