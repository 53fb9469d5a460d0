package dev.switchboard.http;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Ids;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;

/** Typed query parameters of list and report routes: absent is null, anything malformed is 400. */
public final class Queries {

  private static final int MAX_LENGTH = 64;

  private Queries() {
  }

  /** An ISO-8601 timestamp with an offset ({@code 2026-11-21T12:00:00Z}). */
  public static Instant instant(RoutingContext ctx, String name) {
    String raw = raw(ctx, name);
    if (raw == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.validation(name, name + " must be an ISO-8601 timestamp such as 2026-11-21T12:00:00Z");
    }
  }

  /** One of {@code values}, exactly as written. */
  public static String oneOf(RoutingContext ctx, String name, Collection<String> values) {
    String raw = raw(ctx, name);
    if (raw != null && !values.contains(raw)) {
      throw ApiException.validation(name, name + " must be one of " + String.join(", ", values));
    }
    return raw;
  }

  /** An id such as a deviceId. */
  public static String id(RoutingContext ctx, String name) {
    String raw = raw(ctx, name);
    return raw == null ? null : Ids.require(name, raw);
  }

  private static String raw(RoutingContext ctx, String name) {
    java.util.List<String> all = ctx.queryParams().getAll(name);
    if (all.isEmpty() || all.size() == 1 && all.get(0).isEmpty()) {
      return null;
    }
    if (all.size() > 1) {
      throw ApiException.validation(name, name + " is given more than once");
    }
    String raw = all.get(0);
    if (raw.length() > MAX_LENGTH) {
      throw ApiException.validation(name, name + " is longer than " + MAX_LENGTH + " characters");
    }
    return raw;
  }
}
