package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.outbound.SafeUrls;
import dev.switchboard.outbound.UrlGuard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Fetches the media a send names by {@code url}: http(s) only, every hop (redirects included)
 * checked on the address its host resolves to, at most {@code maxBytes}, and the whole fetch, every
 * hop and every byte, within one deadline (a server that drips its body cannot hold a send longer).
 * Failures say what went wrong in a few fixed words, never the raw exception text, which would show
 * internal addresses.
 */
public final class MediaFetcher {

  static final int MAX_REDIRECTS = 5;
  static final long TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final UrlGuard guard;
  private final HttpClient client;
  private final int maxBytes;
  private final long timeoutMs;

  public record Fetched(String mimeType, String fileName, Buffer data) {
  }

  public MediaFetcher(Vertx vertx, UrlGuard guard, int maxBytes) {
    this(vertx, guard, maxBytes, TIMEOUT_MS);
  }

  MediaFetcher(Vertx vertx, UrlGuard guard, int maxBytes, long timeoutMs) {
    this.vertx = vertx;
    this.guard = guard;
    this.maxBytes = maxBytes;
    this.timeoutMs = timeoutMs;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) Math.min(10_000, timeoutMs))
        .setTrustAll(false));
  }

  /** The fetch of one URL: the request in flight, so the deadline can abort it. */
  private static final class Fetch {
    final Promise<Fetched> result = Promise.promise();
    HttpClientRequest request;

    void fail(Throwable e) {
      if (result.tryFail(e) && request != null) {
        request.reset();
      }
    }
  }

  public Future<Fetched> fetch(String url) {
    URI uri = guard.check("url", url);
    Fetch fetch = new Fetch();
    long timer = vertx.setTimer(timeoutMs, t -> fetch.fail(unreachable("TIMEOUT",
        "the media URL could not be fetched within " + timeoutMs / 1000 + " s")));
    hop(fetch, uri, 0);
    return fetch.result.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void hop(Fetch fetch, URI uri, int hops) {
    int port = SafeUrls.port(uri);
    SafeUrls.resolve(vertx, guard, "url", uri)
        .compose(address -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
            .setHost(uri.getHost()).setPort(port).setURI(SafeUrls.requestUri(uri))
            .setSsl("https".equalsIgnoreCase(uri.getScheme())).putHeader("user-agent", "Switchboard")))
        .compose(request -> {
          fetch.request = request;
          if (fetch.result.future().isComplete()) {
            request.reset();
          }
          return request.send();
        })
        .onSuccess(response -> answer(fetch, uri, hops, response))
        .onFailure(e -> fetch.fail(describe(e)));
  }

  private void answer(Fetch fetch, URI uri, int hops, HttpClientResponse response) {
    int status = response.statusCode();
    if (status >= 300 && status < 400 && response.getHeader("location") != null) {
      fetch.request.reset();
      if (hops >= MAX_REDIRECTS) {
        fetch.fail(unreachable("REDIRECTS", "the media URL redirects more than " + MAX_REDIRECTS + " times"));
        return;
      }
      URI next;
      try {
        next = guard.check("url", uri.resolve(response.getHeader("location")).toString());
      } catch (ApiException e) {
        fetch.fail(e);
        return;
      } catch (IllegalArgumentException e) {
        fetch.fail(unreachable("REDIRECTS", "the media URL redirects to an invalid location"));
        return;
      }
      hop(fetch, next, hops + 1);
      return;
    }
    if (status != 200) {
      fetch.fail(unreachable("HTTP_STATUS", "the media URL answered HTTP " + status));
      return;
    }
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() + chunk.length() > maxBytes) {
        fetch.fail(tooLarge());
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(e -> fetch.fail(describe(e)));
    response.endHandler(v -> {
      if (body.length() == 0) {
        fetch.fail(unreachable("EMPTY", "the media URL returned no bytes"));
      } else {
        fetch.result.tryComplete(new Fetched(mimeType(response.getHeader("content-type")), fileName(uri), body));
      }
    });
  }

  /** A failure in a few fixed words: what kind of thing went wrong, not where. */
  private static ApiException describe(Throwable e) {
    if (e instanceof ApiException api) {
      return api;
    }
    if (e instanceof TimeoutException || e instanceof io.netty.channel.ConnectTimeoutException) {
      return unreachable("TIMEOUT", "the media URL could not be fetched: the server did not answer in time");
    }
    if (e instanceof ConnectException) {
      return unreachable("REFUSED", "the media URL could not be fetched: the connection was refused");
    }
    if (e instanceof SSLException || e.getCause() instanceof SSLException) {
      return unreachable("TLS", "the media URL could not be fetched: the TLS handshake failed");
    }
    return unreachable("CONNECTION", "the media URL could not be fetched: the connection failed or closed early");
  }

  static String mimeType(String header) {
    if (header == null || header.isBlank()) {
      return MediaTypes.FALLBACK;
    }
    int semi = header.indexOf(';');
    return MediaTypes.orFallback((semi < 0 ? header : header.substring(0, semi)).trim());
  }

  private static String fileName(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.isEmpty() ? null : last.length() > 255 ? last.substring(last.length() - 255) : last;
  }

  private ApiException tooLarge() {
    return new ApiException(413, "PAYLOAD_TOO_LARGE", "the media at url is larger than " + maxBytes / 1048576 + " MiB");
  }

  private static ApiException unreachable(String reason, String message) {
    return new ApiException(422, "URL_UNREACHABLE", message, new JsonObject().put("field", "url").put("reason", reason),
        null);
  }
}
