package dev.switchboard.message;

import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** What the OpenAPI document says about the message, media and chat routes. */
final class MessageDocs {

  private static final JsonObject MESSAGE = Schemas.object().put("description",
      "a message: messageId, to, type, status (QUEUED, SCHEDULED, SENT, DELIVERED, READ, FAILED, CANCELLED), times");

  private MessageDocs() {
  }

  static RouteDoc send() {
    Map<String, JsonObject> schemas = SendSchemas.schemas();
    JsonArray anyOf = new JsonArray();
    schemas.values().forEach(anyOf::add);
    return RouteDoc.of()
        .pathParameter("type", Schemas.enumOf(schemas.keySet()))
        .header("Idempotency-Key", Schemas.string(1, Idempotency.MAX_KEY),
            "a retry with the same key and body gets the first answer instead of a second send")
        .body(new JsonObject().put("anyOf", anyOf).put("description", "the body of the {type} given in the path"),
            SendSchemas.examples())
        .returns(202, Schemas.object().put("description", "the stored message(s): messageId and status per recipient"))
        .errors(409)
        .describe("The body's fields depend on {type}: the example named after each type is one it accepts");
  }

  static RouteDoc message() {
    return RouteDoc.of().returns(200, MESSAGE);
  }

  static RouteDoc cancel() {
    return RouteDoc.of().returns(200, MESSAGE).errors(409);
  }

  static RouteDoc scheduled() {
    return RouteDoc.of().paged().returns(200, Schemas.page(MESSAGE));
  }

  static RouteDoc upload(long maxBytes) {
    return RouteDoc.of()
        .multipart(Schemas.object(List.of("file"),
            "file", new JsonObject().put("type", "string").put("format", "binary")
                .put("description", "the file, at most " + maxBytes + " bytes")))
        .returns(201, Schemas.object().put("description", "the stored file: mediaId, mimeType, size, fileName"));
  }

  static RouteDoc download() {
    return RouteDoc.of().returnsRaw(200, "application/octet-stream", "the file, with its stored Content-Type");
  }

  static final List<String> DIRECTIONS = List.of("inbound", "outbound");
  static final List<String> STATUSES = List.of("SCHEDULED", "QUEUED", "SENT", "DELIVERED", "READ", "FAILED",
      "CANCELLED", "RECEIVED");

  static RouteDoc log() {
    JsonObject time = Schemas.string(64).put("format", "date-time");
    return RouteDoc.of().paged()
        .query("direction", Schemas.enumOf(DIRECTIONS), "only inbound or only outbound messages")
        .query("status", Schemas.enumOf(STATUSES), "only messages in this state")
        .query("deviceId", Schemas.id(), "only this device's messages")
        .query("since", time, "created at or after this time").query("until", time, "created before this time")
        .returns(200, Schemas.page(MESSAGE));
  }

  static RouteDoc history() {
    return RouteDoc.of().paged().returns(200, Schemas.page(MESSAGE));
  }

  static RouteDoc read() {
    return RouteDoc.of().returns(202, Schemas.object());
  }

  static RouteDoc usage() {
    return RouteDoc.of().returns(200, Schemas.object(List.of("period", "messagesSent", "quota", "remaining", "devices",
            "apiRequests"),
        "period", Schemas.object(List.of("start", "end"), "start", Schemas.string(64), "end", Schemas.string(64)),
        "messagesSent", Schemas.integer(0, Long.MAX_VALUE), "quota", Schemas.integer(0, Long.MAX_VALUE),
        "remaining", Schemas.integer(0, Long.MAX_VALUE), "devices", Schemas.integer(0, Long.MAX_VALUE),
        "apiRequests", Schemas.integer(0, Long.MAX_VALUE)));
  }
}
