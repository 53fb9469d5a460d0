package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.call.Call;
import it.auties.whatsapp.model.contact.ContactCard;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ContextInfo;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.model.ContextualMessage;
import it.auties.whatsapp.model.message.model.MediaMessage;
import it.auties.whatsapp.model.message.model.Message;
import it.auties.whatsapp.model.message.standard.AudioMessage;
import it.auties.whatsapp.model.message.standard.ContactMessage;
import it.auties.whatsapp.model.message.standard.ContactsMessage;
import it.auties.whatsapp.model.message.standard.DocumentMessage;
import it.auties.whatsapp.model.message.standard.EmptyMessage;
import it.auties.whatsapp.model.message.standard.ImageMessage;
import it.auties.whatsapp.model.message.standard.LiveLocationMessage;
import it.auties.whatsapp.model.message.standard.LocationMessage;
import it.auties.whatsapp.model.message.standard.PollCreationMessage;
import it.auties.whatsapp.model.message.standard.PollUpdateMessage;
import it.auties.whatsapp.model.message.standard.ReactionMessage;
import it.auties.whatsapp.model.message.standard.StickerMessage;
import it.auties.whatsapp.model.message.standard.TextMessage;
import it.auties.whatsapp.model.message.standard.VideoOrGifMessage;
import it.auties.whatsapp.model.poll.PollOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cobalt's inbound messages and calls as the API's events, with the fields {@code SimulatorSession}
 * delivers for each type. Media bytes are not fetched here: {@link #media} names the part to
 * download and the session adds {@code media} (base64) once it has the bytes.
 */
final class InboundMapper {

  private static final Pattern WAID = Pattern.compile("waid=([0-9]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern TEL = Pattern.compile("^TEL[^:]*:(.+)$", Pattern.MULTILINE);

  private InboundMapper() {
  }

  /**
   * The event for a new message, or empty for what the API does not report: our own messages
   * (echoes of what this or another of our devices sent), group stubs (reported from the
   * notification stanza instead), protocol messages, poll votes and empty (undecryptable) ones.
   */
  static Optional<EngineEvent> message(ChatMessageInfo info) {
    if (info.fromMe() || info.stubType().isPresent()) {
      return Optional.empty();
    }
    Message content = info.message().unbox().content();
    if (content instanceof ReactionMessage reaction) {
      return Optional.of(new EngineEvent("reaction", reaction(info, reaction)));
    }
    if (info.ignore() || content == null || content instanceof EmptyMessage || content instanceof PollUpdateMessage
        || content.type() == Message.Type.PROTOCOL || content.category() == Message.Category.SERVER) {
      return Optional.empty();
    }
    Jid chat = info.chatJid();
    JsonObject data = new JsonObject()
        .put("messageId", info.id())
        .put("chatId", CobaltJids.format(chat))
        .put("from", CobaltJids.format(sender(info)))
        .put("isGroup", CobaltJids.isGroup(chat))
        .put("timestamp", timestamp(info));
    info.pushName().ifPresent(name -> data.put("pushName", name));
    fill(content, data);
    if (content instanceof ContextualMessage<?> contextual) {
      contextual.contextInfo().ifPresent(context -> context(context, data));
    }
    return Optional.of(new EngineEvent("message", data));
  }

  /** The media part of a message, when it carries one to download. */
  static Optional<MediaMessage<?>> media(ChatMessageInfo info) {
    return info.message().unbox().content() instanceof MediaMessage<?> media ? Optional.of(media) : Optional.empty();
  }

  static EngineEvent call(Call call) {
    JsonObject data = new JsonObject()
        .put("callId", call.id())
        .put("from", CobaltJids.format(call.callerJid()))
        .put("chatId", CobaltJids.format(call.chatJid()))
        .put("video", call.video())
        .put("rejected", false)
        .put("offline", call.offline())
        .put("timestamp", Instant.ofEpochSecond(call.timestampSeconds()).toString());
    return new EngineEvent("call", data);
  }

  private static JsonObject reaction(ChatMessageInfo info, ReactionMessage reaction) {
    Jid chat = info.chatJid();
    return new JsonObject()
        .put("messageId", reaction.key().id())
        .put("chatId", CobaltJids.format(chat))
        .put("from", CobaltJids.format(sender(info)))
        .put("emoji", reaction.content() == null ? "" : reaction.content())
        .put("reactionId", info.id())
        .put("isGroup", CobaltJids.isGroup(chat))
        .put("timestamp", timestamp(info));
  }

  private static void fill(Message content, JsonObject data) {
    switch (content) {
      case TextMessage m -> data.put("type", "text").put("text", m.text());
      case ImageMessage m -> mediaFields(viewOnce(data.put("type", "image"), m.viewOnce()), m.mimetype(), m.caption());
      case VideoOrGifMessage m -> mediaFields(viewOnce(data.put("type", "video"), m.viewOnce()), m.mimetype(), m.caption());
      case AudioMessage m -> mediaFields(data.put("type", "audio").put("voice", m.voiceMessage()), m.mimetype(), Optional.empty());
      case StickerMessage m -> mediaFields(data.put("type", "sticker"), m.mimetype(), Optional.empty());
      case DocumentMessage m -> {
        mediaFields(data.put("type", "file"), m.mimetype(), m.caption());
        data.put("fileName", m.fileName().or(m::title).orElse("file"));
      }
      case LocationMessage m -> location(data, m.latitude(), m.longitude(), m.name(), m.address());
      case LiveLocationMessage m -> location(data, m.latitude(), m.longitude(), Optional.empty(), Optional.empty());
      case ContactMessage m -> data.put("type", "contact").put("contacts", new JsonArray().add(contact(m)));
      case ContactsMessage m -> {
        JsonArray contacts = new JsonArray();
        m.contacts().forEach(c -> contacts.add(contact(c)));
        data.put("type", "contact").put("contacts", contacts);
      }
      case PollCreationMessage m -> {
        JsonArray options = new JsonArray();
        m.selectableOptions().stream().map(PollOption::name).forEach(options::add);
        data.put("type", "poll").put("question", m.title()).put("options", options)
            .put("multiple", m.selectableOptionsCount() != 1).put("text", m.title());
      }
      default -> data.put("type", "unsupported").put("contentType", content.type().name());
    }
    if (!data.containsKey("text")) {
      data.put("text", data.getString("caption"));
    }
  }

  private static void mediaFields(JsonObject data, Optional<String> mime, Optional<String> caption) {
    mime.ifPresent(m -> data.put("mimeType", m));
    caption.ifPresent(c -> data.put("caption", c));
  }

  private static void location(JsonObject data, double latitude, double longitude, Optional<String> name,
      Optional<String> address) {
    data.put("type", "location").put("latitude", latitude).put("longitude", longitude);
    name.ifPresent(n -> data.put("name", n));
    address.ifPresent(a -> data.put("address", a));
  }

  static JsonObject contact(ContactMessage m) {
    JsonObject out = new JsonObject().put("name", m.name());
    ContactCard card = m.vcard();
    String phone = null;
    if (card instanceof ContactCard.Parsed parsed) {
      List<Jid> numbers = parsed.phoneNumbers();
      phone = numbers.isEmpty() ? null : numbers.getFirst().user();
      if (m.name() == null) {
        parsed.name().ifPresent(n -> out.put("name", n));
      }
    }
    if (phone == null && card != null) {
      String vcard = card.toVcard();
      Matcher waid = WAID.matcher(vcard);
      Matcher tel = TEL.matcher(vcard);
      phone = waid.find() ? waid.group(1) : tel.find() ? tel.group(1).replaceAll("[^0-9]", "") : null;
    }
    return out.put("phone", phone);
  }

  private static void context(ContextInfo context, JsonObject data) {
    context.quotedMessageId().ifPresent(id -> data.put("replyTo", id));
    if (!context.mentions().isEmpty()) {
      JsonArray mentions = new JsonArray();
      context.mentions().forEach(j -> mentions.add(CobaltJids.phone(j)));
      data.put("mentions", mentions);
    }
  }

  private static JsonObject viewOnce(JsonObject data, boolean viewOnce) {
    return viewOnce ? data.put("viewOnce", true) : data;
  }

  private static Jid sender(ChatMessageInfo info) {
    Jid sender = info.senderJid();
    return sender != null ? sender : info.chatJid();
  }

  private static String timestamp(ChatMessageInfo info) {
    return Instant.ofEpochSecond(info.timestampSeconds().orElse(System.currentTimeMillis() / 1000)).toString();
  }
}
