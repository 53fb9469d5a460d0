package dev.switchboard.http;

import dev.switchboard.kernel.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/** Small builders for the JSON Schemas of the OpenAPI document, so route declarations stay short. */
public final class Schemas {

  private Schemas() {
  }

  public static JsonObject object() {
    return new JsonObject().put("type", "object");
  }

  /** An object with these properties (name, schema pairs), of which {@code required} must be present. */
  public static JsonObject object(Collection<String> required, Object... nameSchemaPairs) {
    JsonObject properties = new JsonObject();
    for (int i = 0; i < nameSchemaPairs.length; i += 2) {
      properties.put((String) nameSchemaPairs[i], nameSchemaPairs[i + 1]);
    }
    JsonObject o = object().put("properties", properties).put("additionalProperties", false);
    if (!required.isEmpty()) {
      o.put("required", new JsonArray(java.util.List.copyOf(required)));
    }
    return o;
  }

  public static JsonObject string(int minLength, int maxLength) {
    return new JsonObject().put("type", "string").put("minLength", minLength).put("maxLength", maxLength);
  }

  public static JsonObject string(int maxLength) {
    return new JsonObject().put("type", "string").put("maxLength", maxLength);
  }

  public static JsonObject id() {
    return new JsonObject().put("type", "string").put("pattern", Ids.ID.pattern());
  }

  public static JsonObject enumOf(Collection<String> values) {
    return new JsonObject().put("type", "string").put("enum", new JsonArray(java.util.List.copyOf(values)));
  }

  public static JsonObject integer(long min, long max) {
    return new JsonObject().put("type", "integer").put("minimum", min).put("maximum", max);
  }

  public static JsonObject number(double min, double max) {
    return new JsonObject().put("type", "number").put("minimum", min).put("maximum", max);
  }

  public static JsonObject bool() {
    return new JsonObject().put("type", "boolean");
  }

  public static JsonObject array(JsonObject items, int minItems, int maxItems) {
    return new JsonObject().put("type", "array").put("items", items).put("minItems", minItems).put("maxItems", maxItems);
  }

  public static JsonObject arrayOf(JsonObject items) {
    return new JsonObject().put("type", "array").put("items", items);
  }

  public static JsonObject oneOf(JsonObject... schemas) {
    return new JsonObject().put("oneOf", new JsonArray(java.util.List.of((Object[]) schemas)));
  }

  /**
   * The schema or null, in JSON Schema 2020-12 terms (OpenAPI 3.1): a type array such as
   * {@code ["string","null"]} (an enum also lists null), or {@code anyOf} with the null type when the
   * schema names no single type.
   */
  public static JsonObject nullable(JsonObject schema) {
    Object type = schema.getValue("type");
    if (!(type instanceof String)) {
      return new JsonObject().put("anyOf", new JsonArray().add(schema.copy()).add(new JsonObject().put("type", "null")));
    }
    JsonObject copy = schema.copy().put("type", new JsonArray().add(type).add("null"));
    JsonArray values = copy.getJsonArray("enum");
    if (values != null && !values.contains(null)) {
      copy.put("enum", values.copy().addNull());
    }
    return copy;
  }

  /** A page of a list route: {@code items} and {@code nextCursor}. */
  public static JsonObject page(JsonObject item) {
    JsonObject page = object(java.util.List.of("items"), "items", arrayOf(item),
        "nextCursor", nullable(new JsonObject().put("type", "string")));
    page.remove("additionalProperties");
    return page;
  }
}
