package dev.switchboard.device;

import dev.switchboard.kernel.LogIds;
import org.slf4j.event.Level;
import dev.switchboard.kernel.Contexts;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Page;
import dev.switchboard.kernel.Principal;
import dev.switchboard.message.Devices;
import dev.switchboard.tenant.AuditLog;
import dev.switchboard.tenant.ClientService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Devices of a client: registry rows in PostgreSQL, live state asked of the device actor. */
public final class DeviceService implements Devices {

  private static final Logger log = LoggerFactory.getLogger(DeviceService.class);
  static final long QR_WAIT_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  private final ClientService clients;
  private final DeviceManager manager;
  private final DeviceClient client;
  private final Map<String, Future<Void>> deleting = new ConcurrentHashMap<>();

  public DeviceService(Vertx vertx, Pool pool, ClientService clients, DeviceManager manager, DeviceClient client) {
    this.vertx = vertx;
    this.pool = pool;
    this.clients = clients;
    this.manager = manager;
    this.client = client;
  }

  /** Adds a device, named {@code name} (or not, when null), and starts it; its QR when ready within 5 s. */
  public Future<JsonObject> register(String clientId, String deviceId, String name, Principal actor, String ip) {
    return clients.require(clientId).compose(client -> {
          // A node out of device sessions says so before the device is added, rather than adding one it cannot run.
          String full = manager.refusal(clientId, deviceId);
          if (full != null) {
            return Future.failedFuture(ApiException.unavailable(full + "; device '" + deviceId + "' was not added", 30));
          }
          int max = client.config().effectiveMaxDevices();
          return DeviceRepository.register(pool, clientId, deviceId, name, UUID.randomUUID().toString(), max, actor.actor(), ip)
              .compose(r -> r.added() ? Future.succeededFuture()
                  : Future.failedFuture(r.existed()
                      ? ApiException.conflict("DEVICE_EXISTS", "device '" + deviceId + "' already exists")
                      : ApiException.conflict("DEVICE_LIMIT_REACHED",
                          "client '" + clientId + "' already has " + r.deviceCount() + " of its " + max + " devices")));
        })
        .compose(v -> manager.place(clientId, deviceId).recover(e -> Future.failedFuture(
            e instanceof ApiException api && api.status() == 503 ? ApiException.unavailable(api.getMessage() + "; device '"
                + deviceId + "' is added and starts once there is room", 30) : e)))
        .compose(v -> waitForQr(clientId, deviceId))
        .onSuccess(d -> LogIds.device(log, Level.INFO, clientId, deviceId).log("Device {}/{} registered", clientId, deviceId));
  }

  /** The device, with {@code qr} when one is shown within {@link #QR_WAIT_MS}. */
  private Future<JsonObject> waitForQr(String clientId, String deviceId) {
    Promise<JsonObject> done = Promise.promise();
    long deadline = System.currentTimeMillis() + QR_WAIT_MS;
    poll(clientId, deviceId, deadline, done);
    return done.future().compose(live -> get(clientId, deviceId).map(d -> {
      d.mergeIn(live.copy().put("status", live.getString("status", d.getString("status"))));
      return d;
    }));
  }

