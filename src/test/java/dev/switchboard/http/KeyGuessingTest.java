package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.tenant.AuthFailures;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Key guessing is throttled: from the 21st failed authentication in a minute, the address gets 429 on
 * every authenticated route, valid key or not. The test node trusts 127.0.0.1 as a proxy, so
 * {@code X-Forwarded-For} stands for distinct client addresses; a second node trusts no one.
 */
class KeyGuessingTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode("--trusted-proxies", "127.0.0.1/32")
      .withNode("--node-name", "plain").withWebSockets();

  @Test
  void twentyWrongKeysBlockTheAddressOnEveryAuthenticatedRouteEvenWithAValidKey() {
    String key = bed.api(0).clientWithKey("guessed");
    String token = bed.api(0).post("/api/auth/token", key, null).data().getString("token");
    String guesser = "203.0.113.10";
    for (int i = 0; i < AuthFailures.LIMIT; i++) {
      Api.Response r = get(bed.api(0), "/api/clients/guessed", "sb_guess" + i + "x".repeat(30), guesser);
      assertEquals(401, r.status(), "wrong key " + (i + 1) + ": " + r);
    }

    assertBlocked(get(bed.api(0), "/api/clients/guessed", TestNode.MASTER, guesser));
    assertBlocked(get(bed.api(0), "/api/clients/guessed", key, guesser));
    assertBlocked(get(bed.api(0), "/api/clients/guessed/config", token, guesser));
    assertBlocked(get(bed.api(0), "/api/clients", null, guesser));
    assertBlocked(bed.api(0).call(HttpMethod.POST, "/api/auth/token", key, null, from(guesser)));
    assertEquals(429, upgrade(TestNode.MASTER, guesser), "the live feed refuses the upgrade");
    assertEquals(429, upgrade(key, guesser));

    assertEquals(200, get(bed.api(0), "/api/health", null, guesser).status(), "public routes stay open");
    assertEquals(200, get(bed.api(0), "/api/openapi.json", null, guesser).status());
    assertEquals(200, get(bed.api(0), "/docs/", null, guesser).status());

    String neighbour = "203.0.113.11";
    assertEquals(200, get(bed.api(0), "/api/clients/guessed", TestNode.MASTER, neighbour).status(), "another address");
    assertEquals(200, get(bed.api(0), "/api/clients/guessed", key, neighbour).status());
    assertEquals(101, upgrade(key, neighbour));
    assertEquals(200, bed.api(0).get("/api/clients/guessed", key).status(), "the proxy itself, forwarding for no one");
  }

  @Test
  void aForgedForwardedForDoesNotEscapeTheBlock() {
    for (int i = 0; i < AuthFailures.LIMIT; i++) {
      Api.Response r = get(bed.api(1), "/api/clients", "wrong-master-key-" + i, "198.51.100." + i);
      assertEquals(401, r.status(), "wrong key " + (i + 1) + ": " + r);
    }
    // No trusted proxies: X-Forwarded-For is not read, and every attempt above came from 127.0.0.1.
    assertBlocked(get(bed.api(1), "/api/clients", TestNode.MASTER, "198.51.100.200"));
    assertBlocked(bed.api(1).get("/api/clients", TestNode.MASTER));

    // Behind a trusted proxy, entries the client wrote to the left of the proxy's do not count either.
    String guesser = "203.0.113.20";
    for (int i = 0; i < AuthFailures.LIMIT; i++) {
      assertEquals(401, get(bed.api(0), "/api/clients", "wrong-master-key-" + i, "192.0.2." + i + ", " + guesser).status());
    }
    assertBlocked(get(bed.api(0), "/api/clients", TestNode.MASTER, "192.0.2.99, " + guesser));
    assertBlocked(get(bed.api(0), "/api/clients", TestNode.MASTER, guesser));
    assertEquals(200, get(bed.api(0), "/api/clients", TestNode.MASTER, "192.0.2.99").status());
  }

  @Test
  void repeatedFailuresLandInTheAuditLogOfTheClientWhosePrefixWasTriedAndTheLogKeepsOnlyPrefixes() {
    String key = bed.api(0).clientWithKey("typo");
    String wrong = key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    String guesser = "203.0.113.30";
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger logger = (Logger) LoggerFactory.getLogger(AuthFailures.class);
    logger.addAppender(logged);
    try {
      for (int i = 0; i < AuthFailures.LIMIT; i++) {
        assertEquals(401, get(bed.api(0), "/api/clients/typo", wrong, guesser).status());
      }
      assertBlocked(get(bed.api(0), "/api/clients/typo", wrong, guesser));
      JsonArray items = Wait.until("the block in the audit log of 'typo'", 5_000,
          () -> bed.api(0).get("/api/clients/typo/audit", TestNode.MASTER).data().getJsonArray("items"),
          l -> l.stream().anyMatch(e -> "auth.blocked".equals(((JsonObject) e).getString("action"))));
      JsonObject blocked = entry(items, "auth.blocked");
      JsonObject fifth = entry(items, "auth.failed");
      assertEquals(guesser, blocked.getString("sourceIp"));
      assertEquals("unauthenticated", blocked.getString("actor"));
      assertEquals(AuthFailures.LIMIT, blocked.getJsonObject("details").getInteger("failuresThisMinute"));
      assertEquals(key.substring(0, 7), blocked.getJsonObject("details").getString("prefix"));
      assertEquals(5, fifth.getJsonObject("details").getInteger("failuresThisMinute"));
      assertEquals(guesser, fifth.getString("sourceIp"));
      assertFalse(items.encode().contains(wrong.substring(7)), "no more than the prefix is kept");
    } finally {
      logger.detachAppender(logged);
    }

    List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(l -> l.contains(guesser)).toList();
    assertTrue(lines.size() >= 2 && lines.size() <= 3, "the first failure and the block, not one line each: " + lines);
    assertTrue(lines.get(0).contains(key.substring(0, 7)), lines.get(0));
    assertTrue(lines.stream().noneMatch(l -> l.contains(wrong.substring(7))), "never the key: " + lines);
  }

  private static JsonObject entry(JsonArray items, String action) {
    JsonObject found = items.stream().map(JsonObject.class::cast).filter(e -> action.equals(e.getString("action")))
        .findFirst().orElse(null);
    assertNotNull(found, action + " in " + items.encode());
    return found;
  }

  private static void assertBlocked(Api.Response r) {
    assertEquals(429, r.status(), r.toString());
    assertEquals("RATE_LIMITED", r.errorCode());
    assertNotNull(r.headers().get("Retry-After"), "Retry-After on " + r);
    int retryAfter = Integer.parseInt(r.headers().get("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry after " + retryAfter + " s");
  }

  private static MultiMap from(String forwardedFor) {
    return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", forwardedFor);
  }

  private static Api.Response get(Api client, String path, String key, String forwardedFor) {
    return client.call(HttpMethod.GET, path, key, null, from(forwardedFor));
  }

  /** The status of a live-feed upgrade: 101 when accepted. */
  private static int upgrade(String key, String forwardedFor) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(bed.node(0).httpPort())
        .setURI("/api/events/ws").addHeader("x-api-key", key).addHeader("X-Forwarded-For", forwardedFor);
    try {
      bed.ws().connect(options).compose(socket -> socket.close()).await(10, TimeUnit.SECONDS);
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
