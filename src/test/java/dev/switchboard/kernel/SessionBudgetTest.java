package dev.switchboard.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The session budget: the open-file limit less a reserve, a configured cap, and the descriptors open. */
class SessionBudgetTest {

  @Test
  void theBudgetIsTheSoftLimitLessTheReserveAndSaysHowToRaiseIt() {
    SessionBudget budget = new SessionBudget("this node", "SWITCHBOARD_MAX_SESSIONS", 0, 1_000, 4_000, 100,
        "the rest", () -> 50);
    assertEquals(900, budget.maxSessions());
    String line = budget.describe();
    assertTrue(line.contains("Open-file limit 1000 (hard 4000)") && line.contains("up to 900 device sessions")
        && line.contains("ulimit -n 4000"), line);
    assertNull(budget.refusal(900));
    assertTrue(budget.refusal(901).contains("already holds 900 device sessions"), budget.refusal(901));
  }

  @Test
  void aConfiguredCapBelowTheFileLimitWinsAndIsNamedInTheRefusal() {
    SessionBudget budget = new SessionBudget("the simulator", "--max-sessions", 3, 20_000, 20_000, 256, "x", () -> 10);
    assertEquals(3, budget.maxSessions());
    assertEquals(3, budget.room(0));
    assertTrue(budget.refusal(4).contains("--max-sessions=3"), budget.refusal(4));
    assertEquals(0, budget.room(3));
    assertTrue(!budget.describe().contains("ulimit -n"), "soft equals hard: nothing to raise");
  }

  @Test
  void descriptorsOpenForOtherThingsRefuseSessionsBeforeTheLimit() throws Exception {
    AtomicLong open = new AtomicLong(850);
    SessionBudget budget = new SessionBudget("this node", "SWITCHBOARD_MAX_SESSIONS", 0, 1_000, 1_000, 100, "the rest",
        open::get);
    budget.refusal(1);
    long deadline = System.currentTimeMillis() + 5_000;
    while (budget.room(1) == 899 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    // 850 open when one session was held: 49 more sessions fit under 900, the 50th does not.
    assertEquals(50, budget.room(1));
    assertNull(budget.refusal(51));
    String refusal = budget.refusal(52);
    assertTrue(refusal != null && refusal.contains("files open, past its open-file limit 1000 less 100"), refusal);
  }
}
