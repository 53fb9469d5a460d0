package dev.switchboard.http;

import dev.switchboard.kernel.ApiException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Reads JSON request bodies and typed fields, failing with a 400 that names the field. */
public final class Bodies {

  static final int MAX_DEPTH = 32;
  /** Jackson's defaults are strict JSON (Vert.x's own parser accepts comments); depth and repeats are limited too. */
  private static final JsonFactory STRICT = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Bodies() {
  }

  /**
   * The body as a JSON object; an empty body counts as {@code {}} when {@code optional}. A body must
   * say it is JSON ({@code application/json}, UTF-8 if a charset is given; else 415), be UTF-8 and
   * strict JSON (no comments, no repeated names, at most {@value #MAX_DEPTH} levels deep), and hold no
   * text PostgreSQL could not store as sent: no NUL and no lone surrogate in any name or string.
   */
  public static JsonObject object(RoutingContext ctx, boolean optional) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      if (optional) {
        return new JsonObject();
      }
      throw ApiException.validation("a JSON object body is required");
    }
    requireJsonContentType(ctx.request().getHeader("Content-Type"));
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes())).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.validation("the body is not valid UTF-8");
    }
    Object parsed;
    try (JsonParser parser = STRICT.createParser(text)) {
      parsed = JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException | IOException e) {
      throw ApiException.validation("malformed JSON: " + firstLine(e.getMessage()));
    }
    if (!(parsed instanceof JsonObject json)) {
      throw ApiException.validation("the body must be a JSON object");
    }
    checkText(json.getMap(), "");
    return json;
  }

  private static void requireJsonContentType(String header) {
    String[] parts = header == null ? new String[] {""} : header.split(";");
    boolean json = parts[0].trim().equalsIgnoreCase("application/json");
    for (int i = 1; json && i < parts.length; i++) {
      String[] param = parts[i].trim().split("=", 2);
      if (param[0].trim().equalsIgnoreCase("charset")) {
        json = param.length == 2 && param[1].trim().replace("\"", "").equalsIgnoreCase("utf-8");
      }
    }
    if (!json) {
      throw notJson();
    }
  }

  /** A form or multipart content type: bodies the JSON routes do not take (the body handler would decode them). */
  static boolean isForm(String contentType) {
    String type = contentType == null ? "" : contentType.trim().toLowerCase(java.util.Locale.ROOT);
    return type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded");
  }

  /** 415: docs/api.md has no code of its own for it, so the status says what VALIDATION_ERROR is about. */
  static ApiException notJson() {
    return new ApiException(415, "VALIDATION_ERROR", "send the body as Content-Type: application/json (UTF-8)",
        new JsonObject().put("field", "Content-Type"), null);
  }

  /** Fails for NUL or a lone surrogate in any name or string, naming where it is ({@code options[1]}). */
  private static void checkText(Object value, String where) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = (String) e.getKey();
        // A bad name is reported by where it is, not by itself.
        checkString(name, where.isEmpty() ? "body" : where, "a field name in " + (where.isEmpty() ? "the body" : where));
        checkText(e.getValue(), where.isEmpty() ? name : where + "." + name);
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkText(list.get(i), where + "[" + i + "]");
      }
    } else if (value instanceof String s) {
      checkString(s, where, where);
    }
  }

  private static void checkString(String s, String field, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        throw ApiException.validation(field, what + " must not contain NUL (\\u0000)");
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ApiException.validation(field, what + " holds a lone surrogate: not Unicode text");
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
