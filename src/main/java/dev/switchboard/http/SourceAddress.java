package dev.switchboard.http;

import dev.switchboard.config.TrustedProxies;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a request comes from: the TCP peer, unless the peer is a trusted proxy; then the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy. Each proxy appends the peer it saw,
 * so entries left of that one were written by someone nobody vouches for. Addresses come out in one
 * canonical text form (RFC 5952 for IPv6), so one address is always one key.
 */
public final class SourceAddress {

  private final TrustedProxies proxies;

  public SourceAddress(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  public String of(HttpServerRequest request) {
    var remote = request.remoteAddress();
    if (remote == null || remote.hostAddress() == null) {
      return null;
    }
    InetAddress peer = NetUtil.createInetAddressFromIpAddressString(remote.hostAddress());
    if (peer == null) {
      return remote.hostAddress();
    }
    if (proxies.isEmpty() || !proxies.trusts(peer)) {
      return NetUtil.toAddressString(peer);
    }
    return NetUtil.toAddressString(forwardedFor(peer, request.headers().getAll("X-Forwarded-For")));
  }

  /** The client behind trusted proxy {@code peer}, from every {@code X-Forwarded-For} header in order. */
  InetAddress forwardedFor(InetAddress peer, List<String> headers) {
    List<String> entries = new ArrayList<>();
    for (String header : headers) {
      for (String entry : header.split(",")) {
        entries.add(entry.trim());
      }
    }
    InetAddress client = peer;
    for (int i = entries.size() - 1; i >= 0; i--) {
      InetAddress hop = parse(entries.get(i));
      if (hop == null) {
        // A trusted proxy wrote something that is not an address: the proxy itself is the last one known.
        return client;
      }
      client = hop;
      if (!proxies.trusts(hop)) {
        return hop;
      }
    }
    // Every hop is a trusted proxy: the request started inside the trusted network, at the left-most one.
    return client;
  }

  /** An IP literal, with or without a port ({@code 192.0.2.1:443}, {@code [2001:db8::1]:443}); null otherwise. */
  static InetAddress parse(String entry) {
    String ip = entry;
    if (ip.startsWith("[")) {
      int close = ip.indexOf(']');
      ip = close < 0 ? "" : ip.substring(1, close);
    } else if (ip.indexOf(':') > 0 && ip.indexOf(':') == ip.lastIndexOf(':')) {
      ip = ip.substring(0, ip.indexOf(':'));
    }
    return ip.isEmpty() ? null : NetUtil.createInetAddressFromIpAddressString(ip);
  }
}
