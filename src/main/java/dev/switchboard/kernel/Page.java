package dev.switchboard.kernel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** docs/api.md list paging: {@code limit} 1..200 (default 50) and an opaque {@code cursor}. */
public record Page(int limit, String after) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  public static Page of(RoutingContext ctx) {
    String rawLimit = ctx.queryParams().get("limit");
    int limit = DEFAULT_LIMIT;
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        throw ApiException.validation("limit", "limit must be a whole number from 1 to 200");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiException.validation("limit", "limit must be a whole number from 1 to 200");
      }
    }
    String cursor = ctx.queryParams().get("cursor");
    String after = null;
    if (cursor != null && !cursor.isEmpty()) {
      try {
        // Strict UTF-8 and no control characters: a cursor is a key this API encoded, and PostgreSQL
        // refuses NUL in the text it is compared with.
        after = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
      } catch (IllegalArgumentException | CharacterCodingException e) {
        after = null;
      }
      if (after == null || after.isEmpty() || after.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.validation("cursor", "cursor is not one this API returned");
      }
    }
    return new Page(limit, after);
  }

  /** {@code rows} holds up to limit+1 items; the extra one only tells that there is a next page. */
  public JsonObject result(JsonArray rows, java.util.function.Function<JsonObject, String> keyOf) {
    String next = null;
    if (rows.size() > limit) {
      rows.remove(limit);
      next = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(keyOf.apply(rows.getJsonObject(limit - 1)).getBytes(StandardCharsets.UTF_8));
    }
    return new JsonObject().put("items", rows).put("nextCursor", next);
  }
}
