package dev.switchboard.message;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Media types as the gateway stores and serves them: {@code type/subtype} of RFC 9110 tokens, with
 * optional {@code ;name=value} parameters, at most {@value #MAX_LENGTH} characters. Anything else
 * (a control character, 0x7F, a space inside a token, non-ASCII) cannot be sent back as a
 * {@code Content-Type} header, so it is refused on upload and replaced on the way out.
 */
final class MediaTypes {

  static final int MAX_LENGTH = 255;
  static final String FALLBACK = "application/octet-stream";

  private static final String TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
  private static final String QUOTED = "\"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*\"";
  private static final Pattern MEDIA_TYPE = Pattern.compile(
      TOKEN + "/" + TOKEN + "(?:[ \\t]*;[ \\t]*" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED + "))*");

  private MediaTypes() {
  }

  /** The media type in lower case, or null when it is not a well-formed, bounded media type. */
  static String parse(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    return MEDIA_TYPE.matcher(lower).matches() ? lower : null;
  }

  /** A stored or remote value made safe to serve: itself when well-formed, else {@value #FALLBACK}. */
  static String orFallback(String value) {
    String parsed = parse(value);
    return parsed == null ? FALLBACK : parsed;
  }
}
