package dev.switchboard.simulator;

import java.security.SecureRandom;

/** Phone numbers and JIDs as the simulated network spells them. */
final class Jids {

  static final String USER_SUFFIX = "@s.whatsapp.net";
  static final String GROUP_SUFFIX = "@g.us";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Jids() {
  }

  /** The digits of a number given as digits, {@code +digits} or a user JID (device suffix allowed). */
  static String phone(String numberOrJid) {
    if (numberOrJid == null) {
      throw SimException.badRequest("phone number missing");
    }
    String s = numberOrJid.trim();
    if (s.endsWith(USER_SUFFIX)) {
      s = s.substring(0, s.length() - USER_SUFFIX.length());
      int colon = s.indexOf(':');
      if (colon >= 0) {
        s = s.substring(0, colon);
      }
    }
    if (s.startsWith("+")) {
      s = s.substring(1);
    }
    if (!s.matches("[0-9]{7,15}")) {
      throw SimException.badRequest("not a phone number: " + numberOrJid);
    }
    return s;
  }

  static boolean isGroup(String chat) {
    return chat != null && chat.endsWith(GROUP_SUFFIX);
  }

  static String user(String phone) {
    return phone + USER_SUFFIX;
  }

  /**
   * The simulator's documented rule for "is this number on WhatsApp": every valid number is,
   * except those starting with 999, which gives tests a way to name a number that is not.
   */
  static boolean onWhatsApp(String phone) {
    return !phone.startsWith("999");
  }

  static String newGroupId() {
    StringBuilder b = new StringBuilder("120363");
    for (int i = 0; i < 12; i++) {
      b.append(RANDOM.nextInt(10));
    }
    return b.append(GROUP_SUFFIX).toString();
  }

  /** Random characters from {@code alphabet}, for QR payloads, secrets, codes and ids. */
  static String random(String alphabet, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static String randomToken(int length) {
    return random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
  }
}
