package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.ALICE;
import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static dev.switchboard.engine.cobalt.CobaltFixtures.GROUP;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.contact.ContactCard;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ContextInfo;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageStatus;
import it.auties.whatsapp.model.message.standard.AudioMessage;
import it.auties.whatsapp.model.message.standard.ContactMessage;
import it.auties.whatsapp.model.message.standard.ContactsMessage;
import it.auties.whatsapp.model.message.standard.DocumentMessage;
import it.auties.whatsapp.model.message.standard.ImageMessage;
import it.auties.whatsapp.model.message.standard.LocationMessage;
import it.auties.whatsapp.model.message.standard.PollCreationMessage;
import it.auties.whatsapp.model.message.standard.ReactionMessage;
import it.auties.whatsapp.model.message.standard.StickerMessage;
import it.auties.whatsapp.model.message.standard.TextMessage;
import it.auties.whatsapp.model.message.standard.VideoOrGifMessage;
import it.auties.whatsapp.model.poll.PollOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every send type of docs/api.md as a Cobalt message, built from the content fields the gateway hands an
 * engine, and back: the same message arriving at a device maps to the event fields the simulator
 * delivers for it.
 */
class OutboundMapperTest {

  private static final OutboundMapper.Lookup NOTHING = (chat, id) -> Optional.empty();

  private static ChatMessageInfo map(String to, String type, JsonObject content) {
    return OutboundMapper.info(new OutboundMessage("MSGABC123", to, type, content), SELF, NOTHING);
  }

  /** The message as the recipient's device would report it. */
  private static JsonObject asReceived(ChatMessageInfo sent) {
    EngineEvent event = InboundMapper.message(CobaltFixtures.received(sent.chatJid(), SELF, sent.id(), sent.message()))
        .orElseThrow();
    assertEquals("message", event.type());
    return event.data();
  }

  @Test
  void theMessageKeepsTheGatewaysIdAndIsFromThisDevice() {
    ChatMessageInfo info = map("15550000002@s.whatsapp.net", "text", new JsonObject().put("text", "hi"));
    assertEquals("MSGABC123", info.id());
    assertEquals(ALICE, info.chatJid());
    assertTrue(info.fromMe());
    assertEquals(SELF, info.senderJid());
    assertEquals(MessageStatus.PENDING, info.status());
    assertTrue(info.message().deviceInfo().isPresent(), "user chats carry the device list metadata, as Cobalt's own sends");
    assertEquals(GROUP, map("120363025246125486@g.us", "text", new JsonObject().put("text", "hi")).chatJid());
    assertEquals(ALICE, map("+15550000002", "text", new JsonObject().put("text", "hi")).chatJid());

    // An id WhatsApp would not take becomes a stable WhatsApp-style one: a resend is the same message.
    String odd = OutboundMapper.whatsappId("msg_01J-XYZ");
    assertTrue(odd.matches("3EB0[0-9A-F]{18}"), odd);
    assertEquals(odd, OutboundMapper.whatsappId("msg_01J-XYZ"));
    assertNotEquals(odd, OutboundMapper.whatsappId("msg_01J-XYW"));
  }

