package dev.switchboard.http;

import dev.switchboard.kernel.ApiException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, before routing, what no route can answer: a request the HTTP decoder could not read, an
 * HTTP/1.1 request without {@code Host}, an {@code Expect} other than {@code 100-continue}, and a path
 * with a malformed percent-escape. Each is a 4xx in the error envelope, logged at debug only: they
 * are the sender's mistakes (or probes), not the node's.
 */
public final class RequestGuard implements Handler<HttpServerRequest> {

  private static final Logger log = LoggerFactory.getLogger(RequestGuard.class);

  private final Handler<HttpServerRequest> next;

  public RequestGuard(Handler<HttpServerRequest> next) {
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String problem = problem(request);
    if (problem == null) {
      next.handle(request);
    } else {
      refuse(request, ApiException.validation(problem));
    }
  }

  /** For {@code HttpServer.invalidRequestHandler}: what the decoder refused, with the status it calls for. */
  public static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException error;
    if (cause instanceof TooLongHttpLineException) {
      error = new ApiException(414, "VALIDATION_ERROR", "the request line is too long (at most 8 KiB)");
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiException(431, "VALIDATION_ERROR", "the request headers are too large (at most 16 KiB)");
    } else {
      error = ApiException.validation("malformed HTTP request");
    }
    refuse(request, error);
  }

  private static void refuse(HttpServerRequest request, ApiException error) {
    log.debug("Refused {} {}: {}", request.method(), request.uri(), error.getMessage());
    FailureHandler.write(request, error);
  }

  private static String problem(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_1_1 && request.getHeader("Host") == null) {
      return "an HTTP/1.1 request needs a Host header";
    }
    String expect = request.getHeader("Expect");
    if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
      return "unsupported Expect header: only 100-continue is supported";
    }
    if (request.path() == null || !wellEscaped(request.path())) {
      return "the path holds a malformed percent-escape (a '%' not followed by two hex digits)";
    }
    return null;
  }

  private static boolean wellEscaped(String path) {
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
