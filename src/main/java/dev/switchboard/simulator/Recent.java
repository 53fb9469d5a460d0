package dev.switchboard.simulator;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The simulator's bounded memory: collections that keep their newest entries and drop the oldest first. */
final class Recent {

  private Recent() {
  }

  /**
   * A map of at most {@code max} entries, in insertion order; a put beyond it drops the eldest. Its table
   * is made for {@code max} entries at the first put: grown on demand, the put that doubled it at
   * 786,432 entries rehashed them all and held the event loop for 33-54 ms (which, in the benches, also
   * serves their HTTP client).
   */
  static <K, V> Map<K, V> map(int max) {
    int capacity = (int) Math.min(1 << 30, (long) Math.ceil((max + 1) / 0.75));
    return new LinkedHashMap<>(capacity, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  /** A set of at most {@code max} elements; an add beyond it drops the eldest. */
  static <E> Set<E> set(int max) {
    return Collections.newSetFromMap(map(max));
  }

  /** Appends {@code entry} to the list of {@code key}, dropping that list's oldest entry beyond {@code max}. */
  static void append(Map<String, Deque<JsonObject>> lists, String key, JsonObject entry, int max) {
    Deque<JsonObject> list = lists.computeIfAbsent(key, k -> new ArrayDeque<>());
    list.addLast(entry);
    if (list.size() > max) {
      list.removeFirst();
    }
  }
}
