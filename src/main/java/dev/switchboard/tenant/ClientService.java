package dev.switchboard.tenant;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Page;
import dev.switchboard.kernel.Principal;
import dev.switchboard.kernel.Times;
import dev.switchboard.outbound.UrlGuard;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients, their keys and their configuration. Every change is audited in the same transaction and
 * announced through {@link ClientChanges}, so when it answers no node uses what it kept of the old state.
 */
public final class ClientService {

  private static final Logger log = LoggerFactory.getLogger(ClientService.class);

  private final Pool pool;
  private final ClientChanges changes;
  private final KeyService keys;
  private final UrlGuard urls;
  private volatile BiFunction<String, Principal, Future<Void>> beforeDelete = (clientId, actor) -> Future.succeededFuture();

  public ClientService(Pool pool, ClientChanges changes, KeyService keys, UrlGuard urls) {
    this.pool = pool;
    this.changes = changes;
    this.keys = keys;
    this.urls = urls;
  }

  /** What must happen before a client's rows go (its devices are logged out by the device package). */
  public void beforeDelete(BiFunction<String, Principal, Future<Void>> hook) {
    this.beforeDelete = hook;
  }

  public Future<JsonObject> create(String clientId, String name, Principal actor, String ip) {
    return pool.withTransaction(tx -> ClientRepository.insert(tx, clientId, name).compose(created -> {
      if (!created) {
        return Future.failedFuture(ApiException.conflict("CONFLICT", "client '" + clientId + "' already exists"));
      }
      return AuditLog.record(tx, clientId, "client.created", actor, ip, new JsonObject().put("name", name));
    })).compose(v -> get(clientId)).onSuccess(c -> log.info("Client {} created", clientId));
  }

