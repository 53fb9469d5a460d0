package dev.switchboard.device;

import dev.switchboard.engine.EngineException;
import dev.switchboard.kernel.Addresses;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.store.DbErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * Asks device actors, on any node, over the event bus: one method per {@link DeviceRequest}. A device's
 * actor listens only on its own node; a request for a device that runs elsewhere goes to the router of
 * the node holding its lease ({@link #listen}), found in the database and remembered. When the device
 * has moved since (a failover, a handoff), that node answers {@link #NOT_HERE} or is gone, and the
 * request is sent once more to the owner read afresh. Every failure comes back as an {@link ApiException}
 * with the API's status and code; a device that is nowhere (moving between nodes, starting) or does not
 * answer in time is a 503 with Retry-After, never a hang. The actor's side of the same protocol is
 * {@link #reply} and {@link #fail}.
 */
public final class DeviceClient {

  static final long TIMEOUT_MS = 5_000;
  static final long SLOW_TIMEOUT_MS = 15_000;
  /** A router's refusal: the device does not run on its node (any more). */
  static final int NOT_HERE = 421;
  /**
   * Owners remembered for devices that run on other nodes: about 100 bytes each. Past this many the
   * memory starts afresh, which costs one lookup per device asked for again.
   */
  static final int MAX_OWNERS = 200_000;
  private static final String CLIENT_HEADER = "x-client-id";
  private static final String DEVICE_HEADER = "x-device-id";
  private static final String NOWHERE = "the device is not running on any node right now (starting or moving)";

  private final Vertx vertx;
  private final SqlClient sql;
  private final String node;
  private final BiPredicate<String, String> runsHere;
  private final Map<String, String> owners = new ConcurrentHashMap<>();
  private MessageConsumer<DeviceRequest> router;

  /**
   * A client on node {@code node}, which looks owners up through {@code sql}; {@code runsHere} says
   * whether this node runs a device's actor now.
   */
  public DeviceClient(Vertx vertx, SqlClient sql, String node, BiPredicate<String, String> runsHere) {
    this.vertx = vertx;
    this.sql = sql;
    this.node = node;
    this.runsHere = runsHere;
    try {
      vertx.eventBus().registerCodec(new DeviceRequestCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another client of the same Vert.x registered it: one codec serves them all.
    }
  }

  /** Serves other nodes' requests for the devices this node runs: one clustered consumer for all of them. */
  public Future<Void> listen() {
    router = vertx.eventBus().consumer(Addresses.devices(node), this::route);
    return router.completion();
  }

  public Future<Void> close() {
    return router == null ? Future.succeededFuture() : router.unregister();
  }

  public Future<JsonObject> status(String clientId, String deviceId) {
    return request(clientId, deviceId, new DeviceRequest.Status());
  }

  /** The state once the device shows a QR or has settled, or after {@code waitMs}. */
  public Future<JsonObject> settled(String clientId, String deviceId, long waitMs) {
    return request(clientId, deviceId, new DeviceRequest.Settled(waitMs));
  }

  public Future<JsonObject> qr(String clientId, String deviceId) {
    return request(clientId, deviceId, new DeviceRequest.Qr());
  }

  public Future<JsonObject> pairingCode(String clientId, String deviceId, String phoneNumber) {
    return request(clientId, deviceId, new DeviceRequest.PairingCode(phoneNumber));
  }

  public Future<JsonObject> reconnect(String clientId, String deviceId) {
    return request(clientId, deviceId, new DeviceRequest.Reconnect());
  }

  public Future<JsonObject> stop(String clientId, String deviceId) {
    return request(clientId, deviceId, new DeviceRequest.Stop());
  }

  public Future<JsonObject> logout(String clientId, String deviceId) {
    return request(clientId, deviceId, new DeviceRequest.Logout());
  }

  /** Tells the device's actor, wherever it runs, that its outbox has work; a wake-up lost on the way is caught by the send scheduler. */
  public void drain(String clientId, String deviceId) {
    deliver(clientId, deviceId, new DeviceRequest.Drain());
  }

  public Future<Void> markRead(String clientId, String deviceId, String chatId, List<String> messageIds) {
    return session(clientId, deviceId, new DeviceRequest.MarkRead(chatId, messageIds)).mapEmpty();
  }

  /** An operation on the device's live session (409 DEVICE_NOT_CONNECTED unless it is CONNECTED). */
  public Future<JsonObject> session(String clientId, String deviceId, DeviceRequest.OnSession operation) {
    return request(clientId, deviceId, operation);
  }

  private Future<JsonObject> request(String clientId, String deviceId, DeviceRequest request) {
    return deliver(clientId, deviceId, request).map(Message::body).recover(e -> Future.failedFuture(toApi(e)));
  }

  /** Sends to the device's node; once more to the owner read afresh when the first was out of date. */
  private Future<Message<JsonObject>> deliver(String clientId, String deviceId, DeviceRequest request) {
    return owner(clientId, deviceId, false).compose(first -> send(clientId, deviceId, request, first)
        .recover(e -> first.fresh() || !misrouted(e) ? Future.failedFuture(e)
            : owner(clientId, deviceId, true).compose(again -> send(clientId, deviceId, request, again))));
  }

  /** Where a request goes: a node, and whether it was just read from the database. */
  private record Route(String node, boolean fresh) {
  }

  private Future<Route> owner(String clientId, String deviceId, boolean fresh) {
    if (runsHere.test(clientId, deviceId)) {
      return Future.succeededFuture(new Route(node, false));
    }
    String key = clientId + "/" + deviceId;
    String known = fresh ? null : owners.get(key);
    if (known != null) {
      return Future.succeededFuture(new Route(known, false));
    }
    return DeviceRepository.owner(sql, clientId, deviceId).map(owner -> {
      if (owner == null || owner.equals(node)) {
        owners.remove(key);
      } else {
        if (owners.size() >= MAX_OWNERS) {
          owners.clear();
        }
        owners.put(key, owner);
      }
      return new Route(owner, true);
    });
  }

  private Future<Message<JsonObject>> send(String clientId, String deviceId, DeviceRequest request, Route route) {
    if (route.node() == null) {
      return Future.failedFuture(ApiException.unavailable(NOWHERE, 2));
    }
    if (route.node().equals(node)) {
      return here(clientId, deviceId, request);
    }
    DeliveryOptions options = options(request.timeoutMs()).addHeader(CLIENT_HEADER, clientId).addHeader(DEVICE_HEADER, deviceId);
    return vertx.eventBus().request(Addresses.devices(route.node()), request, options);
  }

  /** To the actor on this node; a wake-up, which the actor does not answer, completes once sent. */
  private Future<Message<JsonObject>> here(String clientId, String deviceId, DeviceRequest request) {
    String local = Addresses.device(clientId, deviceId);
    if (request instanceof DeviceRequest.Drain) {
      vertx.eventBus().send(local, request, options(TIMEOUT_MS));
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(local, request, options(request.timeoutMs()));
  }

  /** The node asked no longer runs the device, or is gone. */
  private static boolean misrouted(Throwable e) {
    return e instanceof ReplyException re && (re.failureType() == ReplyFailure.NO_HANDLERS
        || re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == NOT_HERE);
  }

  /** The router: passes another node's request to the actor here, and its answer back. */
  private void route(Message<DeviceRequest> msg) {
    String clientId = msg.headers().get(CLIENT_HEADER);
    String deviceId = msg.headers().get(DEVICE_HEADER);
    if (clientId == null || deviceId == null || !runsHere.test(clientId, deviceId)) {
      msg.fail(NOT_HERE, "UNAVAILABLE|" + NOWHERE);
      return;
    }
    here(clientId, deviceId, msg.body()).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result() == null ? null : ar.result().body());
      } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        msg.fail(re.failureCode(), re.getMessage());
      } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
        // Stopped between the check and the request: moved, or moving.
        msg.fail(NOT_HERE, "UNAVAILABLE|" + NOWHERE);
      } else {
        msg.fail(503, "UNAVAILABLE|the device did not answer in time");
      }
    });
  }

  private static DeliveryOptions options(long timeoutMs) {
    return new DeliveryOptions().setCodecName(DeviceRequestCodec.NAME).setSendTimeout(timeoutMs);
  }

  /** A failed answer as the API reports it; the actor sends failures as {@code status} and {@code CODE|message}. */
  static ApiException toApi(Throwable e) {
    if (e instanceof ReplyException re) {
      return switch (re.failureType()) {
        case NO_HANDLERS -> ApiException.unavailable(NOWHERE, 2);
        case TIMEOUT -> ApiException.unavailable("the device did not answer in time", 2);
        default -> {
          String raw = re.getMessage() == null ? "" : re.getMessage();
          int bar = raw.indexOf('|');
          yield bar < 0 ? new ApiException(502, "ENGINE_ERROR", raw)
              : re.failureCode() == NOT_HERE ? ApiException.unavailable(NOWHERE, 2)
              : re.failureCode() == 503 ? ApiException.unavailable(raw.substring(bar + 1), DbErrors.RETRY_AFTER_SECONDS)
              : new ApiException(re.failureCode(), raw.substring(0, bar), raw.substring(bar + 1));
        }
      };
    }
    return failure(e);
  }

  /** The actor's refusal, in the form {@link #toApi} reads. */
  static void fail(Message<?> msg, ApiException e) {
    msg.fail(e.status(), e.code() + "|" + e.getMessage());
  }

  /** Replies with the future's result, or with its failure mapped to the API's status and code. */
  static void reply(Message<?> msg, Future<JsonObject> result) {
    result.onSuccess(msg::reply).onFailure(e -> fail(msg, failure(e)));
  }

  /** Engine, API and database failures as the one error type of the API. */
  static ApiException failure(Throwable e) {
    if (e instanceof EngineException ee) {
      int status = switch (ee.code()) {
        case "NOT_SUPPORTED" -> 501;
        case "NOT_FOUND" -> 404;
        case "FORBIDDEN", "NOT_GROUP_ADMIN" -> 403;
        case "VALIDATION_ERROR" -> 400;
        case "DEVICE_NOT_CONNECTED", "DEVICE_NOT_QR_READY", "CONFLICT", "NOT_EDITABLE", "NOT_REVOCABLE" -> 409;
        case "UNAVAILABLE" -> 503;
        case "TIMEOUT" -> 504;
        default -> 502;
      };
      return new ApiException(status, ee.code(), ee.getMessage());
    }
    if (e instanceof ApiException api) {
      return api;
    }
    if (DbErrors.unreachable(e)) {
      return new ApiException(503, "UNAVAILABLE", "the database is unreachable, retry shortly");
    }
    return new ApiException(502, "ENGINE_ERROR", String.valueOf(e.getMessage()));
  }
}
