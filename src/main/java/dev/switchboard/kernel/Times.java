package dev.switchboard.kernel;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** docs/api.md timestamps: ISO-8601 UTC with milliseconds. */
public final class Times {

  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private Times() {
  }

  public static String iso(OffsetDateTime t) {
    return t == null ? null : FORMAT.format(t.toInstant());
  }

  public static String iso(Instant t) {
    return t == null ? null : FORMAT.format(t);
  }
}
