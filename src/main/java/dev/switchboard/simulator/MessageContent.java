package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * The one place that knows which fields each message type carries. Whatever a sender passes is
 * checked and copied field by field, so nothing unknown travels through the network.
 */
final class MessageContent {

  static final Set<String> TYPES =
      Set.of("text", "image", "video", "audio", "file", "sticker", "location", "contact", "poll", "react");
  private static final Set<String> MEDIA = Set.of("image", "video", "audio", "file", "sticker");

  /** A 1x1 PNG, so a simulated person can send a picture without supplying one. */
  private static final String TINY_PNG =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  private MessageContent() {
  }

  /**
   * The validated fields of a {@code type} message from {@code in}; {@code sender} only names the
   * placeholder media a person sends when it passes no bytes.
   */
  static JsonObject of(String type, JsonObject in, String sender) {
    if (type == null || !TYPES.contains(type)) {
      throw SimException.badRequest("unknown message type: " + type);
    }
    JsonObject out = new JsonObject();
    switch (type) {
      case "text" -> {
        String text = string(in, "text", true);
        if (text.isEmpty()) {
          throw SimException.badRequest("text must not be empty");
        }
        out.put("text", text);
      }
      case "location" -> {
        out.put("latitude", number(in, "latitude", -90, 90));
        out.put("longitude", number(in, "longitude", -180, 180));
        copyString(in, out, "name");
        copyString(in, out, "address");
      }
      case "contact" -> out.put("contacts", contacts(in));
      case "poll" -> poll(in, out);
      case "react" -> {
        out.put("messageId", string(in, "messageId", true));
        out.put("emoji", string(in, "emoji", true));
      }
      default -> media(type, in, out, sender);
    }
    copyString(in, out, "replyTo");
    if (in.containsKey("mentions")) {
      JsonArray mentions = new JsonArray();
      for (Object m : array(in, "mentions")) {
        mentions.add(Jids.phone(String.valueOf(m)));
      }
      out.put("mentions", mentions);
    }
    return out;
  }

  /** The {@code text} a message shows in a chat list: the text itself or a media caption. */
  static String displayText(String type, JsonObject content) {
    return "text".equals(type) ? content.getString("text") : content.getString("caption");
  }

  private static void media(String type, JsonObject in, JsonObject out, String sender) {
    String media = string(in, "media", false);
    if (media != null) {
      try {
        Base64.getDecoder().decode(media);
      } catch (IllegalArgumentException e) {
        throw SimException.badRequest("media must be base64");
      }
    } else if ("image".equals(type) || "sticker".equals(type)) {
      media = TINY_PNG;
    } else {
      byte[] bytes = ("simulated " + type + " from " + sender).getBytes(StandardCharsets.UTF_8);
      media = Base64.getEncoder().encodeToString(bytes);
    }
    out.put("media", media);
    String mime = string(in, "mimeType", false);
    out.put("mimeType", mime != null ? mime : defaultMime(type, in.containsKey("media")));
    if ("file".equals(type)) {
      String fileName = string(in, "fileName", false);
      out.put("fileName", fileName != null ? fileName : "file.bin");
    } else {
      copyString(in, out, "fileName");
    }
    if (!"sticker".equals(type) && !"audio".equals(type)) {
      copyString(in, out, "caption");
    }
    if ("audio".equals(type) && in.containsKey("voice")) {
      out.put("voice", bool(in, "voice"));
    }
    if (Set.of("image", "video", "audio").contains(type) && in.containsKey("viewOnce") && bool(in, "viewOnce")) {
      out.put("viewOnce", true);
    }
  }

  private static String defaultMime(String type, boolean supplied) {
    return switch (type) {
      case "image", "sticker" -> supplied && "sticker".equals(type) ? "image/webp" : "image/png";
      case "video" -> "video/mp4";
      case "audio" -> "audio/ogg";
      default -> "application/octet-stream";
    };
  }

  private static void poll(JsonObject in, JsonObject out) {
    out.put("question", string(in, "question", true));
    JsonArray options = array(in, "options");
    if (options.size() < 2 || options.size() > 12) {
      throw SimException.badRequest("a poll has 2..12 options");
    }
    for (Object o : options) {
      if (!(o instanceof String)) {
        throw SimException.badRequest("poll options are strings");
      }
    }
    out.put("options", options.copy());
    out.put("multiple", in.containsKey("multiple") && bool(in, "multiple"));
  }

  private static JsonArray contacts(JsonObject in) {
    JsonArray contacts = array(in, "contacts");
    if (contacts.isEmpty()) {
      throw SimException.badRequest("contacts must not be empty");
    }
    JsonArray out = new JsonArray();
    for (Object c : contacts) {
      if (!(c instanceof JsonObject contact)) {
        throw SimException.badRequest("each contact is {name, phone}");
      }
      out.add(new JsonObject()
          .put("name", string(contact, "name", true))
          .put("phone", string(contact, "phone", true)));
    }
    return out;
  }

  static String string(JsonObject in, String field, boolean required) {
    Object v = in.getValue(field);
    if (v == null) {
      if (required) {
        throw SimException.badRequest(field + " is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw SimException.badRequest(field + " must be a string");
    }
    return s;
  }

  private static void copyString(JsonObject in, JsonObject out, String field) {
    String v = string(in, field, false);
    if (v != null) {
      out.put(field, v);
    }
  }

  private static double number(JsonObject in, String field, double min, double max) {
    if (!(in.getValue(field) instanceof Number n)) {
      throw SimException.badRequest(field + " must be a number");
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw SimException.badRequest(field + " out of range");
    }
    return d;
  }

  static boolean bool(JsonObject in, String field) {
    if (!(in.getValue(field) instanceof Boolean b)) {
      throw SimException.badRequest(field + " must be true or false");
    }
    return b;
  }

  static JsonArray array(JsonObject in, String field) {
    if (!(in.getValue(field) instanceof JsonArray a)) {
      throw SimException.badRequest(field + " must be an array");
    }
    return a;
  }
}
