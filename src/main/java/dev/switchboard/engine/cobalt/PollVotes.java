package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.crypto.Hkdf;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.standard.PollUpdateMessage;
import it.auties.whatsapp.model.poll.PollOption;
import it.auties.whatsapp.model.poll.PollUpdateEncryptedMetadata;
import it.auties.whatsapp.model.poll.PollUpdateEncryptedOptionsSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Votes on the polls this device sent. Cobalt 0.0.10 decrypts a vote only while the poll is in its
 * memory (not after a restart), so the session derives each poll's 32-byte key from its identity key
 * and the poll's id, and decrypts the votes Cobalt could not: WhatsApp's scheme, HKDF-SHA256 (zero
 * salt) of the poll key with {@code pollId + creator + voter + "Poll Vote"}, then AES-GCM with
 * {@code pollId + "\0" + voter} as associated data. A decrypted vote names its options by the hex
 * SHA-256 of their names ({@code optionHashes}); the gateway, which stored the poll, turns them into
 * names. Not yet seen against live WhatsApp.
 */
final class PollVotes {

  private PollVotes() {
  }

  /** The poll's encryption key: the same for the same device and poll id, after any restart. */
  static byte[] key(byte[] secret, String pollWhatsAppId) {
    return Hkdf.extractAndExpand(secret, ("Switchboard poll key " + pollWhatsAppId).getBytes(StandardCharsets.UTF_8), 32);
  }

  /** The poll to send, with its derived key as {@code pollKey} (OutboundMapper uses it). */
  static OutboundMessage withKey(OutboundMessage poll, byte[] secret) {
    JsonObject content = poll.content() == null ? new JsonObject() : poll.content().copy();
    content.put("pollKey", Base64.getEncoder().encodeToString(key(secret, OutboundMapper.whatsappId(poll.messageId()))));
    return new OutboundMessage(poll.messageId(), poll.to(), poll.type(), content);
  }

  /** A vote on a poll this device sent as a {@code poll_vote} event; empty for anything else or what does not decrypt. */
  static Optional<EngineEvent> vote(ChatMessageInfo info, Jid self, byte[] secret) {
    if (info.fromMe() || !(info.message().unbox().content() instanceof PollUpdateMessage update) || self == null) {
      return Optional.empty();
    }
    String pollId = update.pollCreationMessageKey().id();
    Jid voter = (info.senderJid() != null ? info.senderJid() : info.chatJid()).toSimpleJid();
    JsonObject data = new JsonObject().put("pollMessageId", pollId).put("chatId", CobaltJids.format(info.chatJid()))
        .put("voter", CobaltJids.format(voter)).put("isGroup", CobaltJids.isGroup(info.chatJid()))
        .put("timestamp", Instant.ofEpochSecond(info.timestampSeconds().orElse(System.currentTimeMillis() / 1000)).toString());
    if (!update.votes().isEmpty()) {
      // Cobalt had the poll in memory and decrypted the vote itself.
      JsonArray names = new JsonArray();
      update.votes().stream().map(PollOption::name).forEach(names::add);
      return Optional.of(new EngineEvent("poll_vote", data.put("options", names)));
    }
    Optional<PollUpdateEncryptedMetadata> sealed = update.encryptedMetadata();
    if (sealed.isEmpty()) {
      return Optional.empty();
    }
    try {
      List<byte[]> hashes = decrypt(key(secret, pollId), pollId, self.toSimpleJid(), voter, sealed.get());
      JsonArray hex = new JsonArray();
      hashes.forEach(h -> hex.add(HexFormat.of().formatHex(h)));
      return Optional.of(new EngineEvent("poll_vote", data.put("optionHashes", hex)));
    } catch (GeneralSecurityException | RuntimeException e) {
      // Not a poll of this device (another key), or damaged: nothing to report.
      return Optional.empty();
    }
  }

  /** The hashes of the options a vote selects (empty: the vote was withdrawn). */
  static List<byte[]> decrypt(byte[] pollKey, String pollId, Jid creator, Jid voter, PollUpdateEncryptedMetadata sealed)
      throws GeneralSecurityException {
    byte[] info = (pollId + creator + voter + "Poll Vote").getBytes(StandardCharsets.UTF_8);
    byte[] key = Hkdf.extractAndExpand(pollKey, info, 32);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed.iv()));
    cipher.updateAAD((pollId + "\u0000" + voter).getBytes(StandardCharsets.UTF_8));
    return PollUpdateEncryptedOptionsSpec.decode(cipher.doFinal(sealed.payload())).selectedOptions();
  }
}
