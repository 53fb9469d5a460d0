package dev.switchboard.http;

import dev.switchboard.kernel.Ids;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3.1 document, filled in by {@link ApiRoutes} as routes are declared. */
public final class OpenApi {

  private static final Pattern PARAM = Pattern.compile(":([A-Za-z]+)");
  private static final Map<Integer, String> ERRORS = Map.of(
      400, "VALIDATION_ERROR: a path id, parameter or body field is wrong (details.field names it), or the request is malformed",
      401, "UNAUTHORIZED: no key or token, or one that is not valid",
      403, "FORBIDDEN: the key or token may not do this",
      404, "NOT_FOUND (or a more precise *_NOT_FOUND code): the resource does not exist",
      409, "A conflict with the resource's current state (the code says which)",
      413, "PAYLOAD_TOO_LARGE: the body is over the limit",
      415, "UNSUPPORTED_MEDIA_TYPE: the body is not of the content type this route reads",
      429, "RATE_LIMITED: over the client's rate limit; Retry-After says when to try again",
      503, "UNAVAILABLE: the node or the device's owner cannot answer now; Retry-After says when to try again");

  private final JsonObject paths = new JsonObject();
  private final JsonObject document;

  public OpenApi(String version) {
    JsonObject error = Schemas.object(java.util.List.of("success", "error"),
        "success", Schemas.bool().put("enum", new JsonArray().add(false)),
        "error", Schemas.object(java.util.List.of("code", "message"),
            "code", new JsonObject().put("type", "string").put("examples", new JsonArray().add("VALIDATION_ERROR")),
            "message", new JsonObject().put("type", "string"),
            "details", Schemas.object()));
    JsonObject responses = new JsonObject();
    for (int status : new TreeSet<>(ERRORS.keySet())) {
      responses.put("E" + status, new JsonObject().put("description", ERRORS.get(status)).put("content", json(ref("Error"))));
    }
    responses.put("Error", new JsonObject().put("description", "Any other failure, in the error envelope")
        .put("content", json(ref("Error"))));
    document = new JsonObject()
        .put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", "Switchboard API").put("version", version)
            .put("description", "Self-hosted, multi-tenant WhatsApp gateway. Every answer uses the success or error envelope."))
        .put("servers", new JsonArray().add(new JsonObject().put("url", "/")))
        .put("paths", paths)
        .put("webhooks", new JsonObject())
        .put("components", new JsonObject()
            .put("securitySchemes", new JsonObject()
                .put("apiKey", new JsonObject().put("type", "apiKey").put("in", "header").put("name", "x-api-key"))
                .put("bearer", new JsonObject().put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")))
            .put("schemas", new JsonObject().put("Error", error))
            .put("responses", responses));
  }

  /** Documents the callbacks the gateway makes (OpenAPI {@code webhooks}) and the schemas they use. */
  void webhooks(JsonObject webhooks, JsonObject schemas) {
    document.getJsonObject("webhooks").mergeIn(webhooks);
    document.getJsonObject("components").getJsonObject("schemas").mergeIn(schemas);
  }

  void operation(HttpMethod method, String vertxPath, Access access, String scope, String tag, String summary,
      RouteDoc doc) {
    if (!doc.documented()) {
      return;
    }
    Matcher m = PARAM.matcher(vertxPath);
    JsonArray parameters = new JsonArray();
    StringBuilder path = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      m.appendReplacement(path, "{" + name + "}");
      JsonObject schema = doc.pathParameter(name);
      if (schema == null) {
        schema = Ids.isJid(name) ? Schemas.string(1, 256) : Schemas.id();
      }
      parameters.add(RouteDoc.parameter(name, "path", true, schema, null));
    }
    m.appendTail(path);
    doc.parameters().forEach(parameters::add);
    boolean hasPathIds = parameters.stream().anyMatch(p -> "path".equals(((JsonObject) p).getString("in")));

    TreeSet<Integer> errors = new TreeSet<>(doc.errors());
    // RequestGuard refuses a malformed request (no Host, a bad percent-escape...) on any route.
    errors.add(400);
    if (hasPathIds) {
      errors.add(404);
    }
    if (doc.body() != null) {
      errors.add(413);
      errors.add(415);
    }
    if (access != Access.PUBLIC) {
      errors.add(401);
      errors.add(429);
      if (access != Access.ANY) {
        errors.add(403);
      }
    }
    JsonObject responses = new JsonObject().put(Integer.toString(doc.status()), success(doc));
    for (int status : errors) {
      responses.put(Integer.toString(status), new JsonObject().put("$ref", "#/components/responses/E" + status));
    }
    responses.put("default", new JsonObject().put("$ref", "#/components/responses/Error"));

    String needs = scope == null || scope.isEmpty() ? "" : " with the scope " + scope;
    String description = "Access: " + describe(access) + needs + (doc.description() == null ? "" : ". " + doc.description());
    JsonObject op = new JsonObject()
        .put("tags", new JsonArray().add(tag))
        .put("summary", summary)
        .put("description", description)
        .put("operationId", method.name().toLowerCase(Locale.ROOT) + path.toString().replaceAll("[^A-Za-z0-9]+", "_"))
        .put("parameters", parameters)
        .put("responses", responses);
    if (access == Access.PUBLIC) {
      op.put("security", new JsonArray());
    } else {
      // OpenAPI 3.1 lets the requirement of an apiKey or http scheme list the roles needed: the key's scope.
      JsonArray roles = scope == null || scope.isEmpty() ? new JsonArray() : new JsonArray().add(scope);
      op.put("security", new JsonArray().add(new JsonObject().put("apiKey", roles))
          .add(new JsonObject().put("bearer", roles.copy())));
      if (scope != null) {
        op.put("x-required-scope", scope);
      }
    }
    if (doc.body() != null) {
      JsonObject media = new JsonObject().put("schema", doc.body());
      if (doc.bodyExample() != null) {
        media.put("example", doc.bodyExample());
      }
      if (!doc.bodyExamples().isEmpty()) {
        JsonObject examples = new JsonObject();
        doc.bodyExamples().forEach((name, value) -> examples.put(name, new JsonObject().put("value", value)));
        media.put("examples", examples);
      }
      op.put("requestBody", new JsonObject().put("required", doc.bodyRequired())
          .put("content", new JsonObject().put(doc.bodyMediaType(), media)));
    }
    String key = path.toString();
    JsonObject item = paths.getJsonObject(key);
    if (item == null) {
      item = new JsonObject();
      paths.put(key, item);
    }
    item.put(method.name().toLowerCase(Locale.ROOT), op);
  }

  public JsonObject document() {
    return document;
  }

  private static JsonObject success(RouteDoc doc) {
    if (doc.contentType() != null) {
      return new JsonObject().put("description", doc.dataDescription()).put("content", new JsonObject()
          .put(doc.contentType(), new JsonObject().put("schema", new JsonObject().put("type", "string").put("format", "binary"))));
    }
    JsonObject envelope = Schemas.object(java.util.List.of("success", "data"),
        "success", Schemas.bool().put("enum", new JsonArray().add(true)),
        "data", doc.data());
    envelope.remove("additionalProperties");
    return new JsonObject().put("description", doc.dataDescription()).put("content", json(envelope));
  }

  private static JsonObject ref(String schema) {
    return new JsonObject().put("$ref", "#/components/schemas/" + schema);
  }

  private static JsonObject json(JsonObject schema) {
    return new JsonObject().put("application/json", new JsonObject().put("schema", schema));
  }

  private static String describe(Access access) {
    return switch (access) {
      case PUBLIC -> "public";
      case MASTER -> "master key";
      case CLIENT -> "master key or the client's own key";
      case ANY -> "any valid key or token";
    };
  }
}
