package dev.switchboard.message;

import dev.switchboard.http.ApiException;
import dev.switchboard.http.BoundedBody;
import dev.switchboard.http.SafeUrls;
import dev.switchboard.http.UrlGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.URI;
import java.util.Locale;

/**
 * Fetches the media a send names by {@code url}: http(s) only, every hop (redirects included)
 * checked on the address its host resolves to, at most {@code maxBytes}, within a time limit.
 */
public final class MediaFetcher {

  static final int MAX_REDIRECTS = 5;
  static final long TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final UrlGuard guard;
  private final WebClient client;
  private final int maxBytes;

  public record Fetched(String mimeType, String fileName, Buffer data) {
  }

  public MediaFetcher(Vertx vertx, UrlGuard guard, int maxBytes) {
    this.vertx = vertx;
    this.guard = guard;
    this.maxBytes = maxBytes;
    this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setUserAgent("Switchboard")
        .setConnectTimeout(10_000).setTrustAll(false));
  }

  public Future<Fetched> fetch(String url) {
    return fetch(guard.check("url", url), 0, System.currentTimeMillis() + TIMEOUT_MS);
  }

  private Future<Fetched> fetch(URI uri, int hops, long deadline) {
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      return Future.failedFuture(unreachable("fetching the media took longer than " + TIMEOUT_MS / 1000 + " s"));
    }
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    BoundedBody sink = new BoundedBody(maxBytes);
    return SafeUrls.resolve(vertx, guard, "url", uri)
        .compose(address -> client.request(HttpMethod.GET,
                SocketAddress.inetSocketAddress(SafeUrls.port(uri), address.getHostAddress()), SafeUrls.port(uri),
                uri.getHost(), SafeUrls.requestUri(uri))
            .ssl(https).timeout(left).as(BodyCodec.pipe(sink)).send())
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e : sink.truncated()
            ? tooLarge() : unreachable("the media URL could not be fetched: " + e.getMessage())))
        .compose(response -> {
          if (sink.truncated()) {
            return Future.failedFuture(tooLarge());
          }
          int status = response.statusCode();
          if (status >= 300 && status < 400 && response.getHeader("location") != null) {
            if (hops >= MAX_REDIRECTS) {
              return Future.failedFuture(unreachable("the media URL redirects more than " + MAX_REDIRECTS + " times"));
            }
            URI next = uri.resolve(response.getHeader("location"));
            return fetch(guard.check("url", next.toString()), hops + 1, deadline);
          }
          if (status != 200) {
            return Future.failedFuture(unreachable("the media URL answered HTTP " + status));
          }
          if (sink.body().length() == 0) {
            return Future.failedFuture(unreachable("the media URL returned no bytes"));
          }
          return Future.succeededFuture(new Fetched(mimeType(response), fileName(uri), sink.body()));
        });
  }

  private static String mimeType(HttpResponse<Void> response) {
    String type = response.getHeader("content-type");
    if (type == null || type.isBlank()) {
      return "application/octet-stream";
    }
    int semi = type.indexOf(';');
    return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String fileName(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.isEmpty() ? null : last.length() > 255 ? last.substring(last.length() - 255) : last;
  }

  private ApiException tooLarge() {
    return new ApiException(413, "PAYLOAD_TOO_LARGE", "the media at url is larger than " + maxBytes / 1048576 + " MiB");
  }

  private static ApiException unreachable(String message) {
    return new ApiException(422, "URL_UNREACHABLE", message);
  }
}
