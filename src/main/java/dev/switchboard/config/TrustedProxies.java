package dev.switchboard.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIDRs of {@code SWITCHBOARD_TRUSTED_PROXIES}: the peers whose {@code X-Forwarded-For} is believed.
 * Matching is Netty's {@link IpSubnetFilterRule}; addresses are IP literals only, never resolved by DNS.
 */
public record TrustedProxies(List<String> cidrs, List<IpSubnetFilterRule> rules) {

  public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

  /** {@code 10.0.0.0/8,192.168.1.7,fd00::/8}: a bare address is a single host. */
  public static TrustedProxies parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return NONE;
    }
    List<String> cidrs = new ArrayList<>();
    List<IpSubnetFilterRule> rules = new ArrayList<>();
    for (String entry : raw.split(",", -1)) {
      String cidr = entry.trim();
      int slash = cidr.indexOf('/');
      String ip = slash < 0 ? cidr : cidr.substring(0, slash);
      InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
      int max = address == null ? 0 : address.getAddress().length * 8;
      int bits = slash < 0 ? max : bits(cidr.substring(slash + 1));
      if (address == null || bits < 0 || bits > max) {
        throw new IllegalArgumentException("'" + cidr + "' is not a CIDR such as 10.0.0.0/8 or fd00::/8");
      }
      cidrs.add(ip + "/" + bits);
      rules.add(new IpSubnetFilterRule(address, bits, IpFilterRuleType.ACCEPT));
    }
    return new TrustedProxies(List.copyOf(cidrs), List.copyOf(rules));
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public boolean trusts(InetAddress address) {
    InetSocketAddress socket = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule rule : rules) {
      if (rule.matches(socket)) {
        return true;
      }
    }
    return false;
  }

  private static int bits(String digits) {
    return digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
  }

  @Override
  public String toString() {
    return String.join(",", cidrs);
  }
}
