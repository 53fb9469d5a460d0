package dev.switchboard.event;

import dev.switchboard.http.Schemas;
import dev.switchboard.http.RouteDoc;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of docs/api.md as OpenAPI 3.1 components and {@code webhooks}: the envelope
 * ({@code Event}) and one schema of {@code data} per event type, read from what the engines, the
 * device actor and the outbox put in them. The webhook of each type is the POST a client's
 * {@code webhookUrl} receives, with the Standard Webhooks headers.
 */
public final class EventDocs {

  /** The device states of device_status (DeviceStatus; a test keeps the two lists equal). */
  static final List<String> DEVICE_STATES =
      List.of("CONNECTING", "QR_READY", "CONNECTED", "RECONNECTING", "DISCONNECTED", "LOGGED_OUT", "FAILED",
          "STOPPED");

  private EventDocs() {
  }

  /** The {@code data} schema of each event type, in the order of docs/api.md's event table. */
  static Map<String, JsonObject> dataSchemas() {
    Map<String, JsonObject> data = new LinkedHashMap<>();
    data.put("message", message());
    data.put("message_sent", open(List.of("messageId", "chatId", "type", "status"),
        "messageId", text("the id the send answered"),
        "chatId", jid("the chat the message went to"),
        "type", text("the message type (text, image, ...)"),
        "status", Schemas.enumOf(List.of("SENT", "FAILED")),
        "error", text("why it failed, when status is FAILED")));
    data.put("receipt", open(List.of("messageId", "chatId", "status", "by", "timestamp"),
        "messageId", text("the message sent from this device"),
        "chatId", jid("the chat of the message"),
        "status", Schemas.enumOf(List.of("DELIVERED", "READ")),
        "by", jid("who received or read it"),
        "timestamp", time()));
    data.put("reaction", open(List.of("messageId", "chatId", "from", "emoji", "reactionId", "isGroup", "timestamp"),
        "messageId", text("the message reacted to"),
        "chatId", jid("the chat"),
        "from", jid("who reacted"),
        "emoji", text("the emoji; empty when the reaction was removed"),
        "reactionId", text("the reaction's own message id"),
        "isGroup", Schemas.bool(),
        "timestamp", time()));
    data.put("presence_update", open(List.of("chatId", "from", "state"),
        "chatId", jid("the chat (a group for typing in a group)"),
        "from", jid("whose presence changed"),
        "state", Schemas.enumOf(List.of("composing", "recording", "paused", "available", "unavailable")),
        "lastSeen", time().put("description", "when WhatsApp gives it")));
    data.put("group_update", open(List.of("groupId", "action"),
        "groupId", jid("the group"),
        "action", Schemas.enumOf(List.of("create", "subject", "description", "announce", "restrict", "ephemeral")),
        "by", Schemas.nullable(jid("who made the change, when known")),
        "subject", Schemas.nullable(text("the subject (create, subject)")),
        "description", Schemas.nullable(text("the description (description)")),
        "participants", jids("the members (create)"),
        "announce", Schemas.bool().put("description", "only admins may send (announce)"),
        "restrict", Schemas.bool().put("description", "only admins may edit the group (restrict)"),
        "expirationSeconds", Schemas.integer(0, Integer.MAX_VALUE).put("description", "disappearing messages; 0 is off (ephemeral)"),
        "timestamp", time()));
    data.put("group_participants_update", open(List.of("groupId", "action", "participants"),
        "groupId", jid("the group"),
        "action", Schemas.enumOf(List.of("add", "remove", "promote", "demote", "leave")),
        "participants", jids("the members concerned"),
        "by", Schemas.nullable(jid("who made the change, when known")),
        "timestamp", time()));
    data.put("call", open(List.of("callId", "from", "video", "rejected"),
        "callId", text("the call's id"),
        "from", jid("the caller"),
        "chatId", jid("the chat of the call (Cobalt engine)"),
        "video", Schemas.bool(),
        "rejected", Schemas.bool().put("description", "true when the client's call policy declined it"),
        "offline", Schemas.bool().put("description", "the call was missed while the device was offline (Cobalt engine)"),
        "timestamp", time()));
    data.put("device_status", open(List.of("status"),
        "status", Schemas.enumOf(DEVICE_STATES),
        "qr", text("the QR code to scan, when status is QR_READY"),
        "lastError", text("the last error, when there is one")));
    data.put("message_edited", open(List.of("messageId", "chatId", "from", "text"),
        "messageId", text("the edited message, as its message event named it"),
        "chatId", jid("the chat"),
        "from", jid("who edited it (its author)"),
        "text", text("the new text"),
        "isGroup", Schemas.bool(),
        "timestamp", time()));
    data.put("message_revoked", open(List.of("messageId", "chatId", "from"),
        "messageId", text("the message deleted for everyone"),
        "chatId", jid("the chat"),
        "from", jid("who deleted it (its author)"),
        "isGroup", Schemas.bool(),
        "timestamp", time()));
    data.put("poll_vote", open(List.of("pollMessageId", "chatId", "voter", "options"),
        "pollMessageId", text("the poll this device sent"),
        "chatId", jid("the chat of the poll"),
        "voter", jid("who voted"),
        "options", new JsonObject().put("type", "array").put("items", Schemas.string(0, 1024))
            .put("description", "the voter's whole current choice, option names; empty when the vote was withdrawn"),
        "isGroup", Schemas.bool(),
        "timestamp", time()));
    return data;
  }

