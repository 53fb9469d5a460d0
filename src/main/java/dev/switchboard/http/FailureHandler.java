package dev.switchboard.http;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.store.DbErrors;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that writes the error envelope, for every failure of every route. */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ApiException error = toApiException(ctx);
    if (error.status() >= 500 && error.status() != 503) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    write(ctx, error);
  }

  public static void write(RoutingContext ctx, ApiException error) {
    var response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(error.status()).putHeader("content-type", Responses.JSON);
    if (error.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
    }
    if (!ctx.request().isEnded()) {
      // The body was not read (too large, or refused before reading): the connection cannot carry another request.
      response.putHeader("Connection", "close");
    }
    if (error.status() == 405 && ctx.get("allowed-methods") != null) {
      response.putHeader("Allow", ctx.<String>get("allowed-methods"));
    }
    response.end(envelope(error).toBuffer());
  }

  /**
   * Answers a request that never reached the router (refused by the HTTP decoder or by
   * {@link RequestGuard}), then closes its connection: what follows on it cannot be trusted.
   */
  public static void write(HttpServerRequest request, ApiException error) {
    request.response().setStatusCode(error.status()).putHeader("content-type", Responses.JSON)
        .putHeader("Connection", "close").end(envelope(error).toBuffer())
        .onComplete(done -> request.connection().close());
  }

  private static JsonObject envelope(ApiException error) {
    JsonObject err = new JsonObject().put("code", error.code()).put("message", error.getMessage());
    if (error.details() != null) {
      err.put("details", error.details());
    }
    return new JsonObject().put("success", false).put("error", err);
  }

  static ApiException toApiException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof DecodeException || failure instanceof IllegalArgumentException) {
      return ApiException.validation("malformed request: " + failure.getMessage());
    }
    if (failure != null && DbErrors.unreachable(failure)) {
      // The same request can succeed once the database is back (a send with an Idempotency-Key is stored once).
      return ApiException.unavailable("the database is unreachable, retry shortly", DbErrors.RETRY_AFTER_SECONDS);
    }
    // A handler that failed with a 4xx and its cause (a body handler refusing a malformed form) meant the 4xx.
    int status = failure == null || ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode()
        : failure instanceof io.vertx.ext.web.handler.HttpException http ? http.getStatusCode() : 500;
    return switch (status) {
      case 400 -> ApiException.validation("malformed request");
      case 401 -> ApiException.unauthorized("a valid API key is required");
      case 404 -> ApiException.notFound("NOT_FOUND", "no route for " + ctx.request().method() + " " + ctx.request().path());
      case 405 -> new ApiException(405, "METHOD_NOT_ALLOWED", ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 413 -> new ApiException(413, "PAYLOAD_TOO_LARGE", "the request body is too large");
      case 415 -> new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "unsupported content type");
      default -> new ApiException(500, "INTERNAL_ERROR", "internal error; it has been logged");
    };
  }
}
