package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every route under every kind of credential gets the status docs/api.md gives it. */
class AuthMatrixTest {

  // Failed authentications block their address after 20 a minute (KeyGuessingTest): each case
  // comes from an address of its own, through 127.0.0.1 as a trusted proxy.
  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode("--trusted-proxies", "127.0.0.1/32");

  enum Cred { NONE, WRONG, EXPIRED, REVOKED, OTHER_CLIENT, CLIENT, MASTER }

  record Case(HttpMethod method, String path, JsonObject body, int[] expected) {
  }

  private static final AtomicInteger SEQ = new AtomicInteger();

  // Expected statuses in Cred order: NONE, WRONG, EXPIRED, REVOKED, OTHER_CLIENT, CLIENT, MASTER.
  private static int[] any(int ok) {
    return new int[] {401, 401, 401, 401, ok, ok, ok};
  }

  private static int[] master(int otherClient, int ok) {
    return new int[] {401, 401, 401, 401, otherClient, 403, ok};
  }

  private static int[] own(int ok) {
    return new int[] {401, 401, 401, 401, 401, ok, ok};
  }

  private static List<Case> cases() {
    String c = "/api/clients/{target}";
    return List.of(
        new Case(HttpMethod.POST, "/api/auth/token", new JsonObject(), any(201)),
        new Case(HttpMethod.POST, "/api/clients", new JsonObject().put("clientId", "{fresh}"), master(403, 201)),
        new Case(HttpMethod.GET, "/api/clients", null, master(403, 200)),
        new Case(HttpMethod.GET, c, null, own(200)),
        new Case(HttpMethod.DELETE, c, null, master(401, 200)),
        new Case(HttpMethod.POST, c + "/key", new JsonObject().put("ttlDays", 10), master(401, 201)),
        new Case(HttpMethod.POST, c + "/key/rotate", new JsonObject(), own(201)),
        new Case(HttpMethod.DELETE, c + "/key", null, master(401, 200)),
        new Case(HttpMethod.GET, c + "/config", null, own(200)),
        new Case(HttpMethod.PUT, c + "/config", new JsonObject().put("callPolicy", new JsonObject().put("reject", true)), own(200)),
        new Case(HttpMethod.DELETE, c + "/config", null, own(200)),
        new Case(HttpMethod.GET, c + "/audit", null, own(200)),
        new Case(HttpMethod.GET, "/api/health", null, new int[] {200, 200, 200, 200, 200, 200, 200}),
        new Case(HttpMethod.GET, "/api/openapi.json", null, new int[] {200, 200, 200, 200, 200, 200, 200}));
  }

  @Test
  void everyRouteAnswersEveryCredentialAsTheContractSays() {
    List<String> mismatches = new ArrayList<>();
    for (Case k : cases()) {
      for (Cred cred : Cred.values()) {
        int n = SEQ.incrementAndGet();
        String target = "t" + n;
        String key = credential(cred, target, "o" + n);
        String path = k.path().replace("{target}", target);
        JsonObject body = k.body() == null ? null : new JsonObject(k.body().encode().replace("{fresh}", "fresh" + n));
        Api.Response r = bed.api().call(k.method(), path, key, body == null ? null : body.toBuffer(),
            io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "10.0." + n / 250 + "." + n % 250));
        int want = k.expected()[cred.ordinal()];
        if (r.status() != want) {
          mismatches.add(k.method() + " " + k.path() + " as " + cred + ": want " + want + ", got " + r);
        }
        if (r.status() >= 400) {
          assertEquals(false, r.json().getBoolean("success"), "error envelope on " + r);
          assertTrue(r.json().getJsonObject("error").getString("code").matches("[A-Z_]+"), r.toString());
        }
      }
    }
    assertEquals(List.of(), mismatches);
  }

  /** Sets up the target client (and another one) and returns the key for this kind of credential. */
  private static String credential(Cred cred, String target, String other) {
    String targetKey = bed.api().clientWithKey(target);
    String otherKey = bed.api().clientWithKey(other);
    return switch (cred) {
      case NONE -> null;
      case WRONG -> "sb_" + "x".repeat(43);
      case EXPIRED -> {
        TestNode.await(bed.node().pool().preparedQuery(
            "UPDATE client_keys SET expires_at = now() - interval '1 second' WHERE client_id = $1")
            .execute(Tuple.of(target)));
        yield targetKey;
      }
      case REVOKED -> {
        assertEquals(200, bed.api().delete("/api/clients/" + target + "/key", TestNode.MASTER).status());
        yield targetKey;
      }
      case OTHER_CLIENT -> otherKey;
      case CLIENT -> targetKey;
      case MASTER -> TestNode.MASTER;
    };
  }
}
