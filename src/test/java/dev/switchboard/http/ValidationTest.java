package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input on every write route is a 4xx in the error envelope, never a 500. */
class ValidationTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode().withClient("acme");

  record Write(HttpMethod method, String path) {
  }

  private static final List<Write> WRITES = List.of(
      new Write(HttpMethod.POST, "/api/auth/token"),
      new Write(HttpMethod.POST, "/api/clients"),
      new Write(HttpMethod.POST, "/api/clients/acme/key"),
      new Write(HttpMethod.POST, "/api/clients/acme/key/rotate"),
      new Write(HttpMethod.PUT, "/api/clients/acme/config"));

  private static final List<String> BAD_BODIES = List.of(
      "{", "[1,2]", "\"text\"", "{\"clientId\": 5, \"ttlDays\": \"ten\", \"ttlSeconds\": true, \"webhookUrl\": 7}",
      "{\"unknownField\": 1}", "nul", "{\"a\":1}}");

  @Test
  void malformedJsonWrongTypesAndUnknownFieldsAre400() {
    List<String> problems = new ArrayList<>();
    for (Write w : WRITES) {
      for (String body : BAD_BODIES) {
        Api.Response r = bed.api().call(w.method(), w.path(), TestNode.MASTER, Buffer.buffer(body));
        if (r.status() != 400 || !"VALIDATION_ERROR".equals(r.errorCode())) {
          problems.add(w + " with " + body + " -> " + r);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void bodiesOverOneMebibyteAre413() {
    String big = "{\"name\": \"" + "a".repeat(1024 * 1024 + 10) + "\"}";
    for (Write w : WRITES) {
      Api.Response r = bed.api().call(w.method(), w.path(), TestNode.MASTER, Buffer.buffer(big));
      assertEquals(413, r.status(), w + " -> " + r);
      assertEquals("PAYLOAD_TOO_LARGE", r.errorCode());
    }
  }

  @Test
  void invalidUtf8Is400() {
    Buffer body = Buffer.buffer("{\"clientId\": \"ab").appendBytes(new byte[] {(byte) 0xC3, (byte) 0x28}).appendString("\"}");
    Api.Response r = bed.api().call(HttpMethod.POST, "/api/clients", TestNode.MASTER, body);
    assertEquals(400, r.status(), r.toString());
  }

  @Test
  void badAndNonAsciiIdsAre400InPathsAndBodies() {
    List<String> badIds = List.of("a%20b", "%D7%A9%D7%9C%D7%95%D7%9D", "x".repeat(65), "a.b", "%F0%9F%98%80", "a%2Fb");
    for (String id : badIds) {
      for (String suffix : List.of("", "/key", "/key/rotate", "/config", "/audit")) {
        HttpMethod m = suffix.startsWith("/key") ? HttpMethod.POST : HttpMethod.GET;
        Api.Response r = bed.api().call(m, "/api/clients/" + id + suffix, TestNode.MASTER, m == HttpMethod.POST ? Buffer.buffer("{}") : null);
        assertTrue(r.status() == 400 || r.status() == 404, m + " " + id + suffix + " -> " + r);
        assertEquals(false, r.json().getBoolean("success"));
      }
      Api.Response put = bed.api().call(HttpMethod.PUT, "/api/clients/" + id + "/config", TestNode.MASTER, Buffer.buffer("{}"));
      assertTrue(put.status() == 400 || put.status() == 404, put.toString());
    }
    for (String id : List.of("שלום", "😀", "a b", "", "x".repeat(65), "a/b")) {
      Api.Response r = bed.api().post("/api/clients", TestNode.MASTER, new JsonObject().put("clientId", id));
      assertEquals(400, r.status(), id + " -> " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
    Api.Response hebrewPath = bed.api().call(HttpMethod.GET, "/api/clients/%D7%A9%D7%9C%D7%95%D7%9D", TestNode.MASTER, null);
    assertEquals(400, hebrewPath.status(), hebrewPath.toString());
  }

  @Test
  void nonAsciiTextWhereTextBelongsRoundTripsExactly() {
    String name = "שלום عالم 😀👍🏽";
    Api.Response r = bed.api().post("/api/clients", TestNode.MASTER, new JsonObject().put("clientId", "intl").put("name", name));
    assertEquals(201, r.status(), r.toString());
    Api.Response got = bed.api().get("/api/clients/intl", TestNode.MASTER);
    assertEquals(name, got.data().getString("name"));
    assertTrue(java.util.Arrays.equals(name.getBytes(StandardCharsets.UTF_8),
        got.data().getString("name").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void unknownRoutesAndMethodsUseTheEnvelope() {
    Api.Response notFound = bed.api().get("/api/nothing-here", TestNode.MASTER);
    assertEquals(404, notFound.status());
    assertEquals("NOT_FOUND", notFound.errorCode());
    Api.Response wrongMethod = bed.api().call(HttpMethod.PATCH, "/api/clients", TestNode.MASTER, Buffer.buffer("{}"));
    assertEquals(405, wrongMethod.status());
    assertFalse(wrongMethod.json().getBoolean("success"));
    Api.Response badLimit = bed.api().get("/api/clients?limit=500", TestNode.MASTER);
    assertEquals(400, badLimit.status());
    assertEquals(400, bed.api().get("/api/clients?cursor=%%%", TestNode.MASTER).status());
    assertEquals(400, bed.api().get("/api/clients/acme/audit?cursor=bm90LWEtbnVtYmVy", TestNode.MASTER).status());
  }

  @Test
  void ttlsOutOfRangeAre400() {
    assertEquals(400, bed.api().post("/api/clients/acme/key", TestNode.MASTER, new JsonObject().put("ttlDays", 0)).status());
    assertEquals(400, bed.api().post("/api/clients/acme/key", TestNode.MASTER, new JsonObject().put("ttlDays", 366)).status());
    assertEquals(400, bed.api().post("/api/clients/acme/key", TestNode.MASTER, new JsonObject().put("ttlDays", 1.5)).status());
    assertEquals(400, bed.api().post("/api/auth/token", TestNode.MASTER, new JsonObject().put("ttlSeconds", 10)).status());
  }

  @Test
  void aJsonBodyMustBeSentAsApplicationJson() {
    Buffer body = Buffer.buffer("{\"clientId\": \"typed\"}");
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1",
        "application/jsonx", "multipart/form-data; boundary=x")) {
      Api.Response r = bed.api().callRaw(HttpMethod.POST, "/api/clients", TestNode.MASTER, body,
          MultiMap.caseInsensitiveMultiMap().add("content-type", type));
      assertEquals(415, r.status(), type + " -> " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
    Api.Response none = bed.api().callRaw(HttpMethod.POST, "/api/clients", TestNode.MASTER, body, MultiMap.caseInsensitiveMultiMap());
    assertEquals(415, none.status(), none.toString());
    assertEquals(404, bed.api().get("/api/clients/typed", TestNode.MASTER).status(), "nothing was created");
    Api.Response utf8 = bed.api().callRaw(HttpMethod.POST, "/api/clients", TestNode.MASTER, body,
        MultiMap.caseInsensitiveMultiMap().add("content-type", "Application/JSON; Charset=\"UTF-8\""));
    assertEquals(201, utf8.status(), utf8.toString());
    // A route that takes no body does not read one, whatever it is said to be.
    Api.Response bodyless = bed.api().callRaw(HttpMethod.GET, "/api/clients/typed", TestNode.MASTER, Buffer.buffer("garbage"),
        MultiMap.caseInsensitiveMultiMap().add("content-type", "text/plain"));
    assertEquals(200, bodyless.status(), bodyless.toString());
  }

  @Test
  void jsonWithCommentsRepeatedNamesOrDeepNestingIs400() {
    for (String body : List.of("/* c */ {\"clientId\": \"c1\"}", "{\"clientId\": \"c1\"} // c", "# c\n{\"clientId\": \"c1\"}",
        "{\"clientId\": \"c1\", \"clientId\": \"c2\"}", "{\"clientId\": \"c1\", \"name\": " + "[".repeat(40) + "]".repeat(40) + "}")) {
      Api.Response r = bed.api().call(HttpMethod.POST, "/api/clients", TestNode.MASTER, Buffer.buffer(body));
      assertEquals(400, r.status(), body + " -> " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
    assertEquals(404, bed.api().get("/api/clients/c1", TestNode.MASTER).status());
    assertEquals(404, bed.api().get("/api/clients/c2", TestNode.MASTER).status());
  }

  @Test
  void nulAndLoneSurrogatesInAnyStringAre400NamingTheField() {
    Api.Response nul = bed.api().call(HttpMethod.POST, "/api/clients", TestNode.MASTER,
        Buffer.buffer("{\"clientId\": \"nul1\", \"name\": \"a\\u0000b\"}"));
    assertEquals(400, nul.status(), nul.toString());
    assertEquals("name", nul.json().getJsonObject("error").getJsonObject("details").getString("field"));
    Api.Response surrogate = bed.api().call(HttpMethod.POST, "/api/clients", TestNode.MASTER,
        Buffer.buffer("{\"clientId\": \"sur1\", \"name\": \"a\\ud800b\"}"));
    assertEquals(400, surrogate.status(), surrogate.toString());
    assertEquals(404, bed.api().get("/api/clients/sur1", TestNode.MASTER).status(), "not stored with a '?' in its place");
    Api.Response nested = bed.api().call(HttpMethod.PUT, "/api/clients/acme/config", TestNode.MASTER,
        Buffer.buffer("{\"callPolicy\": {\"reject\": true, \"message\": \"busy\\u0000\"}}"));
    assertEquals(400, nested.status(), nested.toString());
    assertEquals("callPolicy.message", nested.json().getJsonObject("error").getJsonObject("details").getString("field"));
    Api.Response inName = bed.api().call(HttpMethod.PUT, "/api/clients/acme/config", TestNode.MASTER,
        Buffer.buffer("{\"callPolicy\": {\"re\\u0000ject\": true}}"));
    assertEquals(400, inName.status(), inName.toString());
    assertEquals("callPolicy", inName.json().getJsonObject("error").getJsonObject("details").getString("field"));
    Api.Response pair = bed.api().call(HttpMethod.POST, "/api/clients", TestNode.MASTER,
        Buffer.buffer("{\"clientId\": \"pair1\", \"name\": \"\\ud83d\\ude00\"}"));
    assertEquals(201, pair.status(), "a surrogate pair is one emoji: " + pair);
    assertEquals("😀", bed.api().get("/api/clients/pair1", TestNode.MASTER).data().getString("name"));
  }

  @Test
  void aCursorThatDecodesToNulIs400() {
    for (String path : List.of("/api/clients?cursor=AA", "/api/clients/acme/devices?cursor=AA",
        "/api/clients?cursor=wA", "/api/clients/acme/devices?cursor=YQBi")) {
      Api.Response r = bed.api().get(path, TestNode.MASTER);
      assertEquals(400, r.status(), path + " -> " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
  }

  @Test
  void rotatingTheKeyOfAClientThatDoesNotExistIs404AndCreatesNothing() {
    Api.Response r = bed.api().post("/api/clients/never-made/key/rotate", TestNode.MASTER, new JsonObject());
    assertEquals(404, r.status(), r.toString());
    assertEquals(404, bed.api().get("/api/clients/never-made", TestNode.MASTER).status());
  }

  @Test
  void fiveThousandCharacterIdsAre400InPathsAndBodies() {
    String id = "i".repeat(5_000);
    for (String path : List.of("/api/clients/" + id, "/api/clients/acme/devices/" + id, "/api/clients/" + id + "/config")) {
      Api.Response r = bed.api().get(path, TestNode.MASTER);
      assertEquals(400, r.status(), r.toString());
      assertEquals("VALIDATION_ERROR", r.errorCode());
    }
    assertEquals(400, bed.api().post("/api/clients", TestNode.MASTER, new JsonObject().put("clientId", id)).status());
    assertEquals(400, bed.api().post("/api/clients/acme/devices", TestNode.MASTER, new JsonObject().put("deviceId", id)).status());
  }
}
