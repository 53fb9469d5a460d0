package dev.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.device.Placement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rebalance plan: an even spread, each device moved once, toward nodes that rank it highly, in milliseconds. */
class RebalancePlanTest {

  @Test
  void eighteenThousandDevicesOnTwoOfThreeNodesSpreadEvenlyAndQuickly() {
    List<String> live = List.of("n1", "n2", "n3");
    List<String[]> owned = new ArrayList<>();
    for (int i = 0; i < 18_000; i++) {
      owned.add(new String[] {"c" + (i % 9), "d" + i, i % 2 == 0 ? "n1" : "n3"});
    }
    long t0 = System.nanoTime();
    List<Rebalancer.Move> moves = Rebalancer.plan(owned, live, 10_000);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    // The plan runs on an event loop: scanning the source's devices for every move took minutes here.
    assertTrue(ms < 2_000, "planned in " + ms + " ms");

    Map<String, Integer> after = new HashMap<>(Map.of("n1", 9_000, "n2", 0, "n3", 9_000));
    Set<String> movedDevices = new HashSet<>();
    for (Rebalancer.Move m : moves) {
      assertTrue(movedDevices.add(m.clientId() + "/" + m.deviceId()), "each device moves once");
      after.merge(m.from(), -1, Integer::sum);
      after.merge(m.to(), 1, Integer::sum);
    }
    assertEquals(Map.of("n1", 6_000, "n2", 6_000, "n3", 6_000), after);
    // The target's favourites go first: every device moved to n2 ranks n2 first among the three.
    long first = moves.stream().filter(m -> "n2".equals(Placement.ranking(m.clientId(), m.deviceId(), live).get(0))).count();
    assertEquals(moves.size(), first);
  }

  @Test
  void aBalancedClusterNeedsNoMoveAndMaxMovesIsABound() {
    List<String> live = List.of("n1", "n2");
    List<String[]> balanced = List.of(new String[] {"c", "a", "n1"}, new String[] {"c", "b", "n2"});
    assertEquals(List.of(), Rebalancer.plan(balanced, live, 100));
    List<String[]> lopsided = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lopsided.add(new String[] {"c", "d" + i, "n1"});
    }
    assertEquals(10, Rebalancer.plan(lopsided, live, 10).size());
    assertEquals(50, Rebalancer.plan(lopsided, live, 1_000).size());
  }
}
