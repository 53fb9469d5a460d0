package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes on one database: a token or key from one works on the other, a revocation on one holds on both. */
class SharedTokenTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode().withNode();

  @Test
  void tokensAndRevocationsHoldOnEveryNode() {
    Api apiA = bed.api(0);
    Api apiB = bed.api(1);
    String key = apiA.clientWithKey("shared");
    String token = apiA.post("/api/auth/token", key, null).data().getString("token");
    assertEquals(200, apiB.get("/api/clients/shared", token).status());
    assertEquals(200, apiB.get("/api/clients/shared", key).status());
    assertEquals(200, apiB.delete("/api/clients/shared/key", TestNode.MASTER).status());
    assertEquals(401, apiA.get("/api/clients/shared", key).status());
    assertEquals(401, apiA.get("/api/clients/shared", token).status());
  }
}
