package dev.switchboard.message;

import static dev.switchboard.message.SendRequest.*;

import dev.switchboard.http.Schemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON Schema and an example of each message type's body, built from {@link SendRequest}'s own
 * limits so that the document and the validation cannot disagree.
 */
final class SendSchemas {

  private static final JsonObject PHONE = new JsonObject().put("type", "string").put("pattern", "^\\+?[0-9]{7,15}$");

  private SendSchemas() {
  }

  /** Each type's body schema, by type. */
  static Map<String, JsonObject> schemas() {
    Map<String, JsonObject> out = new TreeMap<>();
    for (String type : types()) {
      out.put(type, schema(type));
    }
    return out;
  }

  /** A body each type accepts, by type. */
  static Map<String, JsonObject> examples() {
    JsonObject to = new JsonObject().put("to", "+15550001111");
    Map<String, JsonObject> out = new TreeMap<>();
    out.put("text", to.copy().put("text", "Hello from Switchboard"));
    out.put("image", to.copy().put("url", "https://example.com/cat.jpg").put("caption", "A cat"));
    out.put("video", to.copy().put("url", "https://example.com/clip.mp4").put("caption", "A clip"));
    out.put("audio", to.copy().put("url", "https://example.com/note.ogg").put("voice", true));
    out.put("file", to.copy().put("url", "https://example.com/report.pdf").put("fileName", "report.pdf"));
    out.put("sticker", to.copy().put("url", "https://example.com/sticker.webp"));
    out.put("location", to.copy().put("latitude", 52.52).put("longitude", 13.405).put("name", "Berlin"));
    out.put("contact", to.copy().put("contacts", new JsonArray()
        .add(new JsonObject().put("name", "Ada").put("phone", "+15550002222"))));
    out.put("poll", to.copy().put("question", "Lunch?").put("options", new JsonArray().add("Pizza").add("Salad")));
    out.put("react", to.copy().put("messageId", "3EB0C767D26A1D5A7C2B").put("emoji", "👍"));
    return out;
  }

  private static JsonObject schema(String type) {
    List<String> required = new ArrayList<>(List.of("to"));
    List<Object> props = new ArrayList<>(List.of(
        "to", Schemas.oneOf(recipient(), Schemas.array(recipient(), 1, MAX_RECIPIENTS)),
        "replyTo", Schemas.string(MAX_REF).put("description", "id of the message this one answers"),
        "mentions", Schemas.array(PHONE, 0, MAX_MENTIONS),
        "sendAt", new JsonObject().put("type", "string").put("format", "date-time")
            .put("description", "schedule the send (within " + MAX_SCHEDULE_AHEAD.toDays()
                + " days); a past time means now")));
    switch (type) {
      case "text" -> {
        required.add("text");
        props.addAll(List.of("text", Schemas.string(1, MAX_TEXT)));
      }
      case "location" -> {
        required.addAll(List.of("latitude", "longitude"));
        props.addAll(List.of("latitude", Schemas.number(-90, 90), "longitude", Schemas.number(-180, 180),
            "name", Schemas.string(MAX_PLACE_NAME), "address", Schemas.string(MAX_ADDRESS)));
      }
      case "contact" -> {
        required.add("contacts");
        props.addAll(List.of("contacts", Schemas.array(Schemas.object(List.of("name", "phone"),
            "name", Schemas.string(1, MAX_CONTACT_NAME), "phone", PHONE.copy().put("maxLength", MAX_PHONE)),
            1, MAX_CONTACTS)));
      }
      case "poll" -> {
        required.addAll(List.of("question", "options"));
        props.addAll(List.of("question", Schemas.string(1, MAX_QUESTION),
            "options", Schemas.array(Schemas.string(1, MAX_OPTION), MIN_OPTIONS, MAX_OPTIONS).put("uniqueItems", true),
            "multiple", Schemas.bool()));
      }
      case "react" -> {
        required.addAll(List.of("messageId", "emoji"));
        props.addAll(List.of("messageId", Schemas.string(1, MAX_REF),
            "emoji", Schemas.string(MAX_EMOJI_CODE_POINTS).put("description", "one emoji; empty removes the reaction")));
      }
      default -> {
        // Media: exactly one of url and mediaId (an upload's id).
        props.addAll(List.of("url", Schemas.string(1, MAX_URL).put("format", "uri"),
            "mediaId", Schemas.string(1, MAX_MEDIA_ID)));
        if (!"sticker".equals(type) && !"audio".equals(type)) {
          props.addAll(List.of("caption", Schemas.string(MAX_CAPTION)));
        }
        if ("file".equals(type)) {
          required.add("fileName");
          props.addAll(List.of("fileName", Schemas.string(1, MAX_FILE_NAME)));
        }
        if ("audio".equals(type)) {
          props.addAll(List.of("voice", Schemas.bool().put("description", "send as a voice note")));
        }
        if (Set.of("image", "video", "audio").contains(type)) {
          props.addAll(List.of("viewOnce", Schemas.bool().put("description",
              "the recipient can open it once (not audio with the Cobalt engine: the send fails NOT_SUPPORTED)")));
        }
      }
    }
    JsonObject schema = Schemas.object(required, props.toArray()).put("title", type);
    if (MEDIA_TYPES.contains(type)) {
      JsonObject properties = schema.getJsonObject("properties");
      schema.put("oneOf", new JsonArray()
          .add(new JsonObject().put("required", new JsonArray().add("url"))
              .put("properties", new JsonObject().put("url", properties.getJsonObject("url"))))
          .add(new JsonObject().put("required", new JsonArray().add("mediaId"))
              .put("properties", new JsonObject().put("mediaId", properties.getJsonObject("mediaId")))));
    }
    return schema;
  }

  private static JsonObject recipient() {
    return Schemas.string(1, 64).put("description", "a phone number (7 to 15 digits, optional +) or a JID; text and image"
        + " also take a channel (...@newsletter) the device owns or administers");
  }
}