  @Test
  void textWithMentionsAndAReplyKeepsBoth() {
    ChatMessageInfo quoted = CobaltFixtures.received(GROUP, ALICE, "QUOTED1", MessageContainer.of("original"));
    OutboundMapper.Lookup lookup = (chat, id) -> chat.equals(GROUP) && id.equals("QUOTED1") ? Optional.of(quoted) : Optional.empty();
    JsonObject content = new JsonObject().put("text", "hi @15550000003 שלום 👋").put("replyTo", "QUOTED1")
        .put("mentions", new JsonArray().add("15550000003"));
    ChatMessageInfo info = OutboundMapper.info(new OutboundMessage("M1XXXXXX", GROUP.toString(), "text", content), SELF, lookup);
    TextMessage text = assertInstanceOf(TextMessage.class, info.message().content());
    assertEquals("hi @15550000003 שלום 👋", text.text());
    ContextInfo context = text.contextInfo().orElseThrow();
    assertEquals(List.of(BOB), context.mentions());
    assertEquals(Optional.of("QUOTED1"), context.quotedMessageId());
    assertEquals(Optional.of(ALICE), context.quotedMessageSenderJid());
    assertEquals(Optional.of(GROUP), context.quotedMessageChatJid());
    assertEquals("original", assertInstanceOf(TextMessage.class, context.quotedMessage().orElseThrow().content()).text());

    JsonObject received = asReceived(info);
    assertEquals("text", received.getString("type"));
    assertEquals("hi @15550000003 שלום 👋", received.getString("text"));
    assertEquals("QUOTED1", received.getString("replyTo"));
    assertEquals(new JsonArray().add("15550000003"), received.getJsonArray("mentions"));
    assertTrue(received.getBoolean("isGroup"));
  }

  @Test
  void aReplyToAMessageThisSessionHasNotSeenStillNamesIt() {
    ChatMessageInfo info = map(ALICE.toString(), "text", new JsonObject().put("text", "yes").put("replyTo", "OLD1"));
    ContextInfo context = assertInstanceOf(TextMessage.class, info.message().content()).contextInfo().orElseThrow();
    assertEquals(Optional.of("OLD1"), context.quotedMessageId());
    assertEquals(Optional.of(ALICE), context.quotedMessageSenderJid());
  }

  @Test
  void imageVideoAudioFileAndStickerCarryTheirBytes() {
    byte[] png = CobaltFixtures.png(64);
    String b64 = Base64.getEncoder().encodeToString(png);

    ChatMessageInfo image = map(ALICE.toString(), "image", new JsonObject().put("media", b64).put("mimeType", "image/png").put("caption", "pic"));
    ImageMessage im = assertInstanceOf(ImageMessage.class, image.message().content());
    assertArrayEquals(png, im.decodedMedia().orElseThrow());
    assertEquals(Optional.of("image/png"), im.mimetype());
    assertEquals(Optional.of("pic"), im.caption());
    assertEquals(64, im.width().orElseThrow(), "Cobalt's media code runs (the Aspose stub lets it link)");
    JsonObject imageIn = asReceived(image);
    assertEquals("image", imageIn.getString("type"));
    assertEquals("pic", imageIn.getString("caption"));
    assertEquals("pic", imageIn.getString("text"));
    assertEquals("image/png", imageIn.getString("mimeType"));

    byte[] clip = "not really an mp4".getBytes();
    ChatMessageInfo video = map(ALICE.toString(), "video", new JsonObject().put("media", Base64.getEncoder().encodeToString(clip)).put("caption", "clip"));
    VideoOrGifMessage vm = assertInstanceOf(VideoOrGifMessage.class, video.message().content());
    assertArrayEquals(clip, vm.decodedMedia().orElseThrow());
    assertEquals(Optional.of("video/mp4"), vm.mimetype());
    assertEquals("video", asReceived(video).getString("type"));
    assertEquals("clip", asReceived(video).getString("caption"));

    ChatMessageInfo voice = map(ALICE.toString(), "audio", new JsonObject().put("media", Base64.getEncoder().encodeToString(clip)).put("voice", true));
    AudioMessage am = assertInstanceOf(AudioMessage.class, voice.message().content());
    assertTrue(am.voiceMessage());
    assertEquals(Optional.of("audio/ogg; codecs=opus"), am.mimetype());
    JsonObject voiceIn = asReceived(voice);
    assertEquals("audio", voiceIn.getString("type"));
    assertTrue(voiceIn.getBoolean("voice"));

    ChatMessageInfo file = map(ALICE.toString(), "file", new JsonObject().put("media", Base64.getEncoder().encodeToString(clip))
        .put("fileName", "invoice.pdf").put("mimeType", "application/pdf"));
    DocumentMessage dm = assertInstanceOf(DocumentMessage.class, file.message().content());
    assertEquals(Optional.of("invoice.pdf"), dm.fileName());
    assertEquals(Optional.of("application/pdf"), dm.mimetype());
    assertArrayEquals(clip, dm.decodedMedia().orElseThrow());
    JsonObject fileIn = asReceived(file);
    assertEquals("file", fileIn.getString("type"));
    assertEquals("invoice.pdf", fileIn.getString("fileName"));
    assertEquals(Optional.of("report.bin"), assertInstanceOf(DocumentMessage.class,
        map(ALICE.toString(), "file", new JsonObject().put("media", b64).put("fileName", "report")).message().content()).fileName());

    ChatMessageInfo sticker = map(ALICE.toString(), "sticker", new JsonObject().put("media", b64));
    StickerMessage sm = assertInstanceOf(StickerMessage.class, sticker.message().content());
    assertEquals(Optional.of("image/webp"), sm.mimetype());
    assertEquals("sticker", asReceived(sticker).getString("type"));
  }

