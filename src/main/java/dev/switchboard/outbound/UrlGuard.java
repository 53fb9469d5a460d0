package dev.switchboard.outbound;

import dev.switchboard.kernel.ApiException;
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
        if (host.matches("[0-9.]+") && ambiguousV4(host)) {
          throw unsafe(field, "the address " + host + " has an octet with a leading zero; write it in plain decimal");
        }
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
    return b.length == 4 ? isPublicV4(b) : isPublicV6(b);
  }

  private static boolean isPublicV4(byte[] b) {
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    // 0/8, 10/8, 100.64/10 (carrier NAT), 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16,
    // 198.18/15 (benchmarks), 224/4 (multicast) and 240/4 (reserved)
    return !(first == 0 || first == 10 || first == 100 && second >= 64 && second < 128 || first == 127
        || first == 169 && second == 254 || first == 172 && second >= 16 && second < 32
        || first == 192 && second == 0 && (b[2] & 0xff) == 0 || first == 192 && second == 168
        || first == 198 && (second == 18 || second == 19) || first >= 224);
  }

  /**
   * IPv6 forms that carry an IPv4 address are judged by that address: IPv4-compatible {@code ::/96},
   * IPv4-mapped {@code ::ffff:0:0/96} and IPv4-translated {@code ::ffff:0:0:0/96}, NAT64
   * {@code 64:ff9b::/96} and 6to4 {@code 2002::/16}. Local-use NAT64 {@code 64:ff9b:1::/48}, Teredo
   * {@code 2001::/32}, discard-only {@code 100::/64}, documentation {@code 2001:db8::/32} and
   * unique-local {@code fc00::/7} are never public.
   */
  private static boolean isPublicV6(byte[] b) {
    if (zero(b, 0, 12) || zero(b, 0, 10) && ff(b, 10) || zero(b, 0, 8) && ff(b, 8) && zero(b, 10, 12)
        || word(b, 0) == 0x64 && word(b, 2) == 0xff9b && zero(b, 4, 12)) {
      return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
    }
    if (word(b, 0) == 0x2002) {
      return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]});
    }
    boolean localNat64 = word(b, 0) == 0x64 && word(b, 2) == 0xff9b && word(b, 4) == 1;
    boolean teredo = word(b, 0) == 0x2001 && word(b, 2) == 0;
    boolean discard = word(b, 0) == 0x100 && zero(b, 2, 8);
    boolean documentation = word(b, 0) == 0x2001 && word(b, 2) == 0xdb8;
    return !(localNat64 || teredo || discard || documentation || (b[0] & 0xfe) == 0xfc);
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean ff(byte[] b, int at) {
    return word(b, at) == 0xffff;
  }

  private static int word(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
  }

  private static boolean isLiteral(String host) {
    return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":") || host.matches("0x[0-9a-f.x]+");
  }

  /**
   * An IPv4 literal with an octet written with a leading zero ({@code 0177.0.0.1}): Java reads it
   * as decimal (177.0.0.1) where curl and browsers read octal (127.0.0.1), so it has no one meaning.
   */
  private static boolean ambiguousV4(String host) {
    for (String part : host.split("\\.", -1)) {
      if (part.length() > 1 && part.charAt(0) == '0') {
        return true;
      }
    }
    return false;
  }

  static ApiException unsafe(String field, String message) {
    return new ApiException(422, "UNSAFE_URL", field + ": " + message,
        new io.vertx.core.json.JsonObject().put("field", field), null);
  }
}
