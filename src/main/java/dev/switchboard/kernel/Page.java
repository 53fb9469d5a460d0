package dev.switchboard.kernel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** docs/api.md list paging: {@code limit} 1..200 (default 50) and an opaque {@code cursor}. */
public record Page(int limit, String after) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  /** The cursor of a list keyed by row id: the id to page from, null on the first page; 400 for another cursor. */
  public Long afterId() {
    if (after == null) {
      return null;
    }
    try {
      return Long.parseLong(after);
    } catch (NumberFormatException e) {
      throw ApiException.validation("cursor", "cursor is not one this API returned");
    }
  }

  /** {@code rows} holds up to limit+1 items; the extra one only tells that there is a next page. */
  public JsonObject result(JsonArray rows, Function<JsonObject, String> keyOf) {
    String next = null;
    if (rows.size() > limit) {
      rows.remove(limit);
      next = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(keyOf.apply(rows.getJsonObject(limit - 1)).getBytes(StandardCharsets.UTF_8));
    }
    return new JsonObject().put("items", rows).put("nextCursor", next);
  }

  /** The same for records: up to limit+1 rows, each shown as {@code toJson}, the next cursor from the last shown row's key. */
  public <T> JsonObject result(List<T> rows, Function<T, String> keyOf, Function<T, JsonObject> toJson) {
    JsonArray items = new JsonArray();
    rows.stream().limit(limit).forEach(r -> items.add(toJson.apply(r)));
    String next = rows.size() > limit ? Base64.getUrlEncoder().withoutPadding()
        .encodeToString(keyOf.apply(rows.get(limit - 1)).getBytes(StandardCharsets.UTF_8)) : null;
    return new JsonObject().put("items", items).put("nextCursor", next);
  }
}