  @Test
  void locationContactsAndPolls() {
    ChatMessageInfo location = map(ALICE.toString(), "location", new JsonObject().put("latitude", 32.08).put("longitude", 34.78)
        .put("name", "Office").put("address", "Rothschild 1"));
    LocationMessage lm = assertInstanceOf(LocationMessage.class, location.message().content());
    assertEquals(32.08, lm.latitude());
    assertEquals(34.78, lm.longitude());
    assertEquals(Optional.of("Office"), lm.name());
    JsonObject locationIn = asReceived(location);
    assertEquals("location", locationIn.getString("type"));
    assertEquals(32.08, locationIn.getDouble("latitude"));
    assertEquals("Rothschild 1", locationIn.getString("address"));

    ChatMessageInfo one = map(ALICE.toString(), "contact", new JsonObject().put("contacts",
        new JsonArray().add(new JsonObject().put("name", "John").put("phone", "+972500000000"))));
    ContactMessage cm = assertInstanceOf(ContactMessage.class, one.message().content());
    assertEquals("John", cm.name());
    assertEquals(List.of(Jid.of("972500000000")), assertInstanceOf(ContactCard.Parsed.class, cm.vcard()).phoneNumbers());
    assertEquals(new JsonArray().add(new JsonObject().put("name", "John").put("phone", "972500000000")),
        asReceived(one).getJsonArray("contacts"));

    ChatMessageInfo two = map(ALICE.toString(), "contact", new JsonObject().put("contacts", new JsonArray()
        .add(new JsonObject().put("name", "John").put("phone", "972500000000"))
        .add(new JsonObject().put("name", "Jane").put("phone", "972500000001"))));
    ContactsMessage many = assertInstanceOf(ContactsMessage.class, two.message().content());
    assertEquals(2, many.contacts().size());
    JsonArray contactsIn = asReceived(two).getJsonArray("contacts");
    assertEquals("Jane", contactsIn.getJsonObject(1).getString("name"));
    assertEquals("972500000001", contactsIn.getJsonObject(1).getString("phone"));

    ChatMessageInfo poll = map(GROUP.toString(), "poll", new JsonObject().put("question", "Lunch?")
        .put("options", new JsonArray().add("Pizza").add("Sushi").add("סלט")));
    PollCreationMessage pm = assertInstanceOf(PollCreationMessage.class, poll.message().content());
    assertEquals("Lunch?", pm.title());
    assertEquals(List.of("Pizza", "Sushi", "סלט"), pm.selectableOptions().stream().map(PollOption::name).toList());
    assertEquals(1, pm.selectableOptionsCount(), "one answer unless multiple");
    assertEquals(32, pm.encryptionKey().orElseThrow().length, "votes can be decrypted");
    // Votes name options by SHA-256 of their text: each option must be findable by it.
    assertEquals("Pizza", pm.getSelectableOption(sha256Hex("Pizza")).orElseThrow().name());
    assertEquals("סלט", pm.getSelectableOption(sha256Hex("סלט")).orElseThrow().name());
    JsonObject pollIn = asReceived(poll);
    assertEquals("poll", pollIn.getString("type"));
    assertEquals("Lunch?", pollIn.getString("question"));
    assertEquals(new JsonArray().add("Pizza").add("Sushi").add("סלט"), pollIn.getJsonArray("options"));
    assertFalse(pollIn.getBoolean("multiple"));
    PollCreationMessage multiple = assertInstanceOf(PollCreationMessage.class, map(GROUP.toString(), "poll",
        new JsonObject().put("question", "Q").put("options", new JsonArray().add("a").add("b")).put("multiple", true)).message().content());
    assertEquals(0, multiple.selectableOptionsCount());
  }

