package dev.switchboard.kernel;


/** docs/api.md phone numbers: digits with an optional leading '+', 7..15 digits. */
public final class Phones {

  private Phones() {
  }

  /** The number's digits, or a 400 naming the field. */
  public static String digits(String field, String raw) {
    String s = raw.trim();
    String digits = s.startsWith("+") ? s.substring(1) : s;
    if (!digits.matches("[0-9]{7,15}")) {
      throw ApiException.validation(field, field + " must be a phone number of 7 to 15 digits, optionally with a leading +");
    }
    return digits;
  }
}
