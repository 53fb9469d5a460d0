package dev.switchboard.cluster;

import dev.switchboard.tenant.AuthFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed authentications from one address add up across the nodes of a cluster, and the block they
 * bring holds on every node. Two clustered nodes in JVMs of their own, both trusting 127.0.0.1 as a
 * proxy so that {@code X-Forwarded-For} stands for the client's address.
 */
class KeyGuessingClusterTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000)
      .withProcesses(2, "key-guessing-cluster", List.of("--trusted-proxies", "127.0.0.1/32"));

  @Test
  void failuresOnTwoNodesAddUpAndTheBlockHoldsOnBoth() {
    Api a = bed.api(0);
    Api b = bed.api(1);
    String key = a.clientWithKey("guessed");
    String guesser = "203.0.113.40";

    // 19 failures, alternating: neither node alone has seen 10, and the address is not blocked yet.
    for (int i = 0; i < AuthFailures.LIMIT - 1; i++) {
      Api.Response r = get(i % 2 == 0 ? a : b, "sb_guess" + i + "x".repeat(30), guesser);
      assertEquals(401, r.status(), "failure " + (i + 1) + ": " + r);
    }
    assertEquals(200, get(a, key, guesser).status());
    assertEquals(200, get(b, key, guesser).status());

    assertEquals(401, get(b, "sb_guess-last" + "x".repeat(30), guesser).status(), "the 20th failure");
    long blockedAt = System.nanoTime();
    assertEquals(429, get(b, TestNode.MASTER, guesser).status(), "blocked where the 20th failure happened");
    // Alpha hears of the block from beta over the event bus; until then it still lets a valid key through.
    Api.Response onA = get(a, key, guesser);
    int passedOnA = 0;
    while (onA.status() == 200 && System.nanoTime() - blockedAt < 2_000_000_000L) {
      passedOnA++;
      onA = get(a, key, guesser);
    }
    long reachedMs = (System.nanoTime() - blockedAt) / 1_000_000;
    System.out.println("The block reached alpha within " + reachedMs + " ms of beta's 20th 401 ("
        + passedOnA + " valid requests passed on alpha meanwhile)");
    assertEquals(429, onA.status(), onA.toString());
    assertTrue(reachedMs < 1_000, "the block reached alpha only after " + reachedMs + " ms");
    assertEquals("RATE_LIMITED", onA.errorCode());
    assertEquals(429, get(a, TestNode.MASTER, guesser).status());

    assertEquals(200, get(a, key, "203.0.113.41").status(), "another address, on either node");
    assertEquals(200, get(b, key, "203.0.113.41").status());
  }

  private static Api.Response get(Api node, String key, String forwardedFor) {
    return node.call(HttpMethod.GET, "/api/clients/guessed", key, null,
        MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", forwardedFor));
  }
}