  private static String sha256Hex(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void reactionsPointAtTheirTarget() {
    ChatMessageInfo target = CobaltFixtures.received(GROUP, BOB, "TARGET1", MessageContainer.of("hello"));
    OutboundMapper.Lookup lookup = (chat, id) -> id.equals("TARGET1") ? Optional.of(target) : Optional.empty();
    ChatMessageInfo react = OutboundMapper.info(new OutboundMessage("R1XXXXXX", GROUP.toString(), "react",
        new JsonObject().put("messageId", "TARGET1").put("emoji", "👍")), SELF, lookup);
    ReactionMessage rm = assertInstanceOf(ReactionMessage.class, react.message().content());
    assertEquals("TARGET1", rm.key().id());
    assertEquals(GROUP, rm.key().chatJid());
    assertEquals(Optional.of(BOB), rm.key().senderJid());
    assertEquals("👍", rm.content());

    EngineEvent in = InboundMapper.message(CobaltFixtures.received(GROUP, ALICE, react.id(), react.message())).orElseThrow();
    assertEquals("reaction", in.type());
    assertEquals(Map.of("messageId", "TARGET1", "emoji", "👍", "reactionId", "R1XXXXXX", "from", ALICE.toString()),
        Map.of("messageId", in.data().getString("messageId"), "emoji", in.data().getString("emoji"),
            "reactionId", in.data().getString("reactionId"), "from", in.data().getString("from")));

    // In a 1:1 chat an unseen target is taken as the other side's message; an empty emoji removes.
    ReactionMessage removal = assertInstanceOf(ReactionMessage.class, map(ALICE.toString(), "react",
        new JsonObject().put("messageId", "UNSEEN").put("emoji", "")).message().content());
    assertEquals("UNSEEN", removal.key().id());
    assertFalse(removal.key().fromMe());
    assertEquals("", removal.content());
    EngineException unknown = assertThrows(EngineException.class, () -> map(GROUP.toString(), "react",
        new JsonObject().put("messageId", "UNSEEN").put("emoji", "👍")));
    assertEquals("NOT_FOUND", unknown.code());
  }

  @Test
  void badContentIsAValidationError() {
    assertEquals("VALIDATION_ERROR", assertThrows(EngineException.class,
        () -> map(ALICE.toString(), "text", new JsonObject())).code());
    assertEquals("VALIDATION_ERROR", assertThrows(EngineException.class,
        () -> map(ALICE.toString(), "image", new JsonObject().put("media", "%%%"))).code());
    assertEquals("VALIDATION_ERROR", assertThrows(EngineException.class,
        () -> map(ALICE.toString(), "hologram", new JsonObject())).code());
    assertEquals("VALIDATION_ERROR", assertThrows(EngineException.class,
        () -> map(ALICE.toString(), "poll", new JsonObject().put("question", "Q").put("options", new JsonArray().add("one")))).code());
    assertEquals("VALIDATION_ERROR", assertThrows(EngineException.class,
        () -> map("not a jid", "text", new JsonObject().put("text", "x"))).code());
  }
}
