package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rendezvous placement: even spread, and a node's departure moves only its own devices. */
class PlacementTest {

  @Test
  void spreadsDevicesEvenlyAndMovesOnlyTheDepartedNodesDevices() {
    List<String> three = List.of("node-a", "node-b", "node-c");
    List<String> two = List.of("node-a", "node-c");
    Map<String, Integer> counts = new HashMap<>();
    int moved = 0;
    for (int i = 0; i < 3_000; i++) {
      String before = Placement.owner("acme", "d" + i, three);
      counts.merge(before, 1, Integer::sum);
      String after = Placement.owner("acme", "d" + i, two);
      if (!before.equals("node-b")) {
        assertEquals(before, after, "a device of a surviving node stays where it is");
      } else {
        moved++;
        assertEquals(Placement.ranking("acme", "d" + i, three).get(1), after, "it goes to its next-ranked node");
      }
    }
    counts.values().forEach(n -> assertTrue(n > 850 && n < 1150, "even spread: " + counts));
    assertEquals(counts.get("node-b"), moved);
    assertEquals(Placement.owner("acme", "x", List.of("node-c", "node-a", "node-b")), Placement.owner("acme", "x", three),
        "the order of the member list does not matter");
    assertNull(Placement.owner("acme", "x", List.of()));
  }
}
