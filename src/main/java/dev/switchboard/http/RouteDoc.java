package dev.switchboard.http;

import dev.switchboard.kernel.Ids;
import dev.switchboard.kernel.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the OpenAPI document says about one route beyond its method, path, access and summary: the
 * request body (JSON Schema with an example, or multipart), the query and header parameters, the
 * success status and the shape of its {@code data}, and the error statuses the route itself can give.
 * It travels with the route in {@link ApiRoutes#add}, so the route table is the only list.
 */
public final class RouteDoc {

  private int status = 200;
  private JsonObject data = Schemas.object();
  private String dataDescription = "success envelope";
  private JsonObject body;
  private JsonObject bodyExample;
  private Map<String, JsonObject> bodyExamples = Map.of();
  private boolean bodyRequired;
  private String bodyMediaType = "application/json";
  private final List<JsonObject> parameters = new ArrayList<>();
  private final Map<String, JsonObject> pathParameters = new LinkedHashMap<>();
  private final TreeSet<Integer> errors = new TreeSet<>();
  private String undocumented;
  private String description;
  private String contentType;

  private RouteDoc() {
  }

  public static RouteDoc of() {
    return new RouteDoc();
  }

  /** A route served but kept out of the document, with the reason (asset files, an earlier URL). */
  public static RouteDoc undocumented(String why) {
    RouteDoc doc = new RouteDoc();
    doc.undocumented = why;
    return doc;
  }

  /** The success status and the schema of the envelope's {@code data}. */
  public RouteDoc returns(int status, JsonObject dataSchema) {
    this.status = status;
    this.data = dataSchema;
    return this;
  }

  /** A success answered with another content type than the JSON envelope (an image, a download). */
  public RouteDoc returnsRaw(int status, String contentType, String description) {
    this.status = status;
    this.contentType = contentType;
    this.dataDescription = description;
    return this;
  }

  /** A JSON body: its schema and an example the route accepts. */
  public RouteDoc body(boolean required, JsonObject schema, JsonObject example) {
    this.body = schema;
    this.bodyExample = example;
    this.bodyRequired = required;
    return this;
  }

  /** A JSON body that is one of several shapes, with a named example of each. */
  public RouteDoc body(JsonObject schema, Map<String, JsonObject> examples) {
    this.body = schema;
    this.bodyRequired = true;
    this.bodyExamples = new LinkedHashMap<>(examples);
    return this;
  }

  /** A multipart/form-data body. */
  public RouteDoc multipart(JsonObject schema) {
    this.body = schema;
    this.bodyRequired = true;
    this.bodyMediaType = "multipart/form-data";
    return this;
  }

  public RouteDoc query(String name, JsonObject schema, String description) {
    parameters.add(parameter(name, "query", false, schema, description));
    return this;
  }

  public RouteDoc header(String name, JsonObject schema, String description) {
    parameters.add(parameter(name, "header", false, schema, description));
    return this;
  }

  /** {@code limit} and {@code cursor} of a list route (see {@link Page}). */
  public RouteDoc paged() {
    return query("limit", Schemas.integer(1, Page.MAX_LIMIT).put("default", Page.DEFAULT_LIMIT), "page size")
        .query("cursor", Schemas.string(1, 1024), "nextCursor of the previous page");
  }

  /** Overrides a path parameter's schema (the default is the id pattern of {@link Ids}). */
  public RouteDoc pathParameter(String name, JsonObject schema) {
    pathParameters.put(name, schema);
    return this;
  }

  /** Error statuses the route gives beyond those implied by its access tier, path and body. */
  public RouteDoc errors(int... statuses) {
    for (int s : statuses) {
      errors.add(s);
    }
    return this;
  }

  public RouteDoc describe(String text) {
    this.description = text;
    return this;
  }

  boolean documented() {
    return undocumented == null;
  }

  String undocumentedReason() {
    return undocumented;
  }

  int status() {
    return status;
  }

  JsonObject data() {
    return data;
  }

  String dataDescription() {
    return dataDescription;
  }

  String contentType() {
    return contentType;
  }

  String description() {
    return description;
  }

  JsonObject body() {
    return body;
  }

  JsonObject bodyExample() {
    return bodyExample;
  }

  Map<String, JsonObject> bodyExamples() {
    return bodyExamples;
  }

  boolean bodyRequired() {
    return bodyRequired;
  }

  String bodyMediaType() {
    return bodyMediaType;
  }

  List<JsonObject> parameters() {
    return Collections.unmodifiableList(parameters);
  }

  JsonObject pathParameter(String name) {
    return pathParameters.get(name);
  }

  java.util.SortedSet<Integer> errors() {
    return Collections.unmodifiableSortedSet(errors);
  }

  public static JsonObject parameter(String name, String in, boolean required, JsonObject schema, String description) {
    JsonObject p = new JsonObject().put("name", name).put("in", in).put("required", required).put("schema", schema);
    if (description != null) {
      p.put("description", description);
    }
    return p;
  }

  static JsonArray array(List<JsonObject> items) {
    return new JsonArray(new ArrayList<>(items));
  }
}