  public Future<JsonObject> list(Page page) {
    return ClientRepository.list(pool, page).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(row -> items.add(clientJson(row)));
      return page.result(items, o -> o.getString("clientId"));
    });
  }

  public Future<JsonObject> get(String clientId) {
    return require(clientId).map(this::clientJson);
  }

  public Future<ClientRepository.ClientRow> require(String clientId) {
    return ClientRepository.find(pool, clientId).compose(row -> row == null
        ? Future.failedFuture(noSuchClient(clientId))
        : Future.succeededFuture(row));
  }

  public Future<Void> delete(String clientId, Principal actor, String ip) {
    return require(clientId)
        .compose(row -> beforeDelete.apply(clientId, actor))
        .compose(v -> {
          ClientChanges.Change change = changes.change(clientId);
          return pool.withTransaction(tx -> ClientRepository.delete(tx, clientId)
              .compose(deleted -> change.announce(tx))
              .compose(announced -> AuditLog.record(tx, clientId, "client.deleted", actor, ip, null)))
              .transform(change::settle);
        })
        .onSuccess(v -> log.info("Client {} deleted by {}", clientId, actor.actor()));
  }

  /** Issues a new key, creating the client if it does not exist yet; any previous key dies at once. */
  public Future<JsonObject> issueKey(String clientId, int ttlDays, Principal actor, String ip) {
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.insert(tx, clientId, null)
        .compose(created -> ClientRepository.lock(tx, clientId)
            .compose(ignored -> ClientKeys.replace(tx, change, ttlDays))
            .compose(key -> AuditLog.record(tx, clientId, "key.issued", actor, ip,
                new JsonObject().put("prefix", key.prefix()).put("ttlDays", ttlDays)
                    .put("clientCreated", created)).map(key))))
        .transform(change::settle)
        .onSuccess(k -> log.info("Key {}... issued for client {}", k.prefix(), clientId))
        .map(ClientKeys.IssuedKey::toJson);
  }

  public Future<JsonObject> rotateKey(String clientId, int ttlDays, Principal actor, String ip) {
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> {
      if (!exists) {
        return Future.<ClientKeys.IssuedKey>failedFuture(noSuchClient(clientId));
      }
      return ClientKeys.replace(tx, change, ttlDays)
          .compose(key -> AuditLog.record(tx, clientId, "key.rotated", actor, ip,
              new JsonObject().put("prefix", key.prefix()).put("ttlDays", ttlDays)).map(key));
    })).transform(change::settle)
        .onSuccess(k -> log.info("Key of client {} rotated to {}...", clientId, k.prefix()))
        .map(ClientKeys.IssuedKey::toJson);
  }

  public Future<Void> revokeKey(String clientId, Principal actor, String ip) {
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> ClientKeys.revoke(tx, change).compose(revoked -> {
      if (!revoked) {
        return Future.failedFuture(ApiException.notFound("NOT_FOUND", "client '" + clientId + "' has no key"));
      }
      return AuditLog.record(tx, clientId, "key.revoked", actor, ip, null);
    })).transform(change::settle)
        .onSuccess(v -> log.info("Key of client {} revoked", clientId));
  }

  public Future<JsonObject> config(String clientId) {
    return require(clientId).map(row -> row.config().toJson(clientId).put("key", keyJson(row)));
  }

  public Future<JsonObject> updateConfig(String clientId, JsonObject update, Principal actor, String ip) {
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId)
        .compose(exists -> exists ? ClientRepository.find(tx, clientId)
            : Future.failedFuture(noSuchClient(clientId)))
        .compose(row -> {
          ClientConfig merged = row.config().merge(update, actor.isMaster(), urls);
          return ClientRepository.updateConfig(tx, clientId, merged);
        })
        .compose(v -> AuditLog.record(tx, clientId, "config.changed", actor, ip,
            new JsonObject().put("fields", new JsonArray(update.fieldNames().stream().sorted().toList()))))
        .compose(v -> change.announce(tx)))
        .transform(change::settle)
        .compose(v -> config(clientId));
  }

  public Future<JsonObject> resetConfig(String clientId, Principal actor, String ip) {
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> {
      if (!exists) {
        return Future.failedFuture(noSuchClient(clientId));
      }
      return ClientRepository.find(tx, clientId)
          .compose(row -> ClientRepository.updateConfig(tx, clientId,
              resetBy(row.config(), actor)))
          .compose(v -> AuditLog.record(tx, clientId, "config.reset", actor, ip, null))
          .compose(v -> change.announce(tx));
    })).transform(change::settle).compose(v -> config(clientId));
  }

  /** A new {@code whsec_} secret for signing webhooks; the old one stops being used at once. */
  public Future<JsonObject> rotateWebhookSecret(String clientId, Principal actor, String ip) {
    String secret = ApiKeys.newWebhookSecret();
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> {
      if (!exists) {
        return Future.failedFuture(noSuchClient(clientId));
      }
      return ClientRepository.setWebhookSecret(tx, clientId, secret)
          .compose(v -> AuditLog.record(tx, clientId, "webhook_secret.rotated", actor, ip, null))
          .compose(v -> change.announce(tx));
    })).transform(change::settle)
        .map(v -> new JsonObject().put("clientId", clientId).put("webhookSecret", secret))
        .onSuccess(v -> log.info("Webhook secret of client {} rotated", clientId));
  }

  private static ApiException noSuchClient(String clientId) {
    return ApiException.notFound("NOT_FOUND", "client '" + clientId + "' does not exist");
  }

  /** A client key may not reset the limits the master key set for it. */
  private static ClientConfig resetBy(ClientConfig current, Principal actor) {
    return actor.isMaster()
        ? new ClientConfig(null, null, current.webhookSecret(), null, null, null, null, null)
        : new ClientConfig(null, null, current.webhookSecret(), null, current.maxDevices(), null,
            current.rateLimitPerMinute(), current.monthlyMessageQuota());
  }

  public Future<JsonObject> audit(String clientId, Page page) {
    return AuditLog.list(pool, clientId, page).map(entries -> {
      JsonArray items = new JsonArray();
      for (AuditLog.Entry e : entries) {
        items.add(new JsonObject()
            .put("id", String.valueOf(e.id()))
            .put("action", e.action())
            .put("actor", e.actor())
            .put("sourceIp", e.sourceIp())
            .put("details", e.details())
            .put("at", Times.iso(e.at())));
      }
      return page.result(items, o -> o.getString("id"));
    });
  }

  /** The API's view of a client (docs/api.md, Clients). */
  private JsonObject clientJson(ClientRepository.ClientRow row) {
    return new JsonObject().put("clientId", row.clientId()).put("name", row.name())
        .put("createdAt", Times.iso(row.createdAt())).put("deviceCount", row.deviceCount())
        .put("key", keyJson(row)).put("config", row.config().toJson(row.clientId()));
  }

  /** The client key's status; its last use includes one this node has not written yet. */
  private JsonObject keyJson(ClientRepository.ClientRow row) {
    if (row.keyId() == null) {
      return new JsonObject().put("hasKey", false).putNull("prefix").putNull("expiresAt").putNull("lastUsedAt");
    }
    OffsetDateTime lastUsed = row.keyLastUsedAt();
    OffsetDateTime pending = keys.pendingLastUsed(row.keyId());
    if (pending != null && (lastUsed == null || pending.isAfter(lastUsed))) {
      lastUsed = pending;
    }
    return new JsonObject().put("hasKey", true).put("prefix", row.keyPrefix())
        .put("expiresAt", Times.iso(row.keyExpiresAt())).put("lastUsedAt", Times.iso(lastUsed))
        .put("expired", row.keyExpiresAt().toInstant().isBefore(Instant.now()));
  }
}
