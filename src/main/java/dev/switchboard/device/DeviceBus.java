package dev.switchboard.device;

import dev.switchboard.engine.EngineException;
import dev.switchboard.http.ApiException;
import dev.switchboard.store.DbErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Requests to a device actor over the (clustered) event bus. A device that is nowhere (moving
 * between nodes, starting) or does not answer in time is a 503 with Retry-After, never a hang.
 */
public final class DeviceBus {

  static final long TIMEOUT_MS = 5_000;

  private DeviceBus() {
  }

  public static Future<JsonObject> request(Vertx vertx, String clientId, String deviceId, JsonObject body, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(DeviceVerticle.address(clientId, deviceId), body,
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(Message::body)
        .recover(e -> Future.failedFuture(toApi(e)));
  }

  public static Future<JsonObject> request(Vertx vertx, String clientId, String deviceId, JsonObject body) {
    return request(vertx, clientId, deviceId, body, TIMEOUT_MS);
  }

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

  static void fail(Message<?> msg, int status, String code, String message) {
    msg.fail(status, code + "|" + message);
  }

  /** Replies with the future's result, or with its failure mapped to an API status. */
  static void reply(Message<JsonObject> msg, Future<JsonObject> result) {
    result.onSuccess(msg::reply).onFailure(e -> {
      if (e instanceof EngineException ee) {
        int status = switch (ee.code()) {
          case "NOT_SUPPORTED" -> 501;
          case "NOT_FOUND" -> 404;
          case "FORBIDDEN", "NOT_GROUP_ADMIN" -> 403;
          case "VALIDATION_ERROR" -> 400;
          case "DEVICE_NOT_CONNECTED", "DEVICE_NOT_QR_READY", "CONFLICT" -> 409;
          case "UNAVAILABLE" -> 503;
          case "TIMEOUT" -> 504;
          default -> 502;
        };
        fail(msg, status, ee.code(), ee.getMessage());
      } else if (e instanceof ApiException api) {
        fail(msg, api.status(), api.code(), api.getMessage());
      } else if (DbErrors.unreachable(e)) {
        fail(msg, 503, "UNAVAILABLE", "the database is unreachable, retry shortly");
      } else {
        fail(msg, 502, "ENGINE_ERROR", String.valueOf(e.getMessage()));
      }
    });
  }
}
