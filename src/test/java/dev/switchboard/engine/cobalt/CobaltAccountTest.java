package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.engine.EngineException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A contact as the Cobalt engine answers it, and the profile name it cannot set. */
class CobaltAccountTest {

  @Test
  void aContactHasItsFieldsAndLeavesOutWhatWhatsAppDidNotShow() {
    JsonObject shown = CobaltAccount.contact(BOB, "Bob", "at the gym", "https://pps.whatsapp.net/x.jpg", true);
    assertEquals(CobaltJids.format(BOB), shown.getString("jid"));
    assertEquals(BOB.user(), shown.getString("phone"));
    assertEquals("at the gym", shown.getString("about"));
    assertEquals("https://pps.whatsapp.net/x.jpg", shown.getString("pictureUrl"));
    assertEquals(true, shown.getBoolean("blocked"));
    JsonObject hidden = CobaltAccount.contact(BOB, null, null, null, false);
    assertFalse(hidden.containsKey("about") || hidden.containsKey("pictureUrl"), hidden.encode());
  }

  @Test
  void theProfileNameIsNotSupportedAndNothingIsSentForIt() {
    EngineException e = assertThrows(EngineException.class, () -> new CobaltAccount(null).updateProfile("Shop", "Open"));
    assertEquals("NOT_SUPPORTED", e.code());
  }

  @Test
  void aMuteUntilATimeIsWhatsAppsMuteEndingThen() {
    it.auties.whatsapp.model.chat.ChatMute mute = CobaltAccount.mute("2030-01-01T00:00:00Z");
    assertEquals(true, mute.isMuted());
    assertEquals(1_893_456_000L, mute.endTimeStamp());
    EngineException e = assertThrows(EngineException.class, () -> new CobaltAccount(null).chatSetting("15550000003", "starred", "true"));
    assertEquals("VALIDATION_ERROR", e.code());
  }
}
