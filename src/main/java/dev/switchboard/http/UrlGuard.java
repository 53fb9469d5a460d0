package dev.switchboard.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Keeps webhook and media URLs away from this machine and its private network: http(s) only, no
 * credentials, and no private, loopback, link-local, unique-local or metadata address. The check on
 * a literal address happens when a URL is accepted; the check on the resolved address happens
 * again on every fetch, since DNS can change.
 */
public final class UrlGuard {

  private final boolean allowPrivate;

  public UrlGuard(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** Validates a URL as typed by a user; returns the parsed URI. */
  public URI check(String field, String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw ApiException.validation(field, field + " is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw unsafe(field, "only http and https URLs are allowed");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ApiException.validation(field, field + " must have a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw unsafe(field, "URLs with credentials are not allowed");
    }
    if (!allowPrivate) {
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      if (host.equals("localhost") || host.endsWith(".localhost") || host.equals("metadata.google.internal")) {
        throw unsafe(field, "the host " + host + " is not a public address");
      }
      if (isLiteral(host)) {
        try {
          InetAddress address = InetAddress.getByName(host);
          if (!isPublic(address)) {
            throw unsafe(field, "the address " + address.getHostAddress() + " is not public");
          }
        } catch (UnknownHostException e) {
          throw ApiException.validation(field, field + " has an invalid address");
        }
      }
    }
    return uri;
  }

  /** For a resolved address at fetch time. */
  public boolean allowed(InetAddress address) {
    return allowPrivate || isPublic(address);
  }

  public static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (b.length == 4) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      // 0/8, 100.64/10 (carrier NAT), 192.0.0/24, 198.18/15 (benchmarks), 240/4 (reserved)
      return !(first == 0 || first == 100 && second >= 64 && second < 128 || first == 192 && second == 0 && (b[2] & 0xff) == 0
          || first == 198 && (second == 18 || second == 19) || first >= 240);
    }
    // fc00::/7 unique-local; ::ffff:a.b.c.d mapped addresses are decoded by InetAddress already.
    return (b[0] & 0xfe) != 0xfc;
  }

  private static boolean isLiteral(String host) {
    return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":") || host.matches("0x[0-9a-f.x]+");
  }

  static ApiException unsafe(String field, String message) {
    return new ApiException(422, "UNSAFE_URL", field + ": " + message,
        new io.vertx.core.json.JsonObject().put("field", field), null);
  }
}
