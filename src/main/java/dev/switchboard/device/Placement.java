package dev.switchboard.device;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest-random-weight) hashing of devices over live nodes: every node computes the
 * same ranking from the same member list, with no coordination. When a node leaves, only its
 * devices change hands, each to its next-ranked node. Placement is sticky: the ranking decides
 * where a device without a live owner goes, never where a healthy one runs.
 */
public final class Placement {

  private Placement() {
  }

  /** The device's first-ranked node among {@code nodes}, or null when there are none. */
  public static String owner(String clientId, String deviceId, Collection<String> nodes) {
    String best = null;
    long bestScore = 0;
    for (String n : nodes) {
      long s = score(n, clientId, deviceId);
      if (best == null || Long.compareUnsigned(s, bestScore) > 0 || s == bestScore && n.compareTo(best) < 0) {
        best = n;
        bestScore = s;
      }
    }
    return best;
  }

  /** All of {@code nodes}, best first. */
  public static List<String> ranking(String clientId, String deviceId, Collection<String> nodes) {
    Comparator<String> byScore = (a, b) -> Long.compareUnsigned(score(b, clientId, deviceId), score(a, clientId, deviceId));
    return nodes.stream().sorted(byScore.thenComparing(Comparator.naturalOrder())).toList();
  }

  /** FNV-1a over node, client and device, finished with the SplitMix64 mixer. */
  static long score(String node, String clientId, String deviceId) {
    long h = 0xcbf29ce484222325L;
    for (String part : new String[] {node, clientId, deviceId}) {
      for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
      h = (h ^ 0xff) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
