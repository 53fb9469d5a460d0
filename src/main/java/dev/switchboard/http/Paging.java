package dev.switchboard.http;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Page;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The {@code limit} and {@code cursor} query parameters of a list route, as a {@link Page}. */
public final class Paging {

  private Paging() {
  }

  public static Page of(RoutingContext ctx) {
    String rawLimit = ctx.queryParams().get("limit");
    int limit = Page.DEFAULT_LIMIT;
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        throw ApiException.validation("limit", "limit must be a whole number from 1 to 200");
      }
      if (limit < 1 || limit > Page.MAX_LIMIT) {
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
}
