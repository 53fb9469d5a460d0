package dev.switchboard.event;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Principal;
import dev.switchboard.outbound.UrlGuard;
import dev.switchboard.tenant.ApiKeys;
import dev.switchboard.tenant.AuditLog;
import dev.switchboard.tenant.ClientCache;
import dev.switchboard.tenant.ClientChanges;
import dev.switchboard.tenant.ClientRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's webhooks (besides its v1 {@code webhookUrl}): created, changed, deleted and their secrets
 * rotated in a transaction that announces the change, so every node's copy ({@link #of}, read for
 * every event and delivery) is dropped at its commit; and the test ping, posted at once.
 */
public final class Webhooks {

  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
  static final long CACHE_TTL_MS = 10_000;

  private final Vertx vertx;
  private final Pool pool;
  private final ClientChanges changes;
  private final UrlGuard urls;
  private final ClientCache<List<Webhook>> cache;

  public Webhooks(Vertx vertx, Pool pool, ClientChanges changes, UrlGuard urls) {
    this.vertx = vertx;
    this.pool = pool;
    this.changes = changes;
    this.urls = urls;
    this.cache = new ClientCache<>(changes, CACHE_TTL_MS, clientId -> WebhookRepository.list(pool, clientId));
  }

  /** The client's webhooks as last read (completed at once when cached). */
  Future<List<Webhook>> of(String clientId) {
    return cache.get(clientId);
  }

  public Future<JsonObject> create(String clientId, JsonObject body, Principal actor, String ip) {
    Webhook w = Webhook.create(clientId, body, urls);
    String id = "wh_" + HexFormat.of().formatHex(ApiKeys.randomBytes(12));
    return change(clientId, actor, ip, "webhook.created", tx -> WebhookRepository.insert(tx, w, id,
        ApiKeys.newWebhookSecret(), Webhook.MAX_PER_CLIENT).compose(stored -> stored == null
            ? Future.failedFuture(ApiException.conflict("WEBHOOK_LIMIT_REACHED",
                "client '" + clientId + "' already has " + Webhook.MAX_PER_CLIENT + " webhooks; delete one first"))
            : Future.succeededFuture(stored)))
        .map(stored -> stored.toJson(true));
  }

  public Future<JsonObject> list(String clientId) {
    return ClientRepository.find(pool, clientId).compose(client -> client == null
        ? Future.failedFuture(noSuchClient(clientId))
        : WebhookRepository.list(pool, clientId).map(all -> {
          JsonArray items = new JsonArray();
          all.forEach(w -> items.add(w.toJson(false)));
          return new JsonObject().put("items", items).put("nextCursor", null);
        }));
  }

  public Future<JsonObject> get(String clientId, String webhookId) {
    return find(pool, clientId, webhookId).map(w -> w.toJson(false));
  }

  /** A partial update: only the fields sent change. */
  public Future<JsonObject> update(String clientId, String webhookId, JsonObject update, Principal actor, String ip) {
    return change(clientId, actor, ip, "webhook.updated", tx -> find(tx, clientId, webhookId)
        .compose(w -> WebhookRepository.update(tx, w.merge(update, urls))))
        .map(w -> w.toJson(false));
  }

  public Future<JsonObject> delete(String clientId, String webhookId, Principal actor, String ip) {
    return change(clientId, actor, ip, "webhook.deleted", tx -> WebhookRepository.delete(tx, clientId, webhookId)
        .compose(deleted -> deleted ? Future.succeededFuture(webhookId) : Future.failedFuture(notFound(webhookId))))
        .map(id -> new JsonObject().put("webhookId", id).put("deleted", true));
  }

  /** A new secret; the old one stops signing at once. */
  public Future<JsonObject> rotateSecret(String clientId, String webhookId, Principal actor, String ip) {
    return change(clientId, actor, ip, "webhook.secret_rotated", tx -> WebhookRepository.setSecret(tx, clientId,
        webhookId, ApiKeys.newWebhookSecret()).compose(w -> w == null ? Future.failedFuture(notFound(webhookId))
            : Future.succeededFuture(w)))
        .map(w -> new JsonObject().put("webhookId", w.webhookId()).put("secret", w.secret()));
  }

  /**
   * Posts a signed {@code ping} event to the webhook now (active or not), with its headers, and says
   * what came back: {@code ok} for a 2xx, the status code (null when none came), the latency, the error.
   */
  public Future<JsonObject> test(String clientId, String webhookId) {
    return find(pool, clientId, webhookId).compose(w -> {
      JsonObject ping = Events.envelope("ping", clientId, null, new JsonObject().put("webhookId", webhookId)
          .put("message", "a test event from Switchboard"));
      WebhookSender sender = new WebhookSender(vertx, urls, 1);
      long started = System.nanoTime();
      return sender.post(WebhookSender.Target.of(w), ping.getString("id"), ping.encode()).map(r -> new JsonObject()
              .put("ok", r.acknowledged()).put("statusCode", r.status() == 0 ? null : r.status())
              .put("latencyMs", (System.nanoTime() - started) / 1_000_000).put("error", r.error()))
          .onComplete(ar -> sender.close());
    });
  }

  /** After a 410 Gone: the webhook is switched off (on every node) and its other pending deliveries dead-lettered. */
  Future<Integer> disable(String clientId, String webhookId, String url, long answered) {
    return WebhookRepository.disable(pool, clientId, webhookId, url, answered)
        .compose(n -> changes.announce(clientId).map(n));
  }

  /**
   * Runs {@code work} in a transaction with the client's row locked (404 when the client does not
   * exist), records {@code action} in the audit log with the webhook's id, and announces the change.
   */
  private <T> Future<T> change(String clientId, Principal actor, String ip, String action,
      Function<SqlClient, Future<T>> work) {
    ClientChanges.Change change = changes.change(clientId);
    return pool.withTransaction(tx -> ClientRepository.lock(tx, clientId).compose(exists -> !exists
        ? Future.<T>failedFuture(noSuchClient(clientId))
        : work.apply(tx).compose(result -> AuditLog.record(tx, clientId, action, actor, ip, audit(result))
            .compose(v -> change.announce(tx)).map(result))))
        .transform(change::settle)
        .onSuccess(r -> log.info("Client {}: {} {}", clientId, action, audit(r)));
  }

  private static JsonObject audit(Object result) {
    return result instanceof Webhook w ? new JsonObject().put("webhookId", w.webhookId()).put("url", w.url())
        : new JsonObject().put("webhookId", String.valueOf(result));
  }

  private static Future<Webhook> find(SqlClient sql, String clientId, String webhookId) {
    return WebhookRepository.list(sql, clientId).compose(all -> all.stream().filter(w -> w.webhookId().equals(webhookId))
        .findFirst().map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound(webhookId))));
  }

  private static ApiException notFound(String webhookId) {
    return ApiException.notFound("WEBHOOK_NOT_FOUND", "no webhook '" + webhookId + "' on this client");
  }

  private static ApiException noSuchClient(String clientId) {
    return ApiException.notFound("NOT_FOUND", "client '" + clientId + "' does not exist");
  }
}
