package dev.switchboard.simulator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Faults injected per phone number; they outlive reconnects until cleared or reset. */
final class Faults {

  private final Map<String, Long> latencyMs = new HashMap<>();
  private final Set<String> refusingSends = new HashSet<>();

  void latency(String phone, long ms) {
    if (ms < 0) {
      throw SimException.badRequest("ms must be >= 0");
    }
    if (ms == 0) {
      latencyMs.remove(phone);
    } else {
      latencyMs.put(phone, ms);
    }
  }

  long latencyOf(String phone) {
    return phone == null ? 0 : latencyMs.getOrDefault(phone, 0L);
  }

  void refuseSends(String phone, boolean enabled) {
    if (enabled) {
      refusingSends.add(phone);
    } else {
      refusingSends.remove(phone);
    }
  }

  boolean refusesSends(String phone) {
    return refusingSends.contains(phone);
  }

  void clear() {
    latencyMs.clear();
    refusingSends.clear();
  }
}
