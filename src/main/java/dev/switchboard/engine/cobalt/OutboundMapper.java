package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.contact.ContactCard;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ChatMessageInfoBuilder;
import it.auties.whatsapp.model.info.ContextInfo;
import it.auties.whatsapp.model.info.ContextInfoBuilder;
import it.auties.whatsapp.model.info.DeviceContextInfoBuilder;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.jid.JidServer;
import it.auties.whatsapp.model.sync.DeviceListMetadataBuilder;
import it.auties.whatsapp.model.message.model.ChatMessageKey;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.Message;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageStatus;
import it.auties.whatsapp.model.message.standard.AudioMessageSimpleBuilder;
import it.auties.whatsapp.model.message.standard.ContactMessage;
import it.auties.whatsapp.model.message.standard.ContactMessageBuilder;
import it.auties.whatsapp.model.message.standard.ContactsMessageBuilder;
import it.auties.whatsapp.model.message.standard.DocumentMessageSimpleBuilder;
import it.auties.whatsapp.model.message.standard.ImageMessageBuilder;
import it.auties.whatsapp.model.message.standard.ImageMessageSimpleBuilder;
import it.auties.whatsapp.model.message.standard.LocationMessageBuilder;
import it.auties.whatsapp.model.message.standard.PollCreationMessage;
import it.auties.whatsapp.model.message.standard.PollCreationMessageBuilder;
import it.auties.whatsapp.model.message.standard.ReactionMessageBuilder;
import it.auties.whatsapp.model.message.standard.SimpleStickerMessageBuilder;
import it.auties.whatsapp.model.message.standard.TextMessageBuilder;
import it.auties.whatsapp.model.message.standard.VideoMessageSimpleBuilder;
import it.auties.whatsapp.model.message.standard.VideoOrGifMessageBuilder;
import it.auties.whatsapp.model.poll.PollOption;
import it.auties.whatsapp.model.poll.PollOptionBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * An {@link OutboundMessage} (the API's fields, as {@code SimulatorSession} sends them) as a Cobalt
 * message, built with Cobalt's own builders. Pure: what it needs from the session comes in as
 * arguments, so every type is testable without WhatsApp.
 */
final class OutboundMapper {

  /** The session's memory of messages it has seen, for replies and reactions. */
  interface Lookup {
    Optional<ChatMessageInfo> find(Jid chat, String messageId);
  }

  static final int MAX_MEDIA_BYTES = 100 * 1024 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private OutboundMapper() {
  }

  /** The message info Cobalt sends: our id (so a resend is the same message), our jid as sender. */
  static ChatMessageInfo info(OutboundMessage out, Jid self, Lookup lookup) {
    Jid chat = CobaltJids.parse(out.to());
    ChatMessageKey key = new ChatMessageKeyBuilder().id(whatsappId(out.messageId())).chatJid(chat).fromMe(true)
        .senderJid(self).build();
    long now = System.currentTimeMillis() / 1000;
    MessageContainer message = container(out.type(), out.content() == null ? new JsonObject() : out.content(), chat, lookup);
    if (chat.hasServer(JidServer.whatsapp())) {
      // As Cobalt's own sendChatMessage does for a user chat.
      message = message.withDeviceInfo(new DeviceContextInfoBuilder().deviceListMetadataVersion(2)
          .deviceListMetadata(new DeviceListMetadataBuilder().senderTimestamp(now).build()).build());
    }
    return new ChatMessageInfoBuilder().key(key).senderJid(self).status(MessageStatus.PENDING).message(message)
        .timestampSeconds(now).build();
  }

  /**
   * WhatsApp message ids are short alphanumeric strings; the gateway's id is used as is when it is
   * one, so receipts and reactions come back under it. Anything else is hashed to a stable id.
   */
  static String whatsappId(String messageId) {
    if (messageId != null && messageId.matches("[A-Za-z0-9]{6,48}")) {
      return messageId;
    }
    String seed = messageId == null ? Long.toString(RANDOM.nextLong()) : messageId;
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      return "3EB0" + HexFormat.of().withUpperCase().formatHex(hash, 0, 9);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static MessageContainer container(String type, JsonObject c, Jid chat, Lookup lookup) {
    if ("react".equals(type)) {
      return MessageContainer.of(reaction(c, chat, lookup));
    }
    ContextInfo context = context(c, chat, lookup);
    if (Boolean.TRUE.equals(c.getValue("viewOnce"))) {
      return viewOnce(type, c, context);
    }
    Message message = switch (type == null ? "" : type) {
      case "text" -> new TextMessageBuilder().text(required(c, "text")).contextInfo(context).build();
      case "image" -> new ImageMessageSimpleBuilder().media(media(c)).mimeType(c.getString("mimeType", "image/jpeg"))
          .caption(c.getString("caption")).contextInfo(context).build();
      case "video" -> new VideoMessageSimpleBuilder().media(media(c)).mimeType(c.getString("mimeType", "video/mp4"))
          .caption(c.getString("caption")).contextInfo(context).build();
      case "audio" -> {
        boolean voice = Boolean.TRUE.equals(c.getValue("voice"));
        // Voice notes play only as OGG/Opus; the phone shows any other audio as a file to play.
        String mime = c.getString("mimeType", voice ? "audio/ogg; codecs=opus" : "audio/mpeg");
        yield new AudioMessageSimpleBuilder().media(media(c)).mimeType(mime).voiceMessage(voice).contextInfo(context).build();
      }
      case "file" -> new DocumentMessageSimpleBuilder().media(media(c)).fileName(fileName(c))
          .mimeType(c.getString("mimeType", "application/octet-stream"))
          // Cobalt 0.0.10 has no document caption; the title is the closest field WhatsApp shows.
          .title(c.getString("caption", fileName(c))).pageCount(1).contextInfo(context).build();
      case "sticker" -> new SimpleStickerMessageBuilder().media(media(c)).mimeType(c.getString("mimeType", "image/webp"))
          .contextInfo(context).build();
      case "location" -> new LocationMessageBuilder().latitude(number(c, "latitude")).longitude(number(c, "longitude"))
          .name(c.getString("name")).address(c.getString("address")).contextInfo(context).build();
      case "contact" -> contacts(c, context);
      case "poll" -> poll(c, context);
      default -> throw new EngineException("VALIDATION_ERROR", "unknown message type: " + type);
    };
    return MessageContainer.of(message);
  }

  /**
   * A view-once image or video: the full builders (the simple ones have no view-once flag), no
   * thumbnail (a phone shows none for view-once media), in the view-once container WhatsApp uses.
   * Cobalt 0.0.10's audio message has no view-once field at all.
   */
  private static MessageContainer viewOnce(String type, JsonObject c, ContextInfo context) {
    Message message = switch (type == null ? "" : type) {
      case "image" -> new ImageMessageBuilder().mimetype(c.getString("mimeType", "image/jpeg")).caption(c.getString("caption"))
          .contextInfo(context).viewOnce(true).build().setDecodedMedia(media(c));
      case "video" -> new VideoOrGifMessageBuilder().mimetype(c.getString("mimeType", "video/mp4"))
          .caption(c.getString("caption")).contextInfo(context).viewOnce(true).build().setDecodedMedia(media(c));
      case "audio" -> throw new EngineException("NOT_SUPPORTED", "view-once audio cannot be sent with Cobalt 0.0.10:"
          + " its audio message has no view-once field");
      default -> throw new EngineException("VALIDATION_ERROR", "viewOnce is for image, video and audio");
    };
    return MessageContainer.ofViewOnceV2(message);
  }

  /** Reply and mentions together; Cobalt's reply overloads would drop the mentions. */
  private static ContextInfo context(JsonObject c, Jid chat, Lookup lookup) {
    String replyTo = c.getString("replyTo");
    JsonArray mentions = c.getJsonArray("mentions");
    if (replyTo == null && (mentions == null || mentions.isEmpty())) {
      return null;
    }
    ContextInfoBuilder b = new ContextInfoBuilder();
    if (mentions != null && !mentions.isEmpty()) {
      List<Jid> jids = new ArrayList<>();
      mentions.forEach(m -> jids.add(CobaltJids.parse(String.valueOf(m))));
      b.mentions(jids);
    }
    if (replyTo != null) {
      b.quotedMessageId(replyTo).quotedMessageChatJid(chat);
      Optional<ChatMessageInfo> quoted = lookup.find(chat, replyTo);
      if (quoted.isPresent()) {
        b.quotedMessageSenderJid(quoted.get().senderJid()).quotedMessage(quoted.get().message());
      } else if (!CobaltJids.isGroup(chat)) {
        // Not seen since this session started: in a 1:1 chat the quoted author is the other side.
        b.quotedMessageSenderJid(chat);
      }
    }
    return b.build();
  }

  private static Message reaction(JsonObject c, Jid chat, Lookup lookup) {
    String target = required(c, "messageId");
    ChatMessageKey key = lookup.find(chat, target).map(ChatMessageInfo::key).orElseGet(() -> {
      if (CobaltJids.isGroup(chat)) {
        throw new EngineException("NOT_FOUND", "message " + target + " is not known to this session;"
            + " in a group a reaction needs the original message (seen since the device last connected)");
      }
      return new ChatMessageKeyBuilder().id(target).chatJid(chat).fromMe(false).build();
    });
    // An empty emoji removes the reaction, as on the phone.
    return new ReactionMessageBuilder().key(key).content(c.getString("emoji", ""))
        .timestampSeconds(System.currentTimeMillis()).build();
  }

  private static Message contacts(JsonObject c, ContextInfo context) {
    JsonArray list = c.getJsonArray("contacts");
    if (list == null || list.isEmpty()) {
      throw new EngineException("VALIDATION_ERROR", "contacts must not be empty");
    }
    List<ContactMessage> cards = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof JsonObject contact)) {
        throw new EngineException("VALIDATION_ERROR", "each contact is {name, phone}");
      }
      String name = required(contact, "name");
      cards.add(new ContactMessageBuilder().name(name)
          .vcard(ContactCard.of(name, CobaltJids.parse(required(contact, "phone")))).contextInfo(context).build());
    }
    if (cards.size() == 1) {
      return cards.getFirst();
    }
    return new ContactsMessageBuilder().name(cards.size() + " contacts").contacts(cards).contextInfo(context).build();
  }

  /** As Cobalt's simple builder, plus the choice WhatsApp calls selectableOptionsCount: 1 = one answer, 0 = any. */
  private static Message poll(JsonObject c, ContextInfo context) {
    String question = required(c, "question");
    JsonArray options = c.getJsonArray("options");
    if (options == null || options.size() < 2 || options.size() > 12) {
      throw new EngineException("VALIDATION_ERROR", "a poll has 2..12 options");
    }
    List<PollOption> pollOptions = new ArrayList<>();
    options.forEach(o -> pollOptions.add(new PollOptionBuilder().name(String.valueOf(o)).build()));
    // The session derives the key from the poll's id (PollVotes.key), so votes decrypt after a restart too.
    byte[] key = c.getValue("pollKey") instanceof String given ? Base64.getDecoder().decode(given) : new byte[32];
    if (!(c.getValue("pollKey") instanceof String)) {
      RANDOM.nextBytes(key);
    }
    boolean multiple = Boolean.TRUE.equals(c.getValue("multiple"));
    PollCreationMessage poll = new PollCreationMessageBuilder().encryptionKey(key).title(question)
        .selectableOptions(pollOptions).selectableOptionsCount(multiple ? 0 : 1).contextInfo(context).build();
    for (PollOption option : poll.selectableOptions()) {
      poll.addSelectableOption(sha256Hex(option.name()), option);
    }
    return poll;
  }

  private static byte[] media(JsonObject c) {
    String media = c.getString("media");
    if (media == null || media.isEmpty()) {
      throw new EngineException("VALIDATION_ERROR", "media bytes are required (base64 'media')");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(media);
    } catch (IllegalArgumentException e) {
      throw new EngineException("VALIDATION_ERROR", "media must be base64");
    }
    if (bytes.length == 0 || bytes.length > MAX_MEDIA_BYTES) {
      throw new EngineException("VALIDATION_ERROR", "media must be 1 byte to " + MAX_MEDIA_BYTES / (1024 * 1024) + " MiB");
    }
    return bytes;
  }

  /** WhatsApp needs an extension to show a document; a name without one gets {@code .bin}. */
  private static String fileName(JsonObject c) {
    String name = c.getString("fileName");
    if (name == null || name.isBlank()) {
      return "file.bin";
    }
    return name.lastIndexOf('.') > 0 ? name : name + ".bin";
  }

  private static String required(JsonObject c, String field) {
    Object v = c.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new EngineException("VALIDATION_ERROR", field + " is required");
    }
    return s;
  }

  private static double number(JsonObject c, String field) {
    if (!(c.getValue(field) instanceof Number n)) {
      throw new EngineException("VALIDATION_ERROR", field + " must be a number");
    }
    return n.doubleValue();
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
