package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulator's bounded collections drop their oldest entries, and only beyond their size. */
class RecentTest {

  @Test
  void aSetForgetsItsEldestBeyondItsSize() {
    Set<String> ids = Recent.set(3);
    for (String id : List.of("a", "b", "c")) {
      assertTrue(ids.add(id));
    }
    assertFalse(ids.add("a"), "still remembered at the limit");
    assertTrue(ids.add("d"));
    assertEquals(Set.of("b", "c", "d"), ids);
    assertTrue(ids.add("a"), "forgotten once past the limit");
  }

  @Test
  void aMapForgetsItsEldestBeyondItsSize() {
    Map<String, Integer> calls = Recent.map(2);
    calls.put("x", 1);
    calls.put("y", 2);
    calls.put("z", 3);
    assertEquals(List.of("y", "z"), List.copyOf(calls.keySet()));
  }
}
