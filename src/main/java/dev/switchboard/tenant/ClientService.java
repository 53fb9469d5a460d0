package dev.switchboard.tenant;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Page;
import dev.switchboard.kernel.Principal;
import dev.switchboard.outbound.UrlGuard;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Clients, their keys and their configuration. Every change is audited in the same transaction. */
public final class ClientService {

  private static final Logger log = LoggerFactory.getLogger(ClientService.class);

  private final Pool pool;
  private final KeyService keys;
  private final UrlGuard urls;
  private volatile java.util.function.BiFunction<String, Principal, Future<Void>> beforeDelete = (clientId, actor) -> Future.succeededFuture();
  private volatile java.util.function.Consumer<String> onChange = clientId -> { };

  public ClientService(Pool pool, KeyService keys, UrlGuard urls) {
    this.pool = pool;
    this.keys = keys;
    this.urls = urls;
  }

  /** What must happen before a client's rows go (its devices are logged out by the device package). */
  public void beforeDelete(java.util.function.BiFunction<String, Principal, Future<Void>> hook) {
    this.beforeDelete = hook;
  }

  /** Told the client id after its config, webhook secret or existence changed (caches drop their copy). */
  public void onChange(java.util.function.Consumer<String> listener) {
    this.onChange = listener;
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
    return ClientRepository.list(pool, page, keys);
  }

  public Future<JsonObject> get(String clientId) {
    return require(clientId).map(row -> row.toJson(keys));
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
          KeyService.Change change = keys.change(clientId);
          return pool.withTransaction(tx -> ClientRepository.delete(tx, clientId)
              .compose(deleted -> change.announce(tx))
              .compose(announced -> AuditLog.record(tx, clientId, "client.deleted", actor, ip, null)))
              .transform(change::settle);
        })
        .onSuccess(v -> onChange.accept(clientId))
        .onSuccess(v -> log.info("Client {} deleted by {}", clientId, actor.actor()));
  }

  /** Issues a new key, creating the client if it does not exist yet; any previous key dies at once. */
  public Future<JsonObject> issueKey(String clientId, int ttlDays, Principal actor, String ip) {
    KeyService.Change change = keys.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.insert(tx, clientId, null)
        .compose(created -> ClientRepository.lock(tx, clientId)
            .compose(ignored -> keys.replaceKey(tx, change, ttlDays))
            .compose(key -> AuditLog.record(tx, clientId, "key.issued", actor, ip,
                new JsonObject().put("prefix", key.getString("prefix")).put("ttlDays", ttlDays)
                    .put("clientCreated", created)).map(key))))
        .transform(change::settle)
        .onSuccess(k -> log.info("Key {}... issued for client {}", k.getString("prefix"), clientId));
  }

  public Future<JsonObject> rotateKey(String clientId, int ttlDays, Principal actor, String ip) {
    KeyService.Change change = keys.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> {
      if (!exists) {
        return Future.failedFuture(noSuchClient(clientId));
      }
      return keys.replaceKey(tx, change, ttlDays)
          .compose(key -> AuditLog.record(tx, clientId, "key.rotated", actor, ip,
              new JsonObject().put("prefix", key.getString("prefix")).put("ttlDays", ttlDays)).map(key));
    })).transform(change::settle)
        .onSuccess(k -> log.info("Key of client {} rotated to {}...", clientId, k.getString("prefix")));
  }

  public Future<Void> revokeKey(String clientId, Principal actor, String ip) {
    KeyService.Change change = keys.change(clientId);
    return pool.withTransaction(tx -> keys.revoke(tx, change).compose(revoked -> {
      if (!revoked) {
        return Future.failedFuture(ApiException.notFound("NOT_FOUND", "client '" + clientId + "' has no key"));
      }
      return AuditLog.record(tx, clientId, "key.revoked", actor, ip, null);
    })).transform(change::settle)
        .onSuccess(v -> log.info("Key of client {} revoked", clientId));
  }

  public Future<JsonObject> config(String clientId) {
    return require(clientId).map(row -> row.configJson(keys));
  }

  public Future<JsonObject> updateConfig(String clientId, JsonObject update, Principal actor, String ip) {
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId)
        .compose(exists -> exists ? ClientRepository.find(tx, clientId)
            : Future.failedFuture(noSuchClient(clientId)))
        .compose(row -> {
          ClientConfig merged = row.config().merge(update, actor.isMaster(), urls);
          return ClientRepository.updateConfig(tx, clientId, merged);
        })
        .compose(v -> AuditLog.record(tx, clientId, "config.changed", actor, ip,
            new JsonObject().put("fields", new io.vertx.core.json.JsonArray(update.fieldNames().stream().sorted().toList())))))
        .onSuccess(v -> onChange.accept(clientId))
        .compose(v -> config(clientId));
  }

  public Future<JsonObject> resetConfig(String clientId, Principal actor, String ip) {
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> {
      if (!exists) {
        return Future.failedFuture(noSuchClient(clientId));
      }
      return ClientRepository.find(tx, clientId)
          .compose(row -> ClientRepository.updateConfig(tx, clientId,
              resetBy(row.config(), actor)))
          .compose(v -> AuditLog.record(tx, clientId, "config.reset", actor, ip, null));
    })).onSuccess(v -> onChange.accept(clientId)).compose(v -> config(clientId));
  }

  /** A new {@code whsec_} secret for signing webhooks; the old one stops being used at once. */
  public Future<JsonObject> rotateWebhookSecret(String clientId, Principal actor, String ip) {
    String secret = ApiKeys.newWebhookSecret();
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> {
      if (!exists) {
        return Future.failedFuture(noSuchClient(clientId));
      }
      return ClientRepository.setWebhookSecret(tx, clientId, secret)
          .compose(v -> AuditLog.record(tx, clientId, "webhook_secret.rotated", actor, ip, null));
    })).onSuccess(v -> onChange.accept(clientId))
        .map(v -> new JsonObject().put("clientId", clientId).put("webhookSecret", secret))
        .onSuccess(v -> log.info("Webhook secret of client {} rotated", clientId));
  }

  private static ApiException noSuchClient(String clientId) {
    return ApiException.notFound("NOT_FOUND", "client '" + clientId + "' does not exist");
  }

  /** A client key may not reset the limits the master key set for it. */
  private static ClientConfig resetBy(ClientConfig current, Principal actor) {
    return actor.isMaster()
        ? new ClientConfig(null, null, current.webhookSecret(), null, null, null, null)
        : new ClientConfig(null, null, current.webhookSecret(), null, current.maxDevices(), null,
            current.rateLimitPerMinute());
  }

  public Future<JsonObject> audit(String clientId, Page page) {
    return AuditLog.list(pool, clientId, page);
  }
}
