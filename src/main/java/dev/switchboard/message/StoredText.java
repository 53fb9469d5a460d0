package dev.switchboard.message;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Makes a message's content something PostgreSQL can hold, and back. JSONB refuses {@code \u0000}
 * and UTF-8 has no lone surrogates (they would be stored as '?'), yet both arrive in messages. In
 * every string, keys included, such a character (and {@link #ESC} itself) is stored as ESC and four
 * hex digits. ESC is U+FFFF, a noncharacter that text does not carry, so rows written before this
 * escaping read back unchanged.
 */
final class StoredText {

  static final char ESC = '\uFFFF';

  private StoredText() {
  }

  static JsonObject encode(JsonObject content) {
    return (JsonObject) walk(content, true);
  }

  static JsonArray encode(JsonArray content) {
    return (JsonArray) walk(content, true);
  }

  /** The content as it was sent: a JsonObject in, a JsonObject out; anything else as it is. */
  static Object decode(Object stored) {
    return walk(stored, false);
  }

  private static Object walk(Object value, boolean encode) {
    if (value instanceof String s) {
      return encode ? encode(s) : decode(s);
    }
    if (value instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : o) {
        out.put(encode ? encode(e.getKey()) : decode(e.getKey()), walk(e.getValue(), encode));
      }
      return out;
    }
    if (value instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      for (Object item : a) {
        out.add(walk(item, encode));
      }
      return out;
    }
    return value;
  }

  static String encode(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      boolean escape = c == 0 || c == ESC || Character.isSurrogate(c) && !pair;
      if (escape && out == null) {
        out = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (out != null) {
        if (escape) {
          out.append(ESC).append(String.format("%04x", (int) c));
        } else {
          out.append(c);
          if (pair) {
            out.append(s.charAt(i + 1));
          }
        }
      }
      if (pair) {
        i++;
      }
    }
    return out == null ? s : out.toString();
  }

  static String decode(String s) {
    int at = s.indexOf(ESC);
    if (at < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, at);
    for (int i = at; i < s.length(); i++) {
      char c = s.charAt(i);
      int code = c == ESC && i + 4 < s.length() ? hex(s, i + 1) : -1;
      if (code >= 0) {
        out.append((char) code);
        i += 4;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static int hex(String s, int from) {
    int v = 0;
    for (int i = from; i < from + 4; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }
}