  /** Component schemas: {@code Event} and {@code <Type>Data} for each event type. */
  public static JsonObject schemas() {
    JsonObject schemas = new JsonObject();
    schemas.put("Event", Schemas.object(List.of("id", "event", "clientId", "deviceId", "timestamp", "data"),
        "id", new JsonObject().put("type", "string").put("pattern", "^evt_[0-9a-f]{32}$")
            .put("description", "unique per event; also the webhook-id header, the same on every attempt"),
        "event", Schemas.enumOf(List.copyOf(dataSchemas().keySet())),
        "clientId", Schemas.id(),
        "deviceId", Schemas.id(),
        "timestamp", time().put("description", "when the gateway made the event"),
        "data", Schemas.object().put("description", "the event type's fields: see the <type>Data schemas")));
    dataSchemas().forEach((event, schema) -> schemas.put(dataName(event), schema));
    return schemas;
  }

  /** One POST per event type, as a client's webhook endpoint receives it. */
  public static JsonObject webhooks() {
    JsonObject webhooks = new JsonObject();
    for (String event : dataSchemas().keySet()) {
      JsonObject envelope = new JsonObject().put("allOf", new JsonArray()
          .add(ref("Event"))
          .add(new JsonObject().put("type", "object").put("properties", new JsonObject()
              .put("event", new JsonObject().put("const", event))
              .put("data", ref(dataName(event))))));
      JsonObject post = new JsonObject()
          .put("tags", new JsonArray().add("events"))
          .put("summary", "The " + event + " event")
          .put("description", "POSTed to the client's webhookUrl; the same envelope is a frame of the live feed. "
              + "A 2xx answer within 10 s acknowledges it; anything else is retried (see docs/api.md, Webhooks).")
          .put("operationId", "webhook_" + event)
          .put("parameters", new JsonArray()
              .add(header("webhook-id", "the event id (evt_...), the same on every attempt: drop duplicates by it", true))
              .add(header("webhook-timestamp", "the attempt's time in Unix seconds", true))
              .add(header("webhook-signature",
                  "v1, and the base64 HMAC-SHA256 of <webhook-id>.<webhook-timestamp>.<body> keyed with the webhookSecret", true))
              .add(header("x-api-key", "the client config's webhookApiKey, when one is set", false)))
          .put("requestBody", new JsonObject().put("required", true).put("content", new JsonObject()
              .put("application/json", new JsonObject().put("schema", envelope))))
          .put("responses", new JsonObject()
              .put("200", new JsonObject().put("description", "any 2xx acknowledges the event"))
              .put("410", new JsonObject().put("description", "Gone: switches the client's webhook off")))
          .put("security", new JsonArray());
      webhooks.put(event, new JsonObject().put("post", post));
    }
    return webhooks;
  }

  public static String dataName(String event) {
    StringBuilder name = new StringBuilder();
    for (String part : event.split("_")) {
      name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return name.append("Data").toString();
  }

  private static JsonObject message() {
    return open(List.of("messageId", "chatId", "from", "type", "text", "isGroup", "timestamp"),
        "messageId", text("the message's WhatsApp id"),
        "chatId", jid("the chat: the sender, or the group"),
        "from", jid("the sender"),
        "type", Schemas.enumOf(List.of("text", "image", "video", "audio", "sticker", "file", "location", "contact",
            "poll", "unsupported")),
        "text", Schemas.nullable(text("the text, or the caption; null when there is none")),
        "isGroup", Schemas.bool(),
        "timestamp", time(),
        "pushName", text("the sender's name (Cobalt engine)"),
        "caption", text("media and files"),
        "mediaId", text("the stored media, fetched with GET .../media/{mediaId}"),
        "mediaError", text("why the media could not be downloaded (Cobalt engine)"),
        "mimeType", text("media and files"),
        "fileName", text("files"),
        "voice", Schemas.bool().put("description", "audio recorded as a voice note"),
        "latitude", Schemas.number(-90, 90),
        "longitude", Schemas.number(-180, 180),
        "name", text("a location's name"),
        "address", text("a location's address"),
        "contacts", Schemas.arrayOf(Schemas.object().put("description", "a shared contact: name and phone")),
        "question", text("a poll's question"),
        "options", Schemas.arrayOf(new JsonObject().put("type", "string")),
        "multiple", Schemas.bool().put("description", "a poll allows several answers"),
        "replyTo", text("the id of the message this one quotes"),
        "mentions", jids("mentioned users"),
        "contentType", text("the WhatsApp content type of an unsupported message"));
  }

  /** An object with these properties that may carry more (engines add fields over time). */
  private static JsonObject open(List<String> required, Object... pairs) {
    JsonObject o = Schemas.object(required, pairs);
    o.remove("additionalProperties");
    return o;
  }

  private static JsonObject text(String description) {
    return new JsonObject().put("type", "string").put("description", description);
  }

  private static JsonObject jid(String description) {
    return text(description + " (a JID such as 15550002002@s.whatsapp.net or ...@g.us)");
  }

  private static JsonObject jids(String description) {
    return Schemas.arrayOf(new JsonObject().put("type", "string")).put("description", description + " (JIDs)");
  }

  private static JsonObject time() {
    return new JsonObject().put("type", "string").put("format", "date-time");
  }

  private static JsonObject header(String name, String description, boolean required) {
    return RouteDoc.parameter(name, "header", required, new JsonObject().put("type", "string"), description);
  }

  private static JsonObject ref(String schema) {
    return new JsonObject().put("$ref", "#/components/schemas/" + schema);
  }
}
