package dev.switchboard.tenant;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Principal;
import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's named keys: each with scopes and optionally limited to some devices, created, listed and
 * revoked one by one. A key can only pass on what it holds itself: a client key creating another
 * names no scope it lacks and no device it may not use. Revoking announces the change in its
 * transaction, so no node accepts the key, or a token issued with it, once the call has answered.
 */
public final class NamedKeys {

  private static final Logger log = LoggerFactory.getLogger(NamedKeys.class);
  /** Keys per client, the main key included. */
  public static final int MAX_KEYS = 20;

  private final Pool pool;
  private final ClientChanges changes;
  private final KeyService keys;

  public NamedKeys(Pool pool, ClientChanges changes, KeyService keys) {
    this.pool = pool;
    this.changes = changes;
    this.keys = keys;
  }

  /** What a new key may do: {@code deviceIds} null for every device. */
  public record Grant(String name, List<String> scopes, List<String> deviceIds, int ttlDays) {
  }

  public Future<JsonObject> create(String clientId, Grant grant, Principal actor, String ip) {
    for (String scope : grant.scopes()) {
      if (!actor.allows(scope)) {
        return Future.failedFuture(ApiException.forbidden("a key cannot grant the scope '" + scope + "', which it lacks"));
      }
    }
    if (actor.deviceIds() != null
        && (grant.deviceIds() == null || !actor.deviceIds().containsAll(grant.deviceIds()))) {
      return Future.failedFuture(ApiException.forbidden(
          "this key is limited to devices " + actor.deviceIds() + ": a key it creates must be limited to them too"));
    }
    String key = ApiKeys.newClientKey();
    UUID keyId = UUID.randomUUID();
    OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plusDays(grant.ttlDays());
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> !exists
        ? Future.failedFuture(ApiException.notFound("NOT_FOUND", "client '" + clientId + "' does not exist"))
        : KeyRepository.insertNamed(tx, clientId, keyId, ApiKeys.hash(key), ApiKeys.prefix(key), expiresAt,
            grant.name(), grant.scopes(), grant.deviceIds(), MAX_KEYS).compose(createdAt -> createdAt == null
                ? Future.failedFuture(ApiException.conflict("KEY_LIMIT_REACHED",
                    "client '" + clientId + "' already has " + MAX_KEYS + " keys; revoke one first"))
                : AuditLog.record(tx, clientId, "key.created", actor, ip, new JsonObject().put("keyId", keyId.toString())
                    .put("name", grant.name()).put("prefix", ApiKeys.prefix(key)).put("scopes", new JsonArray(grant.scopes()))
                    .put("deviceIds", grant.deviceIds() == null ? null : new JsonArray(grant.deviceIds()))))))
        .onSuccess(v -> log.info("Key {} '{}' created for client {} with scopes {}", keyId, grant.name(), clientId,
            grant.scopes()))
        .map(v -> new JsonObject().put("keyId", keyId.toString()).put("key", key).put("prefix", ApiKeys.prefix(key))
            .put("name", grant.name()).put("scopes", new JsonArray(grant.scopes()))
            .put("deviceIds", grant.deviceIds() == null ? null : new JsonArray(grant.deviceIds()))
            .put("expiresAt", Times.iso(expiresAt)));
  }

  /** Every key of the client (the main one included), oldest first; never the keys themselves. */
  public Future<JsonObject> list(String clientId) {
    return ClientRepository.find(pool, clientId).compose(client -> client == null
        ? Future.failedFuture(ApiException.notFound("NOT_FOUND", "client '" + clientId + "' does not exist"))
        : KeyRepository.list(pool, clientId).map(stored -> {
          JsonArray items = new JsonArray();
          stored.forEach(k -> items.add(toJson(k)));
          return new JsonObject().put("items", items).put("nextCursor", null);
        }));
  }

  /** Revokes one key at once, on every node. */
  public Future<Void> revoke(String clientId, String keyId, Principal actor, String ip) {
    UUID id;
    try {
      id = UUID.fromString(keyId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(notFound(keyId));
    }
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> KeyRepository.delete(tx, clientId, id).compose(deleted -> !deleted
            ? Future.<Void>failedFuture(notFound(keyId))
            : change.announce(tx).compose(v -> AuditLog.record(tx, clientId, "key.revoked", actor, ip,
                new JsonObject().put("keyId", keyId)))))
        .transform(change::settle)
        .onSuccess(v -> log.info("Key {} of client {} revoked", keyId, clientId));
  }

  private JsonObject toJson(KeyRepository.StoredKey k) {
    OffsetDateTime lastUsed = k.lastUsedAt();
    OffsetDateTime pending = keys.pendingLastUsed(k.keyId());
    if (pending != null && (lastUsed == null || pending.isAfter(lastUsed))) {
      lastUsed = pending;
    }
    return new JsonObject().put("keyId", k.keyId().toString()).put("name", k.name()).put("prefix", k.prefix())
        .put("main", k.main()).put("scopes", new JsonArray(List.copyOf(k.scopes().stream().sorted().toList())))
        .put("deviceIds", k.deviceIds() == null ? null : new JsonArray(k.deviceIds().stream().sorted().toList()))
        .put("createdAt", Times.iso(k.createdAt())).put("expiresAt", Times.iso(k.expiresAt()))
        .put("lastUsedAt", Times.iso(lastUsed));
  }

  private static ApiException notFound(String keyId) {
    return ApiException.notFound("KEY_NOT_FOUND", "no key '" + keyId + "' on this client");
  }
}
