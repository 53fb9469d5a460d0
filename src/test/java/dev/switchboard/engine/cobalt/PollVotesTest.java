package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static dev.switchboard.engine.cobalt.CobaltFixtures.GROUP;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.crypto.Hkdf;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.standard.PollCreationMessage;
import it.auties.whatsapp.model.message.standard.PollUpdateMessageBuilder;
import it.auties.whatsapp.model.poll.PollUpdateEncryptedMetadataBuilder;
import it.auties.whatsapp.model.poll.PollUpdateEncryptedOptionsBuilder;
import it.auties.whatsapp.model.poll.PollUpdateEncryptedOptionsSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * A vote on a poll this device sent, encrypted here as a voter's phone does (written from WhatsApp's
 * scheme, not from the adapter's code) with Cobalt's own builders, and read back by the adapter
 * without the poll in Cobalt's memory, as after a restart.
 */
class PollVotesTest {

  private static final byte[] SECRET = "identity-private-key-32-bytes!!!".getBytes(StandardCharsets.UTF_8);

  private static byte[] sha256(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The voter's side: the options' hashes sealed with the poll's key. */
  private static ChatMessageInfo voteFrom(String pollId, byte[] pollKey, String... options) throws Exception {
    String voter = BOB.toString();
    byte[] key = Hkdf.extractAndExpand(pollKey, (pollId + SELF + voter + "Poll Vote").getBytes(StandardCharsets.UTF_8), 32);
    byte[] iv = new byte[12];
    iv[0] = 7;
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    cipher.updateAAD((pollId + "\u0000" + voter).getBytes(StandardCharsets.UTF_8));
    List<byte[]> hashes = new java.util.ArrayList<>();
    for (String o : options) {
      hashes.add(sha256(o));
    }
    byte[] sealed = cipher.doFinal(PollUpdateEncryptedOptionsSpec.encode(new PollUpdateEncryptedOptionsBuilder()
        .selectedOptions(hashes).build()));
    var update = new PollUpdateMessageBuilder()
        .pollCreationMessageKey(new ChatMessageKeyBuilder().id(pollId).chatJid(GROUP).fromMe(false).senderJid(SELF).build())
        .encryptedMetadata(new PollUpdateEncryptedMetadataBuilder().payload(sealed).iv(iv).build())
        .senderTimestampMilliseconds(1_763_726_400_000L).build();
    return CobaltFixtures.received(GROUP, BOB, "3EB0VOTE0001", MessageContainer.of(update));
  }

  @Test
  void aVoteOnAPollThisDeviceSentDecryptsFromTheDerivedKeyWithoutThePollInMemory() throws Exception {
    OutboundMessage send = PollVotes.withKey(new OutboundMessage("3EB0POLL0001", GROUP.toString(), "poll", new JsonObject()
        .put("question", "Lunch?").put("options", new JsonArray().add("Pizza").add("סלט"))), SECRET);
    PollCreationMessage poll = assertInstanceOf(PollCreationMessage.class,
        OutboundMapper.info(send, SELF, (chat, id) -> Optional.empty()).message().content());
    byte[] pollKey = poll.encryptionKey().orElseThrow();
    assertArrayEquals(PollVotes.key(SECRET, "3EB0POLL0001"), pollKey, "the key sent is the one derived again later");

    EngineEvent vote = PollVotes.vote(voteFrom("3EB0POLL0001", pollKey, "סלט"), SELF, SECRET).orElseThrow();
    assertEquals("poll_vote", vote.type());
    JsonObject data = vote.data();
    assertEquals("3EB0POLL0001", data.getString("pollMessageId"));
    assertEquals(CobaltJids.format(GROUP), data.getString("chatId"));
    assertEquals(CobaltJids.format(BOB), data.getString("voter"));
    assertEquals(new JsonArray().add(HexFormat.of().formatHex(sha256("סלט"))), data.getJsonArray("optionHashes"));

    JsonObject withdrawn = PollVotes.vote(voteFrom("3EB0POLL0001", pollKey), SELF, SECRET).orElseThrow().data();
    assertEquals(new JsonArray(), withdrawn.getJsonArray("optionHashes"), "an empty choice withdraws the vote");
  }

  @Test
  void aVoteSealedWithAnotherKeyIsNotReported() throws Exception {
    byte[] other = PollVotes.key("another-device".getBytes(StandardCharsets.UTF_8), "3EB0POLL0002");
    assertTrue(PollVotes.vote(voteFrom("3EB0POLL0002", other, "Pizza"), SELF, SECRET).isEmpty());
  }
}
