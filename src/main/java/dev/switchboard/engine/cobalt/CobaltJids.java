package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.jid.JidServer;

/** JIDs between the API's strings ({@code 972501234567@s.whatsapp.net}, {@code x@g.us}, digits) and Cobalt's {@link Jid}. */
final class CobaltJids {

  private CobaltJids() {
  }

  /** A chat or user from a JID or a phone number (digits, optional '+'). */
  static Jid parse(String jidOrPhone) {
    if (jidOrPhone == null || jidOrPhone.isBlank()) {
      throw new EngineException("VALIDATION_ERROR", "a JID or phone number is required");
    }
    String s = jidOrPhone.trim();
    if (s.indexOf('@') < 0) {
      String digits = s.startsWith("+") ? s.substring(1) : s;
      if (!digits.matches("[0-9]{5,20}")) {
        throw new EngineException("VALIDATION_ERROR", "not a phone number or JID: " + jidOrPhone);
      }
      return Jid.of(digits);
    }
    try {
      return Jid.of(s);
    } catch (RuntimeException e) {
      throw new EngineException("VALIDATION_ERROR", "not a JID: " + jidOrPhone);
    }
  }

  /** The API's spelling: the bare JID, without device or agent. */
  static String format(Jid jid) {
    return jid == null ? null : jid.toSimpleJid().toString();
  }

  /** The digits of a user JID, or its user part for other servers (e.g. {@code @lid}). */
  static String phone(Jid jid) {
    return jid == null ? null : jid.user();
  }

  static boolean isGroup(Jid jid) {
    return jid != null && jid.hasServer(JidServer.groupOrCommunity());
  }
}
