package dev.switchboard.http;

import dev.switchboard.event.EventDocs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.device.DeviceStatus;
import dev.switchboard.event.Receiver;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import dev.switchboard.tenant.ClientConfig;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The served OpenAPI document: valid for swagger-parser, and every request example in it accepted by
 * its route's own validation on a node with a linked simulator device.
 */
class OpenApiDocumentTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode();

  private static final String CLIENT = "oa";
  private static final String DEVICE = "/api/clients/" + CLIENT + "/devices/d";

  private static Receiver receiver;

  @BeforeAll
  static void start() {
    // The examples below re-issue the client's key: everything here uses the master key.
    Devices.link(bed.api(), bed.sim(), bed.api().clientWithKey(CLIENT), CLIENT, "d", "15557770000");
    // A second client posts its events to a real receiver, from the linking on.
    receiver = new Receiver();
    String hookKey = bed.api().clientWithKey("hook");
    assertEquals(200, bed.api().put("/api/clients/hook/config", hookKey, new JsonObject().put("webhookUrl", receiver.url())).status());
    Devices.link(bed.api(), bed.sim(), hookKey, "hook", "h", "15557771111");
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  /** The served document; also left in target/openapi.json for linters (see README, API). */
  private static JsonObject document() {
    Api.Response r = bed.api().get("/api/openapi.json", null);
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
    String messageId = bed.api().post(DEVICE + "/messages/text", TestNode.MASTER, new JsonObject().put("to", "15550001111").put("text", "hi"))
        .data().getString("messageId");
    assertNotNull(messageId);
    // The routes of one webhook get a webhook that exists (its url is never called here: it is refused at once).
    String webhookId = bed.api().post("/api/clients/" + CLIENT + "/webhooks", TestNode.MASTER,
        new JsonObject().put("url", "http://127.0.0.1:9/hook")).data().getString("webhookId");
    Map<String, String> ids = Map.of("clientId", CLIENT, "deviceId", "d", "messageId", messageId,
        "groupId", "120363000000000001@g.us", "chatId", "15550001111", "id", "1", "phone", "15550001111",
        "mediaId", "med_1", "webhookId", webhookId);
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
          Api.Response r = bed.api().call(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), concrete, TestNode.MASTER,
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
    String messageId = bed.api().post(DEVICE + "/messages/text", TestNode.MASTER, new JsonObject().put("to", "15550001111").put("text", "hi"))
        .data().getString("messageId");
    assertEquals(messageId, bed.api().get(DEVICE + "/messages/by-id/" + messageId, TestNode.MASTER).data().getString("messageId"));
    assertEquals(messageId, bed.api().get(DEVICE + "/messages/" + messageId, TestNode.MASTER).data().getString("messageId"));
    assertEquals("NOT_FOUND", bed.api().post(DEVICE + "/messages/fax", TestNode.MASTER, new JsonObject()).errorCode());
  }

  @Test
  void theDocumentDeclaresAWebhookForEveryEventTheGatewayEmits() {
    JsonObject doc = document();
    assertEquals("3.1.0", doc.getString("openapi"));
    JsonObject webhooks = doc.getJsonObject("webhooks", new JsonObject());
    assertEquals(ClientConfig.EVENTS, List.copyOf(webhooks.fieldNames()));
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    assertEquals(new JsonArray(ClientConfig.EVENTS), schemas.getJsonObject("Event").getJsonObject("properties")
        .getJsonObject("event").getJsonArray("enum"));
    for (String event : ClientConfig.EVENTS) {
      JsonObject post = webhooks.getJsonObject(event).getJsonObject("post");
      List<String> required = post.getJsonArray("parameters").stream().map(JsonObject.class::cast)
          .filter(p -> "header".equals(p.getString("in")) && p.getBoolean("required")).map(p -> p.getString("name")).toList();
      assertEquals(List.of("webhook-id", "webhook-timestamp", "webhook-signature"), required, event);
      JsonArray allOf = post.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
          .getJsonObject("schema").getJsonArray("allOf");
      String data = allOf.getJsonObject(1).getJsonObject("properties").getJsonObject("data").getString("$ref");
      assertNotNull(schemas.getJsonObject(data.substring(data.lastIndexOf('/') + 1)), event + " refers to " + data);
    }
    assertEquals(Arrays.stream(DeviceStatus.values()).map(Enum::name).toList(), schemas.getJsonObject("DeviceStatusData")
        .getJsonObject("properties").getJsonObject("status").getJsonArray("enum").getList());
    // Parsers see them too: swagger-parser reads the webhooks with their operations.
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    OpenAPI parsed = new OpenAPIV3Parser().readContents(doc.encode(), null, options).getOpenAPI();
    assertEquals(ClientConfig.EVENTS.size(), parsed.getWebhooks().size());
  }

  @Test
  void theEventsAWebhookReceiverGetsHaveTheDeclaredFieldsAndTypes() {
    bed.sim().send("15557779999", new JsonObject().put("to", "15557771111").put("type", "text").put("text", "hello"));
    Wait.until("the message webhook", 10_000, () -> receiver.hits("message"), l -> !l.isEmpty());
    JsonObject schemas = document().getJsonObject("components").getJsonObject("schemas");
    List<String> problems = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Receiver.Hit hit : receiver.hits()) {
      JsonObject envelope = hit.json();
      String event = envelope.getString("event");
      seen.add(event);
      assertNotNull(schemas.getJsonObject("Event"), "the document has no Event schema");
      check(schemas.getJsonObject("Event"), envelope, event, problems);
      JsonObject data = schemas.getJsonObject(EventDocs.dataName(String.valueOf(event)));
      if (data == null) {
        problems.add("no schema for " + event);
      } else {
        check(data, envelope.getJsonObject("data"), event + ".data", problems);
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(seen.contains("message") && seen.contains("device_status"), "received " + seen);
  }

  /** A light check: the required keys are present, and each declared property has its declared JSON type and value. */
  private static void check(JsonObject schema, JsonObject value, String where, List<String> problems) {
    for (Object key : schema.getJsonArray("required", new JsonArray())) {
      if (!value.containsKey((String) key)) {
        problems.add(where + " lacks " + key + ": " + value.encode());
      }
    }
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    for (String key : value.fieldNames()) {
      JsonObject property = properties.getJsonObject(key);
      if (property == null) {
        continue;
      }
      Object v = value.getValue(key);
      Object type = property.getValue("type");
      List<?> types = type instanceof JsonArray a ? a.getList() : type == null ? List.of() : List.of(type);
      if (!types.isEmpty() && types.stream().noneMatch(t -> isType(v, (String) t))) {
        problems.add(where + "." + key + " is " + v + ", not " + types);
      }
      JsonArray values = property.getJsonArray("enum");
      if (values != null && !values.contains(v)) {
        problems.add(where + "." + key + " is " + v + ", not one of " + values);
      }
    }
  }

  private static boolean isType(Object v, String type) {
    return switch (type) {
      case "string" -> v instanceof String;
      case "boolean" -> v instanceof Boolean;
      case "integer" -> v instanceof Integer || v instanceof Long;
      case "number" -> v instanceof Number;
      case "object" -> v instanceof JsonObject;
      case "array" -> v instanceof JsonArray;
      case "null" -> v == null;
      default -> false;
    };
  }
}
