package dev.switchboard.kernel;

import io.vertx.core.json.JsonObject;

/** Every failure the API answers on purpose: an HTTP status, an docs/api.md error code and a message. */
public class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final JsonObject details;
  private final Integer retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null, null);
  }

  public ApiException(int status, String code, String message, JsonObject details, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException validation(String message) {
    return new ApiException(400, "VALIDATION_ERROR", message);
  }

  public static ApiException validation(String field, String message) {
    return new ApiException(400, "VALIDATION_ERROR", message, new JsonObject().put("field", field), null);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "UNAUTHORIZED", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "FORBIDDEN", message);
  }

  public static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  public static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }

  public static ApiException unavailable(String message, int retryAfterSeconds) {
    return new ApiException(503, "UNAVAILABLE", message, null, retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
