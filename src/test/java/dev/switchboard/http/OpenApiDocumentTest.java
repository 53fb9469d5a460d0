package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document: valid for swagger-parser, and every request example in it accepted by
 * its route's own validation on a node with a linked simulator device.
 */
class OpenApiDocumentTest {

  private static final String CLIENT = "oa";
  private static final String DEVICE = "/api/clients/" + CLIENT + "/devices/d";

  private static Sim sim;
  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() {
    sim = new Sim(20_000);
    node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url()));
    api = new Api(node.httpPort());
    // The examples below re-issue the client's key: everything here uses the master key.
    Devices.link(api, sim, api.clientWithKey(CLIENT), CLIENT, "d", "15557770000");
  }

  @AfterAll
  static void stop() {
    api.close();
    TestNode.stop(node);
    sim.close();
  }

  /** The served document; also left in target/openapi.json for linters (see README, API). */
  private static JsonObject document() {
    Api.Response r = api.get("/api/openapi.json", null);
    assertEquals(200, r.status());
    try {
      java.nio.file.Files.write(java.nio.file.Path.of("target", "openapi.json"), r.body().getBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return r.json();
  }

  @Test
  void theServedDocumentParsesWithoutAnyErrorOrMessage() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(document().encode(), null, options);
    assertNotNull(result.getOpenAPI(), "not parsed: " + result.getMessages());
    assertEquals(List.of(), result.getMessages());
  }

  @Test
  void everyOperationAnswersItsErrorsInTheEnvelopeAndTypesItsBody() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setResolveFully(true);
    OpenAPI api = new OpenAPIV3Parser().readContents(document().encode(), null, options).getOpenAPI();
    List<String> problems = new ArrayList<>();
    api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
      String name = method + " " + path;
      var errors = op.getResponses().entrySet().stream().filter(e -> e.getKey().startsWith("4")).toList();
      if (errors.isEmpty()) {
        problems.add(name + " declares no 4xx");
      }
      for (var e : errors) {
        Schema<?> schema = e.getValue().getContent().get("application/json").getSchema();
        if (schema.getProperties() == null || !schema.getProperties().containsKey("error")) {
          problems.add(name + " answers " + e.getKey() + " without the error envelope");
        }
      }
      if (op.getRequestBody() != null) {
        op.getRequestBody().getContent().forEach((type, media) -> {
          Schema<?> schema = media.getSchema();
          if (schema.getProperties() == null && schema.getAnyOf() == null) {
            problems.add(name + " has an untyped " + type + " body");
          }
        });
      }
    }));
    assertEquals(List.of(), problems);
  }

  @Test
  void noTwoPathsDifferOnlyInTheirParameterNames() {
    Map<String, String> seen = new LinkedHashMap<>();
    List<String> clashes = new ArrayList<>();
    for (String path : document().getJsonObject("paths").fieldNames()) {
      String shape = path.replaceAll("\\{[^}]+}", "{}");
      String earlier = seen.put(shape, path);
      if (earlier != null) {
        clashes.add(earlier + " and " + path);
      }
    }
    assertEquals(List.of(), clashes);
  }

  @Test
  void everyRequestExampleInTheDocumentIsAcceptedByItsRoute() {
    String messageId = api.post(DEVICE + "/messages/text", TestNode.MASTER, new JsonObject().put("to", "15550001111").put("text", "hi"))
        .data().getString("messageId");
    assertNotNull(messageId);
    Map<String, String> ids = Map.of("clientId", CLIENT, "deviceId", "d", "messageId", messageId,
        "groupId", "120363000000000001@g.us", "chatId", "15550001111", "id", "1", "phone", "15550001111",
        "mediaId", "med_1");
    JsonObject paths = document().getJsonObject("paths");
    List<String> problems = new ArrayList<>();
    int sent = 0;
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        JsonObject body = item.getJsonObject(method).getJsonObject("requestBody");
        JsonObject json = body == null ? null : body.getJsonObject("content").getJsonObject("application/json");
        if (json == null) {
          continue;
        }
        Map<String, JsonObject> examples = new LinkedHashMap<>();
        if (json.getJsonObject("example") != null) {
          examples.put(null, json.getJsonObject("example"));
        }
        JsonObject named = json.getJsonObject("examples", new JsonObject());
        named.fieldNames().forEach(n -> examples.put(n, named.getJsonObject(n).getJsonObject("value")));
        if (examples.isEmpty()) {
          problems.add(method + " " + path + " has a JSON body without an example");
        }
        for (Map.Entry<String, JsonObject> example : examples.entrySet()) {
          String concrete = path;
          for (Map.Entry<String, String> id : ids.entrySet()) {
            concrete = concrete.replace("{" + id.getKey() + "}", id.getValue());
          }
          if (example.getKey() != null) {
            concrete = concrete.replace("{type}", example.getKey());
          }
          assertTrue(!concrete.contains("{"), "no value for a parameter of " + path);
          Api.Response r = api.call(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), concrete, TestNode.MASTER,
              example.getValue().toBuffer(), MultiMap.caseInsensitiveMultiMap());
          sent++;
          // 422 URL_UNREACHABLE is the media URL check reaching out (example.com does not resolve
          // here), not the body's validation.
          if (r.status() == 400 || r.status() == 415 || r.status() == 422 && "VALIDATION_ERROR".equals(r.errorCode())) {
            problems.add(method + " " + concrete + " refused its example " + example.getValue().encode() + ": " + r);
          }
        }
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(sent >= 20, "sent only " + sent + " examples");
  }

  @Test
  void oneMessageIsServedAtItsDocumentedUrlAndStillAtTheEarlierOne() {
    String messageId = api.post(DEVICE + "/messages/text", TestNode.MASTER, new JsonObject().put("to", "15550001111").put("text", "hi"))
        .data().getString("messageId");
    assertEquals(messageId, api.get(DEVICE + "/messages/by-id/" + messageId, TestNode.MASTER).data().getString("messageId"));
    assertEquals(messageId, api.get(DEVICE + "/messages/" + messageId, TestNode.MASTER).data().getString("messageId"));
    assertEquals("NOT_FOUND", api.post(DEVICE + "/messages/fax", TestNode.MASTER, new JsonObject()).errorCode());
  }
}
