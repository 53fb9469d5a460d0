package dev.switchboard.device;

import dev.switchboard.engine.EngineException;
import dev.switchboard.kernel.Addresses;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.store.DbErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Asks device actors, on any node, over the (clustered) event bus: one method per {@link
 * DeviceRequest}. Every failure comes back as an {@link ApiException} with the API's status and code;
 * a device that is nowhere (moving between nodes, starting) or does not answer in time is a 503 with
 * Retry-After, never a hang. The actor's side of the same protocol is {@link #reply} and {@link #fail}.
 */
public final class DeviceClient {

  static final long TIMEOUT_MS = 5_000;
  static final long SLOW_TIMEOUT_MS = 15_000;

  private final Vertx vertx;

  public DeviceClient(Vertx vertx) {
    this.vertx = vertx;
    try {
      vertx.eventBus().registerCodec(new DeviceRequestCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another client of the same Vert.x registered it: one codec serves them all.
    }
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

  /** Tells the device's actor, wherever it runs, that its outbox has work; nothing is answered. */
  public void drain(String clientId, String deviceId) {
    vertx.eventBus().send(Addresses.device(clientId, deviceId), new DeviceRequest.Drain(), options(TIMEOUT_MS));
  }

  public Future<Void> markRead(String clientId, String deviceId, String chatId, List<String> messageIds) {
    return session(clientId, deviceId, new DeviceRequest.MarkRead(chatId, messageIds)).mapEmpty();
  }

  /** An operation on the device's live session (409 DEVICE_NOT_CONNECTED unless it is CONNECTED). */
  public Future<JsonObject> session(String clientId, String deviceId, DeviceRequest.OnSession operation) {
    return request(clientId, deviceId, operation);
  }

  private Future<JsonObject> request(String clientId, String deviceId, DeviceRequest request) {
    return vertx.eventBus().<JsonObject>request(Addresses.device(clientId, deviceId), request, options(request.timeoutMs()))
        .map(Message::body)
        .recover(e -> Future.failedFuture(toApi(e)));
  }

  private static DeliveryOptions options(long timeoutMs) {
    return new DeliveryOptions().setCodecName(DeviceRequestCodec.NAME).setSendTimeout(timeoutMs);
  }

  /** A failed answer as the API reports it; the actor sends failures as {@code status} and {@code CODE|message}. */
  static ApiException toApi(Throwable e) {
    if (e instanceof ReplyException re) {
      return switch (re.failureType()) {
        case NO_HANDLERS -> ApiException.unavailable("the device is not running on any node right now (starting or moving)", 2);
        case TIMEOUT -> ApiException.unavailable("the device did not answer in time", 2);
        default -> {
          String raw = re.getMessage() == null ? "" : re.getMessage();
          int bar = raw.indexOf('|');
          yield bar < 0 ? new ApiException(502, "ENGINE_ERROR", raw)
              : re.failureCode() == 503 ? ApiException.unavailable(raw.substring(bar + 1), DbErrors.RETRY_AFTER_SECONDS)
              : new ApiException(re.failureCode(), raw.substring(0, bar), raw.substring(bar + 1));
        }
      };
    }
    return e instanceof ApiException api ? api : new ApiException(502, "ENGINE_ERROR", String.valueOf(e.getMessage()));
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
