package dev.switchboard.kernel;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** WhatsApp chat ids (JIDs) as the API accepts them, and message ids as the gateway chooses them. */
public final class ChatIds {

  public static final String USER = "@s.whatsapp.net";
  public static final String GROUP = "@g.us";
  public static final String CHANNEL = "@newsletter";
  private static final Pattern USER_JID = Pattern.compile("[0-9]{7,15}@s\\.whatsapp\\.net");
  private static final Pattern GROUP_JID = Pattern.compile("[0-9]{6,24}(-[0-9]{6,24})?@g\\.us");
  private static final Pattern CHANNEL_JID = Pattern.compile("[0-9]{6,24}@newsletter");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ChatIds() {
  }

  /** A phone number (7..15 digits, optional '+'), a user JID or a group JID, as a JID; else a 400 naming {@code field}. */
  public static String jid(String field, String raw) {
    String s = raw.trim();
    if (s.contains("@")) {
      if (USER_JID.matcher(s).matches() || GROUP_JID.matcher(s).matches()) {
        return s;
      }
      throw ApiException.validation(field, field + " must be a phone number, a user JID (digits@s.whatsapp.net) or a group JID (...@g.us)");
    }
    return Phones.digits(field, s) + USER;
  }

  /** A group JID; else a 400. */
  public static String group(String field, String raw) {
    String s = raw.trim();
    if (!GROUP_JID.matcher(s).matches()) {
      throw ApiException.validation(field, field + " must be a group JID (...@g.us)");
    }
    return s;
  }

  /**
   * A recipient of a send: what {@link #jid} takes, or a channel JID (...@newsletter), which only a
   * send takes (a channel is not a chat of contacts, presence or read receipts).
   */
  public static String recipient(String field, String raw) {
    String s = raw.trim();
    return CHANNEL_JID.matcher(s).matches() ? s : jid(field, raw);
  }

  public static boolean isChannel(String jid) {
    return jid.endsWith(CHANNEL);
  }

  public static boolean isGroup(String jid) {
    return jid.endsWith(GROUP);
  }

  /**
   * A new WhatsApp-style message id, chosen before the send so a resend reuses it: 3EB0, the time in
   * milliseconds (12 hex digits), then 12 random hex digits. A device's new ids sort after its older ones,
   * so the unique index on (client, device, message id) takes them at the end of the device's range: a
   * few pages written again and again, instead of a random page of the whole index for every send (each
   * page first written after a checkpoint goes to the WAL whole; random ids made that 28 MB in the
   * second after one, at 5,000 sends/s).
   */
  public static String newMessageId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    long millis = System.currentTimeMillis();
    for (int i = 5; i >= 0; i--) {
      b[i] = (byte) millis;
      millis >>>= 8;
    }
    return "3EB0" + HexFormat.of().withUpperCase().formatHex(b);
  }

  /** A new media id: 32 url-safe characters. */
  public static String newMediaId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return "med_" + HexFormat.of().formatHex(b);
  }
}
