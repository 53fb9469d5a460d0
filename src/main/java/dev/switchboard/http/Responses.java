package dev.switchboard.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the success envelope. Errors go through {@link FailureHandler} only. */
public final class Responses {

  public static final String JSON = "application/json; charset=utf-8";

  private Responses() {
  }

  public static Future<Void> ok(RoutingContext ctx, Object data) {
    return send(ctx, 200, data);
  }

  public static Future<Void> created(RoutingContext ctx, Object data) {
    return send(ctx, 201, data);
  }

  public static Future<Void> accepted(RoutingContext ctx, Object data) {
    return send(ctx, 202, data);
  }

  public static Future<Void> send(RoutingContext ctx, int status, Object data) {
    JsonObject body = new JsonObject().put("success", true).put("data", data);
    return ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body.toBuffer());
  }

  /** Runs a handler's future and sends its failure, if any, to the failure handler. */
  public static <T> void reply(RoutingContext ctx, Future<T> result, java.util.function.BiFunction<RoutingContext, T, Future<Void>> writer) {
    result.onSuccess(v -> writer.apply(ctx, v)).onFailure(ctx::fail);
  }
}
