package dev.switchboard.message;

import dev.switchboard.kernel.Fields;
import dev.switchboard.kernel.ChatIds;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Phones;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated send of docs/api.md, Messages: its recipients (JIDs), type, the content to store (the
 * type's fields, mentions as JIDs), where its media comes from, and when to send it.
 */
public record SendRequest(List<String> to, String type, JsonObject content, String mediaUrl, String mediaId,
    Instant sendAt) {

  public static final int MAX_RECIPIENTS = 100;
  public static final int MAX_TEXT = 4096;
  static final int MAX_CAPTION = 1024;
  static final int MAX_URL = 2048;
  static final int MAX_MEDIA_ID = 64;
  static final int MAX_FILE_NAME = 255;
  static final int MAX_REF = 128;
  static final int MAX_MENTIONS = 256;
  static final int MAX_PLACE_NAME = 256;
  static final int MAX_ADDRESS = 512;
  static final int MAX_CONTACTS = 20;
  static final int MAX_CONTACT_NAME = 256;
  static final int MAX_PHONE = 20;
  static final int MAX_QUESTION = 255;
  static final int MIN_OPTIONS = 2;
  static final int MAX_OPTIONS = 12;
  static final int MAX_OPTION = 100;
  static final int MAX_EMOJI_CODE_POINTS = 16;
  static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(366);

  private static final Set<String> CHANNEL_TYPES = Set.of("text", "image");
  private static final Set<String> COMMON = Set.of("to", "replyTo", "mentions", "sendAt");
  static final Set<String> MEDIA_TYPES = Set.of("image", "video", "audio", "file", "sticker");
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "text", Set.of("text"),
      "image", Set.of("url", "mediaId", "caption", "viewOnce"),
      "video", Set.of("url", "mediaId", "caption", "viewOnce"),
      "audio", Set.of("url", "mediaId", "voice", "viewOnce"),
      "file", Set.of("url", "mediaId", "fileName", "caption"),
      "sticker", Set.of("url", "mediaId"),
      "location", Set.of("latitude", "longitude", "name", "address"),
      "contact", Set.of("contacts"),
      "poll", Set.of("question", "options", "multiple"),
      "react", Set.of("messageId", "emoji"));

  public static Set<String> types() {
    return FIELDS.keySet();
  }

  public boolean scheduled() {
    return sendAt != null;
  }

  public boolean hasMedia() {
    return MEDIA_TYPES.contains(type);
  }

  /** Checks every field of a {@code type} send; a 400 names the first bad one. */
  public static SendRequest parse(String type, JsonObject body, Instant now) {
    Set<String> own = FIELDS.get(type);
    if (own == null) {
      throw ApiException.notFound("NOT_FOUND", "no message type '" + type + "'; types: " + String.join(", ", types()));
    }
    Set<String> allowed = new HashSet<>(COMMON);
    allowed.addAll(own);
    Fields.onlyFields(body, allowed);
    List<String> to = recipients(body);
    JsonObject content = new JsonObject();
    String url = null;
    String mediaId = null;
    switch (type) {
      case "text" -> content.put("text", Fields.string(body, "text", true, MAX_TEXT));
      case "location" -> {
        content.put("latitude", number(body, "latitude", -90, 90));
        content.put("longitude", number(body, "longitude", -180, 180));
        putIfSet(content, "name", Fields.string(body, "name", false, MAX_PLACE_NAME));
        putIfSet(content, "address", Fields.string(body, "address", false, MAX_ADDRESS));
      }
      case "contact" -> content.put("contacts", contacts(body));
      case "poll" -> poll(body, content);
      case "react" -> {
        content.put("messageId", Fields.string(body, "messageId", true, MAX_REF));
        Object emoji = body.getValue("emoji");
        if (!(emoji instanceof String e)) {
          throw ApiException.validation("emoji", "emoji is required (a string; empty removes the reaction)");
        }
        if (e.codePointCount(0, e.length()) > MAX_EMOJI_CODE_POINTS) {
          throw ApiException.validation("emoji", "emoji must be one emoji (at most " + MAX_EMOJI_CODE_POINTS + " code points)");
        }
        content.put("emoji", e);
      }
      default -> {
        url = Fields.string(body, "url", false, MAX_URL);
        mediaId = Fields.string(body, "mediaId", false, MAX_MEDIA_ID);
        if ((url == null) == (mediaId == null)) {
          throw ApiException.validation("url", "give exactly one of url and mediaId");
        }
        if (!"sticker".equals(type) && !"audio".equals(type)) {
          putIfSet(content, "caption", Fields.string(body, "caption", false, MAX_CAPTION));
        }
        if ("file".equals(type)) {
          content.put("fileName", fileName(Fields.string(body, "fileName", true, MAX_FILE_NAME)));
        }
        if ("audio".equals(type)) {
          Boolean voice = Fields.bool(body, "voice", false);
          content.put("voice", voice != null && voice);
        }
        if (Boolean.TRUE.equals(Fields.bool(body, "viewOnce", false))) {
          content.put("viewOnce", true);
        }
      }
    }
    putIfSet(content, "replyTo", Fields.string(body, "replyTo", false, MAX_REF));
    JsonArray mentions = Fields.array(body, "mentions", false);
    if (mentions != null) {
      if (mentions.size() > MAX_MENTIONS) {
        throw ApiException.validation("mentions", "at most " + MAX_MENTIONS + " mentions");
      }
      JsonArray jids = new JsonArray();
      for (Object m : mentions) {
        if (!(m instanceof String phone)) {
          throw ApiException.validation("mentions", "mentions are phone numbers (strings)");
        }
        jids.add(Phones.digits("mentions", phone) + ChatIds.USER);
      }
      content.put("mentions", jids);
    }
    checkChannels(to, type, content);
    return new SendRequest(to, type, content, url, mediaId, sendAt(body, now));
  }

  /**
   * A channel takes text and images, without replies, mentions or view once. Whether the device may
   * post there (owner or admin) only its session knows: a refusal fails the message, with the reason.
   */
  private static void checkChannels(List<String> to, String type, JsonObject content) {
    if (to.stream().noneMatch(ChatIds::isChannel)) {
      return;
    }
    if (!CHANNEL_TYPES.contains(type)) {
      throw ApiException.validation("to", "a channel (...@newsletter) takes text and image messages, not " + type);
    }
    for (String field : new String[] {"replyTo", "mentions", "viewOnce"}) {
      if (content.containsKey(field)) {
        throw ApiException.validation(field, field + " is not available in a channel (...@newsletter)");
      }
    }
  }

  private static List<String> recipients(JsonObject body) {
    Object raw = body.getValue("to");
    if (raw == null) {
      throw ApiException.validation("to", "to is required: a phone number, a JID, or an array of them");
    }
    List<Object> given = raw instanceof JsonArray a ? a.getList() : List.of(raw);
    if (given.isEmpty() || given.size() > MAX_RECIPIENTS) {
      throw ApiException.validation("to", "to must name 1 to " + MAX_RECIPIENTS + " recipients");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : given) {
      if (!(o instanceof String s)) {
        throw ApiException.validation("to", "each recipient is a string: a phone number or a JID");
      }
      out.add(ChatIds.recipient("to", s));
    }
    return new ArrayList<>(out);
  }

  private static Instant sendAt(JsonObject body, Instant now) {
    String raw = Fields.string(body, "sendAt", false, 64);
    if (raw == null) {
      return null;
    }
    Instant at;
    try {
      at = Instant.parse(raw);
    } catch (DateTimeParseException e) {
      try {
        at = java.time.OffsetDateTime.parse(raw).toInstant();
      } catch (DateTimeParseException e2) {
        throw ApiException.validation("sendAt", "sendAt must be an ISO-8601 time such as 2026-11-21T12:00:00Z");
      }
    }
    if (at.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
      throw ApiException.validation("sendAt", "sendAt must be within a year from now");
    }
    // A time that has passed means "now".
    return at.isAfter(now) ? at : null;
  }

  private static double number(JsonObject body, String field, double min, double max) {
    Object v = body.getValue(field);
    if (v == null) {
      throw ApiException.validation(field, field + " is required");
    }
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
      throw ApiException.validation(field, field + " must be a number");
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw ApiException.validation(field, field + " must be between " + (int) min + " and " + (int) max);
    }
    return d;
  }

  private static JsonArray contacts(JsonObject body) {
    JsonArray given = Fields.array(body, "contacts", true);
    if (given.isEmpty() || given.size() > MAX_CONTACTS) {
      throw ApiException.validation("contacts", "contacts must hold 1 to " + MAX_CONTACTS + " entries");
    }
    JsonArray out = new JsonArray();
    for (Object o : given) {
      if (!(o instanceof JsonObject c)) {
        throw ApiException.validation("contacts", "each contact is {\"name\", \"phone\"}");
      }
      Fields.onlyFields(c, Set.of("name", "phone"));
      out.add(new JsonObject().put("name", Fields.string(c, "name", true, MAX_CONTACT_NAME))
          .put("phone", Phones.digits("contacts.phone", Fields.string(c, "phone", true, MAX_PHONE))));
    }
    return out;
  }

  private static void poll(JsonObject body, JsonObject content) {
    content.put("question", Fields.string(body, "question", true, MAX_QUESTION));
    JsonArray options = Fields.array(body, "options", true);
    if (options.size() < MIN_OPTIONS || options.size() > MAX_OPTIONS) {
      throw ApiException.validation("options", "a poll has " + MIN_OPTIONS + " to " + MAX_OPTIONS + " options");
    }
    Set<String> seen = new HashSet<>();
    for (Object o : options) {
      if (!(o instanceof String s) || s.isBlank() || s.codePointCount(0, s.length()) > MAX_OPTION) {
        throw ApiException.validation("options", "each option is a non-empty string of at most " + MAX_OPTION + " characters");
      }
      if (!seen.add(s)) {
        throw ApiException.validation("options", "options must differ: '" + s + "' appears twice");
      }
    }
    content.put("options", options.copy());
    Boolean multiple = Fields.bool(body, "multiple", false);
    content.put("multiple", multiple != null && multiple);
  }

  private static String fileName(String name) {
    if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
      throw ApiException.validation("fileName", "fileName must be a plain file name, without a path");
    }
    return name;
  }

  private static void putIfSet(JsonObject o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }
}
