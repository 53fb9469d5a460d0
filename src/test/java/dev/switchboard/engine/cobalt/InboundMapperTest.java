package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.ALICE;
import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static dev.switchboard.engine.cobalt.CobaltFixtures.GROUP;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static dev.switchboard.engine.cobalt.CobaltFixtures.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.call.CallBuilder;
import it.auties.whatsapp.model.call.CallStatus;
import it.auties.whatsapp.model.contact.ContactCard;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ChatMessageInfoBuilder;
import it.auties.whatsapp.model.info.ContextInfoBuilder;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.standard.ContactMessageBuilder;
import it.auties.whatsapp.model.message.standard.DocumentMessageSimpleBuilder;
import it.auties.whatsapp.model.message.standard.GroupInviteMessageBuilder;
import it.auties.whatsapp.model.message.standard.ImageMessageSimpleBuilder;
import it.auties.whatsapp.model.message.standard.LocationMessageBuilder;
import it.auties.whatsapp.model.message.standard.ReactionMessageBuilder;
import it.auties.whatsapp.model.message.standard.TextMessageBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cobalt's inbound model (messages, reactions, calls) as the API's events, and what is left out. */
class InboundMapperTest {

  private static JsonObject message(ChatMessageInfo info) {
    EngineEvent event = InboundMapper.message(info).orElseThrow();
    assertEquals("message", event.type());
    return event.data();
  }

  @Test
  void aTextFromAContactHasTheMessageEventFields() {
    JsonObject data = message(CobaltFixtures.received(ALICE, ALICE, "IN1", MessageContainer.of("héllo 🌍 مرحبا")));
    assertEquals("IN1", data.getString("messageId"));
    assertEquals("15550000002@s.whatsapp.net", data.getString("chatId"));
    assertEquals("15550000002@s.whatsapp.net", data.getString("from"));
    assertEquals("text", data.getString("type"));
    assertEquals("héllo 🌍 مرحبا", data.getString("text"));
    assertFalse(data.getBoolean("isGroup"));
    assertEquals(Instant.ofEpochSecond(T).toString(), data.getString("timestamp"));
    assertEquals("Alice", data.getString("pushName"));
    assertNull(data.getString("replyTo"));
  }

  @Test
  void aGroupMessageNamesItsSenderAndWhatItRepliesTo() {
    var context = new ContextInfoBuilder().quotedMessageId("Q1").quotedMessageSenderJid(SELF)
        .mentions(List.of(SELF, BOB)).build();
    var text = new TextMessageBuilder().text("@15550000001 look").contextInfo(context).build();
    JsonObject data = message(CobaltFixtures.received(GROUP, ALICE.withDevice(3), "IN2", MessageContainer.of(text)));
    assertEquals("120363025246125486@g.us", data.getString("chatId"));
    assertEquals("15550000002@s.whatsapp.net", data.getString("from"), "the device suffix is dropped");
    assertTrue(data.getBoolean("isGroup"));
    assertEquals("Q1", data.getString("replyTo"));
    assertEquals(new JsonArray().add("15550000001").add("15550000003"), data.getJsonArray("mentions"));
  }

