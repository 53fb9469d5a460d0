package dev.switchboard.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3 document, filled in by {@link ApiRoutes} as routes are declared. */
public final class OpenApi {

  private static final Pattern PARAM = Pattern.compile(":([A-Za-z]+)");

  private final JsonObject paths = new JsonObject();
  private final JsonObject document;

  public OpenApi(String version) {
    JsonObject error = new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("success", new JsonObject().put("type", "boolean").put("example", false))
            .put("error", new JsonObject().put("type", "object").put("properties", new JsonObject()
                .put("code", new JsonObject().put("type", "string"))
                .put("message", new JsonObject().put("type", "string"))
                .put("details", new JsonObject().put("type", "object")))));
    JsonObject success = new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("success", new JsonObject().put("type", "boolean").put("example", true))
            .put("data", new JsonObject()));
    document = new JsonObject()
        .put("openapi", "3.0.3")
        .put("info", new JsonObject().put("title", "Switchboard API").put("version", version)
            .put("description", "Self-hosted, multi-tenant WhatsApp gateway. Every answer uses the success or error envelope."))
        .put("servers", new JsonArray().add(new JsonObject().put("url", "/")))
        .put("paths", paths)
        .put("components", new JsonObject()
            .put("securitySchemes", new JsonObject()
                .put("apiKey", new JsonObject().put("type", "apiKey").put("in", "header").put("name", "x-api-key"))
                .put("bearer", new JsonObject().put("type", "http").put("scheme", "bearer")))
            .put("schemas", new JsonObject().put("Error", error).put("Success", success)));
  }

  void operation(HttpMethod method, String vertxPath, Access access, String tag, String summary) {
    // A wildcard asset route ("/docs/*") is documented as its prefix.
    Matcher m = PARAM.matcher(vertxPath.endsWith("/*") ? vertxPath.substring(0, vertxPath.length() - 1) : vertxPath);
    JsonArray parameters = new JsonArray();
    StringBuilder path = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(path, "{" + m.group(1) + "}");
      parameters.add(new JsonObject().put("name", m.group(1)).put("in", "path").put("required", true)
          .put("schema", new JsonObject().put("type", "string").put("pattern", Ids.ID.pattern())));
    }
    m.appendTail(path);
    JsonObject op = new JsonObject()
        .put("tags", new JsonArray().add(tag))
        .put("summary", summary)
        .put("operationId", method.name().toLowerCase(Locale.ROOT) + path.toString().replaceAll("[^A-Za-z0-9]+", "_"))
        .put("description", "Access: " + describe(access))
        .put("parameters", parameters)
        .put("responses", new JsonObject()
            .put("2XX", new JsonObject().put("description", "success envelope")
                .put("content", json("Success")))
            .put("default", new JsonObject().put("description", "error envelope")
                .put("content", json("Error"))));
    if (access == Access.PUBLIC) {
      op.put("security", new JsonArray());
    } else {
      op.put("security", new JsonArray().add(new JsonObject().put("apiKey", new JsonArray()))
          .add(new JsonObject().put("bearer", new JsonArray())));
    }
    if (method == HttpMethod.POST || method == HttpMethod.PUT) {
      op.put("requestBody", new JsonObject().put("required", false).put("content", new JsonObject()
          .put("application/json", new JsonObject().put("schema", new JsonObject().put("type", "object")))));
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

  private static JsonObject json(String schema) {
    return new JsonObject().put("application/json", new JsonObject()
        .put("schema", new JsonObject().put("$ref", "#/components/schemas/" + schema)));
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
