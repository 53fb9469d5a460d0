package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two nodes on one database: a token or key from one works on the other, a revocation on one holds on both. */
@ExtendWith(VertxExtension.class)
class SharedTokenTest {

  @Test
  void tokensAndRevocationsHoldOnEveryNode() {
    String db = TestDatabase.newDatabase();
    Node a = TestNode.start(db);
    Node b = TestNode.start(db);
    try (Api apiA = new Api(a.httpPort()); Api apiB = new Api(b.httpPort())) {
      String key = apiA.clientWithKey("shared");
      String token = apiA.post("/api/auth/token", key, null).data().getString("token");
      assertEquals(200, apiB.get("/api/clients/shared", token).status());
      assertEquals(200, apiB.get("/api/clients/shared", key).status());
      assertEquals(200, apiB.delete("/api/clients/shared/key", TestNode.MASTER).status());
      assertEquals(401, apiA.get("/api/clients/shared", key).status());
      assertEquals(401, apiA.get("/api/clients/shared", token).status());
    } finally {
      TestNode.stop(a);
      TestNode.stop(b);
    }
  }
}
