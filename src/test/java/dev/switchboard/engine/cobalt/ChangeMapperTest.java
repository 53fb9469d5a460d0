package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static dev.switchboard.engine.cobalt.CobaltFixtures.GROUP;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.message.model.ChatMessageKey;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageContainerSpec;
import it.auties.whatsapp.model.message.server.ProtocolMessage;
import it.auties.whatsapp.model.message.standard.TextMessage;
import it.auties.whatsapp.model.request.MessageRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edits and revokes of a sent message as Cobalt builds them, checked on Cobalt's own model and wire encoding. */
class ChangeMapperTest {

  @Test
  void anEditIsANewMessageWhoseProtocolMessageNamesTheOriginalAndCarriesTheNewText() {
    ChatMessageInfo edit = ChangeMapper.edit(SELF, BOB, "MSGABC123", "fixed ✓", 1_700_000_000_123L);
    assertNotEquals("MSGABC123", edit.id(), "the edit travels under a new id");
    assertTrue(edit.fromMe());
    assertEquals(BOB, edit.chatJid());
    // Through Cobalt's own protobuf encoding, as it goes on the wire.
    MessageContainer decoded = MessageContainerSpec.decode(MessageContainerSpec.encode(edit.message()));
    ProtocolMessage protocol = assertInstanceOf(ProtocolMessage.class, decoded.content());
    assertEquals(ProtocolMessage.Type.MESSAGE_EDIT, protocol.protocolType());
    ChatMessageKey original = protocol.key().orElseThrow();
    assertEquals("MSGABC123", original.id());
    assertTrue(original.fromMe());
    assertEquals(BOB, original.chatJid());
    TextMessage text = assertInstanceOf(TextMessage.class, protocol.editedMessage().orElseThrow().content());
    assertEquals("fixed ✓", text.text());
    assertEquals(1_700_000_000_123L, protocol.timestampMilliseconds());
    MessageRequest.Chat request = new MessageRequest.Chat(edit, null, false, false, ChangeMapper.EDIT_ATTRIBUTES);
    assertEquals(Map.of("edit", 1), request.additionalAttributes());
  }

  @Test
  void theGatewaysIdOfAnEditedOrRevokedMessageIsTheWhatsAppIdItWasSentUnder() {
    String gatewayId = "not-a-whatsapp-id";
    ChatMessageKey key = ChangeMapper.ownKey(SELF, GROUP, gatewayId);
    assertEquals(OutboundMapper.whatsappId(gatewayId), key.id());
    assertEquals(GROUP, key.chatJid());
  }

  @Test
  void aRevokeStandsInForTheSentMessageWithItsKeyAndOwnSender() {
    ChatMessageInfo sent = ChangeMapper.sent(SELF, GROUP, "MSGABC123");
    assertEquals("MSGABC123", sent.id());
    assertTrue(sent.fromMe(), "a revoke of one's own message (edit 7), not an admin's of another's (edit 8)");
    assertEquals(GROUP, sent.chatJid());
    assertEquals(SELF, sent.senderJid());
  }

  @Test
  void anotherPersonsDeleteForEveryoneIsAMessageRevokedEventWithTheOriginalsIds() {
    ChatMessageInfo original = CobaltFixtures.received(GROUP, BOB, "3EB0FROMBOB", MessageContainer.of("hi"));
    JsonObject data = ChangeMapper.revoked(original, true).orElseThrow().data();
    assertEquals("3EB0FROMBOB", data.getString("messageId"));
    assertEquals(CobaltJids.format(GROUP), data.getString("chatId"));
    assertEquals(CobaltJids.format(BOB), data.getString("from"));
    assertEquals(true, data.getBoolean("isGroup"));
    assertTrue(ChangeMapper.revoked(original, false).isEmpty(), "deleted only for oneself: nothing to report");
    assertTrue(ChangeMapper.revoked(ChangeMapper.sent(SELF, BOB, "MINE1234"), true).isEmpty(), "our own deletes are ours");
  }
}
