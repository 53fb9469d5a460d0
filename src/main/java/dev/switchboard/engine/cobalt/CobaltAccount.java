package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.model.chat.ChatMute;
import it.auties.whatsapp.model.contact.Contact;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.response.UserAboutResponse;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A contact's and the account's own profile, and blocking, as Cobalt calls; like {@link CobaltCalls},
 * run on the engine's executor. Cobalt reports refusals of blocking as success, so a block is checked
 * against the block list afterwards.
 */
final class CobaltAccount {

  private final Whatsapp wa;

  CobaltAccount(Whatsapp wa) {
    this.wa = wa;
  }

  CompletableFuture<JsonObject> contact(String phone) {
    Jid jid = CobaltJids.parse(phone);
    return wa.hasWhatsapp(jid).thenCompose(exists -> {
      if (!Boolean.TRUE.equals(exists)) {
        throw new EngineException("NOT_FOUND", phone + " is not on WhatsApp");
      }
      CompletableFuture<Optional<UserAboutResponse>> about = wa.queryAbout(jid).exceptionally(e -> Optional.empty());
      CompletableFuture<Optional<URI>> picture = wa.queryPicture(jid).exceptionally(e -> Optional.empty());
      CompletableFuture<List<Jid>> blocked = wa.queryBlockList();
      return CompletableFuture.allOf(about, picture, blocked).thenApply(v -> contact(jid,
          wa.store().findContactByJid(jid).map(CobaltAccount::name).orElse(null),
          about.join().flatMap(UserAboutResponse::about).orElse(null), picture.join().map(URI::toString).orElse(null),
          blocked.join().stream().anyMatch(b -> b.user().equals(jid.user()))));
    });
  }

  static JsonObject contact(Jid jid, String name, String about, String pictureUrl, boolean blocked) {
    JsonObject out = new JsonObject().put("jid", CobaltJids.format(jid)).put("phone", jid.user()).put("name", name)
        .put("blocked", blocked);
    if (about != null) {
      out.put("about", about);
    }
    if (pictureUrl != null) {
      out.put("pictureUrl", pictureUrl);
    }
    return out;
  }

  private static String name(Contact c) {
    return c.chosenName().or(c::fullName).or(c::shortName).orElse(c.name());
  }

  /** Blocks or unblocks, then reads the block list: WhatsApp's refusal would otherwise look like success. */
  CompletableFuture<Void> block(String jidOrPhone, boolean blocked) {
    Jid jid = CobaltJids.parse(jidOrPhone);
    CompletableFuture<Void> done = blocked ? wa.blockContact(jid) : wa.unblockContact(jid);
    return done.thenCompose(v -> wa.queryBlockList()).thenApply(list -> {
      if (list.stream().anyMatch(b -> b.user().equals(jid.user())) != blocked) {
        throw new EngineException("ENGINE_ERROR", "WhatsApp did not " + (blocked ? "block " : "unblock ") + jid.user());
      }
      return null;
    });
  }

  /**
   * Archive, pin and mute are app-state changes Cobalt pushes after its first app-state sync; it
   * reports a failed push only to its error handler, so these are not confirmed (docs/cobalt.md).
   */
  CompletableFuture<Void> chatSetting(String chatId, String setting, String value) {
    Jid chat = CobaltJids.parse(chatId);
    boolean on = "true".equals(value);
    return switch (setting) {
      case "archived" -> on ? wa.archiveChat(chat) : wa.unarchive(chat);
      case "pinned" -> on ? wa.pinChat(chat) : wa.unpinChat(chat);
      case "mutedUntil" -> value == null ? wa.unmuteChat(chat) : wa.muteChat(chat, mute(value));
      default -> throw new EngineException("VALIDATION_ERROR", "no chat setting " + setting);
    };
  }

  /** A mute until an ISO-8601 time, as WhatsApp keeps it: the end in epoch seconds. */
  static ChatMute mute(String until) {
    return ChatMute.muted(java.time.Instant.parse(until).getEpochSecond());
  }

  CompletableFuture<JsonObject> profile(Jid self) {
    return wa.queryAbout(self).exceptionally(e -> Optional.empty()).thenApply(about -> new JsonObject()
        .put("jid", CobaltJids.format(self.toSimpleJid())).put("name", wa.store().name())
        .put("about", about.flatMap(UserAboutResponse::about).orElse(null)));
  }

  /**
   * The about text as is. Cobalt 0.0.10's {@code changeName} only announces the name in a presence
   * stanza (and marks the account online, which silences the phone's notifications); the name
   * WhatsApp keeps is an app-state setting it cannot push correctly, so a name is refused.
   */
  CompletableFuture<Void> updateProfile(String name, String about) {
    if (name != null) {
      throw new EngineException("NOT_SUPPORTED", "changing the profile name is not possible with Cobalt 0.0.10 (it"
          + " would only announce it in a presence update and silence the phone); set the about text alone, or change"
          + " the name on the phone");
    }
    return about == null ? CompletableFuture.completedFuture(null) : wa.changeAbout(about);
  }
}