  /**
   * Asks the actor to answer once it shows a QR or has settled; until the actor is running (it is
   * being started, here or on another node) the question is asked again every 100 ms.
   */
  private void poll(String clientId, String deviceId, long deadline, Promise<JsonObject> done) {
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      done.complete(new JsonObject());
      return;
    }
    client.settled(clientId, deviceId, left)
        .onSuccess(s -> done.complete(liveFields(s)))
        .onFailure(e -> vertx.setTimer(100, id -> poll(clientId, deviceId, deadline, done)));
  }

  private static JsonObject liveFields(JsonObject s) {
    JsonObject out = new JsonObject().put("status", s.getString("status"));
    if (s.getString("qr") != null) {
      out.put("qr", new JsonObject().put("qr", s.getString("qr")).put("image", QrImages.dataUrl(s.getString("qr")))
          .put("expiresAt", s.getString("qrExpiresAt")));
    }
    return out;
  }

  /** The client's devices; only those of {@code only} when it is not null (a key limited to some devices). */
  public Future<JsonObject> list(String clientId, Page page, java.util.Set<String> only) {
    return clients.require(clientId)
        .compose(c -> DeviceRepository.list(pool, clientId, page.after(), page.limit() + 1, only))
        .map(rows -> {
          return page.result(rows, DeviceRepository.Device::deviceId, DeviceRepository.Device::toJson);
        });
  }

  @Override
  public void wake(String clientId, String deviceId) {
    client.drain(clientId, deviceId);
  }

  @Override
  public Future<Void> markRead(String clientId, String deviceId, String chatId, java.util.List<String> messageIds) {
    return client.markRead(clientId, deviceId, chatId, messageIds);
  }

  @Override
  public Future<Void> edit(String clientId, String deviceId, String chatId, String messageId, String text) {
    return client.session(clientId, deviceId, new DeviceRequest.EditMessage(chatId, messageId, text)).mapEmpty();
  }

  @Override
  public Future<Void> revoke(String clientId, String deviceId, String chatId, String messageId) {
    return client.session(clientId, deviceId, new DeviceRequest.RevokeMessage(chatId, messageId)).mapEmpty();
  }

  @Override
  public Future<Void> chatSetting(String clientId, String deviceId, String chatId, String setting, String value) {
    return client.session(clientId, deviceId, new DeviceRequest.ChatSetting(chatId, setting, value)).mapEmpty();
  }

  @Override
  public Future<Map<String, String>> chatNames(String clientId, String deviceId) {
    Future<JsonObject> contacts = client.session(clientId, deviceId, new DeviceRequest.Contacts());
    Future<JsonObject> groups = client.session(clientId, deviceId, new DeviceRequest.Groups());
    return Future.join(contacts, groups).transform(ar -> {
      Map<String, String> names = new java.util.HashMap<>();
      if (contacts.succeeded()) {
        contacts.result().getJsonArray("items", new JsonArray()).forEach(o -> name(names, (JsonObject) o, "jid", "name"));
      }
      if (groups.succeeded()) {
        groups.result().getJsonArray("items", new JsonArray()).forEach(o -> name(names, (JsonObject) o, "groupId", "subject"));
      }
      return Future.succeededFuture(names);
    });
  }

  private static void name(Map<String, String> names, JsonObject item, String idField, String nameField) {
    if (item.getString(idField) != null && item.getString(nameField) != null) {
      names.put(item.getString(idField), item.getString(nameField));
    }
  }

  @Override
  public Future<JsonObject> get(String clientId, String deviceId) {
    return DeviceRepository.find(pool, clientId, deviceId).compose(d -> d == null
        ? Future.failedFuture(notFound(deviceId))
        : Future.succeededFuture(d.toJson()));
  }

  private static ApiException notFound(String deviceId) {
    return ApiException.notFound("DEVICE_NOT_FOUND", "device '" + deviceId + "' does not exist");
  }

  /**
   * Gives the device a new name, a field of its row: every node shows it, across restarts and failover.
   * The audit log records it ({@code device.renamed}) in the same transaction.
   */
  public Future<JsonObject> rename(String clientId, String deviceId, String name, Principal actor, String ip) {
    return pool.withTransaction(tx -> DeviceRepository.rename(tx, clientId, deviceId, name).compose(found -> found
            ? AuditLog.record(tx, clientId, "device.renamed", actor, ip,
                new JsonObject().put("deviceId", deviceId).put("name", name)).map(true)
            : Future.succeededFuture(false)))
        .compose(found -> found ? get(clientId, deviceId) : Future.failedFuture(notFound(deviceId)));
  }

  public Future<JsonObject> qr(String clientId, String deviceId) {
    return get(clientId, deviceId)
        .compose(d -> client.qr(clientId, deviceId))
        .map(q -> q.put("image", QrImages.dataUrl(q.getString("qr"))));
  }

  public Future<byte[]> qrPng(String clientId, String deviceId) {
    return get(clientId, deviceId)
        .compose(d -> client.qr(clientId, deviceId))
        .map(q -> QrImages.png(q.getString("qr")));
  }

  public Future<JsonObject> pairingCode(String clientId, String deviceId, String phoneNumber) {
    return get(clientId, deviceId).compose(d -> client.pairingCode(clientId, deviceId, phoneNumber));
  }

  /**
   * Closes the device's session and keeps its credentials: STOPPED, not resumed on a restart or by
   * another node, until {@link #reconnect} starts it again (without a QR).
   */
  public Future<JsonObject> stop(String clientId, String deviceId) {
    return get(clientId, deviceId).compose(d -> {
      if ("LOGGED_OUT".equals(d.getString("status"))) {
        return Future.failedFuture(ApiException.conflict("CONFLICT",
            "device '" + deviceId + "' is logged out; reconnect it to link it again"));
      }
      return DeviceRepository.desired(pool, clientId, deviceId, "STOPPED")
          .compose(v -> client.stop(clientId, deviceId)
              // Not running anywhere (moving, or its node is gone): nobody resumes it now, it stays as it is.
              .recover(e -> e instanceof ApiException api && api.status() == 503
                  ? DeviceRepository.markStopped(pool, clientId, deviceId).map(new JsonObject().put("status", "STOPPED"))
                  : Future.failedFuture(e)));
    }).onSuccess(s -> log.info("Device {}/{} stopped", clientId, deviceId));
  }

  /** Reconnects a running device, or brings a stopped (or logged-out) one back; stored credentials resume without a QR. */
  public Future<JsonObject> reconnect(String clientId, String deviceId) {
    return get(clientId, deviceId)
        .compose(d -> DeviceRepository.desired(pool, clientId, deviceId, "CONNECTED"))
        .compose(v -> client.reconnect(clientId, deviceId)
            .recover(e -> e instanceof ApiException api && api.status() == 503
                ? manager.place(clientId, deviceId).map(new JsonObject().put("status", "CONNECTING"))
                : Future.failedFuture(e)));
  }

  /**
   * Logs the session out wherever it runs, stops the actor and deletes the device. A second delete
   * of the same device on this node while one is under way gets that one's answer: sent to the
   * stopping actor, its logout would wait out the 15 s timeout unanswered.
   */
  public Future<Void> delete(String clientId, String deviceId, Principal actor, String ip) {
    String key = clientId + "/" + deviceId;
    Context asker = vertx.getOrCreateContext();
    Promise<Void> mine = Promise.promise();
    Future<Void> running = deleting.putIfAbsent(key, mine.future());
    if (running != null) {
      return Contexts.onContext(asker, running);
    }
    deleteNow(clientId, deviceId, actor, ip).onComplete(ar -> {
      deleting.remove(key, mine.future());
      mine.handle(ar);
    });
    return mine.future();
  }

  private Future<Void> deleteNow(String clientId, String deviceId, Principal actor, String ip) {
    return get(clientId, deviceId)
        .compose(d -> DeviceRepository.desired(pool, clientId, deviceId, "STOPPED"))
        .compose(v -> client.logout(clientId, deviceId)
            .<Void>mapEmpty()
            .recover(e -> {
              LogIds.device(log, Level.WARN, clientId, deviceId).log("Device {}/{} could not be logged out before removal: {}", clientId, deviceId, e.getMessage());
              return Future.succeededFuture();
            }))
        .compose(v -> manager.stopDevice(clientId, deviceId))
        .compose(v -> pool.withTransaction(tx -> DeviceRepository.delete(tx, clientId, deviceId)
            .compose(deleted -> AuditLog.record(tx, clientId, "device.removed", actor, ip,
                new JsonObject().put("deviceId", deviceId)))))
        .onSuccess(v -> LogIds.device(log, Level.INFO, clientId, deviceId).log("Device {}/{} removed", clientId, deviceId));
  }

  /** Before a client is deleted: every device logged out and removed. */
  public Future<Void> deleteAll(String clientId, Principal actor) {
    return DeviceRepository.list(pool, clientId, null, 100_000, null).compose(rows -> {
      java.util.List<Future<Void>> all = new java.util.ArrayList<>();
      rows.forEach(d -> all.add(delete(clientId, d.deviceId(), actor, null)));
      return Future.join(all).mapEmpty();
    });
  }
}