  @Test
  void mediaLocationAndContactsKeepTheirFields() {
    var image = new ImageMessageSimpleBuilder().media(CobaltFixtures.png(32)).mimeType("image/png").caption("look").build();
    ChatMessageInfo imageInfo = CobaltFixtures.received(ALICE, ALICE, "IMG", MessageContainer.of(image));
    JsonObject data = message(imageInfo);
    assertEquals("image", data.getString("type"));
    assertEquals("look", data.getString("caption"));
    assertEquals("look", data.getString("text"));
    assertEquals("image/png", data.getString("mimeType"));
    assertTrue(InboundMapper.media(imageInfo).isPresent(), "media to download");
    assertTrue(InboundMapper.media(CobaltFixtures.received(ALICE, ALICE, "T", MessageContainer.of("x"))).isEmpty());

    var document = new DocumentMessageSimpleBuilder().media(new byte[] {1, 2, 3}).fileName("report.pdf")
        .mimeType("application/pdf").pageCount(1).build();
    JsonObject doc = message(CobaltFixtures.received(ALICE, ALICE, "DOC", MessageContainer.ofDocumentWithCaption(document)));
    assertEquals("file", doc.getString("type"), "documents are unwrapped from documentWithCaption");
    assertEquals("report.pdf", doc.getString("fileName"));

    var location = new LocationMessageBuilder().latitude(-33.86).longitude(151.21).name("Opera House").build();
    JsonObject loc = message(CobaltFixtures.received(ALICE, ALICE, "LOC", MessageContainer.ofViewOnce(location)));
    assertEquals("location", loc.getString("type"));
    assertEquals(-33.86, loc.getDouble("latitude"));
    assertEquals("Opera House", loc.getString("name"));

    // A vCard written by a phone, not by Cobalt: the number comes from waid or TEL.
    var card = ContactCard.of("BEGIN:VCARD\nVERSION:3.0\nFN:Dana\nTEL;type=CELL;waid=972501112222:+972 50-111-2222\nEND:VCARD");
    var contact = new ContactMessageBuilder().name("Dana").vcard(card).build();
    JsonObject c = message(CobaltFixtures.received(ALICE, ALICE, "VC", MessageContainer.of(contact)));
    assertEquals(new JsonArray().add(new JsonObject().put("name", "Dana").put("phone", "972501112222")), c.getJsonArray("contacts"));
    var plain = new ContactMessageBuilder().name("Eli").vcard(ContactCard.of("BEGIN:VCARD\nVERSION:3.0\nFN:Eli\nTEL:+1 555 000 0009\nEND:VCARD")).build();
    // Cobalt 0.0.10's vCard parser keeps only numbers with a WhatsApp id (waid); others are lost.
    assertEquals("Eli", InboundMapper.contact(plain).getString("name"));
    assertNull(InboundMapper.contact(plain).getString("phone"));
  }

  @Test
  void reactionsBecomeReactionEvents() {
    var key = new ChatMessageKeyBuilder().id("MINE1").chatJid(ALICE).fromMe(true).senderJid(SELF).build();
    var reaction = new ReactionMessageBuilder().key(key).content("❤️").timestampSeconds(T * 1000).build();
    EngineEvent event = InboundMapper.message(CobaltFixtures.received(ALICE, ALICE, "R9", MessageContainer.of(reaction))).orElseThrow();
    assertEquals("reaction", event.type());
    assertEquals("MINE1", event.data().getString("messageId"));
    assertEquals("❤️", event.data().getString("emoji"));
    assertEquals("R9", event.data().getString("reactionId"));
    assertEquals("15550000002@s.whatsapp.net", event.data().getString("from"));
  }

  @Test
  void echoesStubsEmptyMessagesAreNotEvents() {
    assertTrue(InboundMapper.message(CobaltFixtures.info(ALICE, SELF, "ECHO", MessageContainer.of("typed on the phone"), true)).isEmpty(),
        "our own messages (sent from the phone or by us) are filtered");
    ChatMessageInfo stub = new ChatMessageInfoBuilder()
        .key(new ChatMessageKeyBuilder().id("STUB").chatJid(GROUP).fromMe(false).senderJid(ALICE).build())
        .senderJid(ALICE).message(MessageContainer.empty()).timestampSeconds(T).ignore(true)
        .stubType(ChatMessageInfo.StubType.GROUP_PARTICIPANT_ADD).stubParameters(List.of("{}")).build();
    assertTrue(InboundMapper.message(stub).isEmpty(), "group changes are reported from the notification stanza");
    assertTrue(InboundMapper.message(CobaltFixtures.received(ALICE, ALICE, "E", MessageContainer.empty())).isEmpty());

    var invite = new GroupInviteMessageBuilder().group(GROUP).code("abc").groupName("G").build();
    JsonObject other = message(CobaltFixtures.received(ALICE, ALICE, "INV", MessageContainer.of(invite)));
    assertEquals("unsupported", other.getString("type"));
    assertEquals("GROUP_INVITE", other.getString("contentType"));
  }

  @Test
  void aCallBecomesACallEvent() {
    var call = new CallBuilder().id("CALL1").chatJid(ALICE).callerJid(ALICE.withDevice(2)).video(true)
        .status(CallStatus.RINGING).timestampSeconds(T).offline(false).build();
    EngineEvent event = InboundMapper.call(call);
    assertEquals("call", event.type());
    assertEquals("CALL1", event.data().getString("callId"));
    assertEquals("15550000002@s.whatsapp.net", event.data().getString("from"));
    assertTrue(event.data().getBoolean("video"));
    assertFalse(event.data().getBoolean("rejected"));
    assertEquals(Optional.of(Instant.ofEpochSecond(T).toString()), Optional.ofNullable(event.data().getString("timestamp")));
  }
}
