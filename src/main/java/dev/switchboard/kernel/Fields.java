package dev.switchboard.kernel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Typed fields of a JSON object (a request body, a stored config), failing with a 400 that names the field. */
public final class Fields {

  private Fields() {
  }

  /** Fails for any field not in {@code allowed}, so a typo is an error and not a silent no-op. */
  public static void onlyFields(JsonObject body, Set<String> allowed) {
    for (String name : body.fieldNames()) {
      if (!allowed.contains(name)) {
        throw ApiException.validation(name, "unknown field '" + name + "'; allowed: " + String.join(", ", allowed));
      }
    }
  }

  public static String string(JsonObject body, String field, boolean required, int maxLength) {
    Object v = body.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.validation(field, field + " is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.validation(field, field + " must be a string");
    }
    if (s.isEmpty() && required) {
      throw ApiException.validation(field, field + " must not be empty");
    }
    if (s.codePointCount(0, s.length()) > maxLength) {
      throw ApiException.validation(field, field + " must be at most " + maxLength + " characters");
    }
    if (s.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
      throw ApiException.validation(field, field + " must not contain control characters");
    }
    return s;
  }

  public static Integer integer(JsonObject body, String field, boolean required, int min, int max) {
    Object v = body.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.validation(field, field + " is required");
      }
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiException.validation(field, field + " must be a whole number");
    }
    long value = n.longValue();
    if (value < min || value > max) {
      throw ApiException.validation(field, field + " must be between " + min + " and " + max);
    }
    return (int) value;
  }

  public static Boolean bool(JsonObject body, String field, boolean required) {
    Object v = body.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.validation(field, field + " is required");
      }
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw ApiException.validation(field, field + " must be true or false");
    }
    return b;
  }

  public static JsonObject object(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw ApiException.validation(field, field + " must be an object");
    }
    return o;
  }

  public static JsonArray array(JsonObject body, String field, boolean required) {
    Object v = body.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.validation(field, field + " is required");
      }
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw ApiException.validation(field, field + " must be an array");
    }
    return a;
  }

  /** A list of distinct strings of 1 to 64 characters, at most {@code max} of them; null when absent or null. */
  public static List<String> strings(JsonObject body, String field, int max) {
    JsonArray given = array(body, field, false);
    if (given == null) {
      return null;
    }
    if (given.size() > max) {
      throw ApiException.validation(field, field + " holds at most " + max + " entries");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : given) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw ApiException.validation(field, field + " holds strings of 1 to 64 characters");
      }
      out.add(s);
    }
    return new ArrayList<>(out);
  }
}
