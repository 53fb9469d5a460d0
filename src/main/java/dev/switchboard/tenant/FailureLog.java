package dev.switchboard.tenant;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's log of failed authentications, which a guessing client must not be able to flood: one
 * line for an address's first failure, then one summary line per address a minute. Only key prefixes
 * are written, never a key.
 */
final class FailureLog {

  private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);
  static final long PERIOD_MS = 60_000;
  /** Addresses tallied at once; failures from more than that are summed up in one number. */
  static final int MAX_ADDRESSES = 10_000;
  private static final int MAX_PREFIXES = 5;

  private static final class Tally {
    final AtomicInteger failures = new AtomicInteger();
    final Set<String> prefixes = new TreeSet<>();
  }

  private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
  private final AtomicInteger untallied = new AtomicInteger();

  void failed(String address, String prefix) {
    Tally tally = tallies.size() < MAX_ADDRESSES ? tallies.computeIfAbsent(address, a -> new Tally())
        : tallies.get(address);
    if (tally == null) {
      untallied.incrementAndGet();
      return;
    }
    if (tally.failures.getAndIncrement() == 0) {
      log.info("Failed authentication from {} (key prefix {}); more from this address are summed up each minute",
          address, printable(prefix));
      return;
    }
    synchronized (tally) {
      if (tally.prefixes.size() < MAX_PREFIXES) {
        tally.prefixes.add(printable(prefix));
      }
    }
  }

  /** Logs and forgets the failures since the last summary, beyond each address's first. */
  void summarise() {
    for (String address : tallies.keySet()) {
      Tally tally = tallies.remove(address);
      int more = tally == null ? 0 : tally.failures.get() - 1;
      if (more > 0) {
        synchronized (tally) {
          log.info("{} more failed authentication(s) from {} in the last minute (key prefixes {}{})", more, address,
              String.join(", ", tally.prefixes), tally.prefixes.size() == MAX_PREFIXES ? ", ..." : "");
        }
      }
    }
    int others = untallied.getAndSet(0);
    if (others > 0) {
      log.warn("{} failed authentication(s) in the last minute from addresses beyond the first {}", others,
          MAX_ADDRESSES);
    }
  }

  /** A prefix as it may go into a log line: no control characters or anything else a key never holds. */
  static String printable(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length());
    prefix.chars().forEach(c -> sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '.'
        ? (char) c : '?'));
    return sb.toString();
  }
}
