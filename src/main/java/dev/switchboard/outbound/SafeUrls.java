package dev.switchboard.outbound;

import dev.switchboard.kernel.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Resolves the host of a URL the gateway is about to call (a media URL, a webhook) and applies
 * {@link UrlGuard} to every address it resolves to, so a public name that points inside fails the
 * same way as a literal private address. The caller then connects to the returned address, not to
 * the name again, so DNS cannot change its answer in between.
 */
public final class SafeUrls {

  private SafeUrls() {
  }

  public static Future<InetAddress> resolve(Vertx vertx, UrlGuard guard, String field, URI uri) {
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    return vertx.executeBlocking(() -> {
      InetAddress[] all;
      try {
        all = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw new ApiException(422, "URL_UNREACHABLE", field + ": the host " + host + " does not resolve");
      }
      for (InetAddress a : all) {
        if (!guard.allowed(a)) {
          throw UrlGuard.unsafe(field, "the host " + host + " resolves to " + a.getHostAddress() + ", which is not public");
        }
      }
      return all[0];
    }, false);
  }

  public static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** Path and query as sent on the request line. */
  public static String requestUri(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }
}
