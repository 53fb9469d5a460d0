package dev.switchboard.engine.cobalt;

import it.auties.whatsapp.api.ClientType;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ChatMessageInfoBuilder;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.model.ChatMessageKey;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageStatus;
import it.auties.whatsapp.model.message.server.ProtocolMessage;
import it.auties.whatsapp.model.message.server.ProtocolMessageBuilder;
import it.auties.whatsapp.model.message.standard.TextMessageBuilder;
import dev.switchboard.engine.EngineEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Edits and revokes of messages this device sent, as Cobalt messages. Pure, so each is testable
 * without WhatsApp. Cobalt 0.0.10's own {@code editMessage} sends the format WhatsApp dropped (an
 * {@code editedMessage} with the original id); phones expect what WhatsApp Web sends: a new message
 * holding a {@code ProtocolMessage} of type {@code MESSAGE_EDIT} that names the original by its key,
 * in a stanza with {@code edit="1"}.
 */
final class ChangeMapper {

  /** The stanza attribute of an edit (WhatsApp Web's value for "sender edit"). */
  static final Map<String, Object> EDIT_ATTRIBUTES = Map.of("edit", 1);

  private ChangeMapper() {
  }

  /** The key of a message this device sent, as the gateway's id became a WhatsApp id when it was sent. */
  static ChatMessageKey ownKey(Jid self, Jid chat, String messageId) {
    return new ChatMessageKeyBuilder().id(OutboundMapper.whatsappId(messageId)).chatJid(chat).fromMe(true)
        .senderJid(self).build();
  }

  /** A stand-in for the sent message, enough for Cobalt's {@code deleteMessage}: it reads only the key and sender. */
  static ChatMessageInfo sent(Jid self, Jid chat, String messageId) {
    return new ChatMessageInfoBuilder().key(ownKey(self, chat, messageId)).senderJid(self).status(MessageStatus.SERVER_ACK)
        .build();
  }

  /**
   * Someone else deleted a message for everyone: Cobalt reports it only while the original is in its
   * memory (messages of the last day, since the session started), with the original's info.
   */
  static Optional<EngineEvent> revoked(ChatMessageInfo original, boolean everyone) {
    if (!everyone || original.fromMe()) {
      return Optional.empty();
    }
    Jid sender = original.senderJid() != null ? original.senderJid() : original.chatJid();
    return Optional.of(new EngineEvent("message_revoked", new JsonObject().put("messageId", original.id())
        .put("chatId", CobaltJids.format(original.chatJid())).put("from", CobaltJids.format(sender))
        .put("isGroup", CobaltJids.isGroup(original.chatJid())).put("timestamp", Instant.now().toString())));
  }

  /** The edit as WhatsApp Web sends it: a new message (new id) whose protocol message carries the new text. */
  static ChatMessageInfo edit(Jid self, Jid chat, String messageId, String text, long nowMillis) {
    ProtocolMessage edit = new ProtocolMessageBuilder()
        .protocolType(ProtocolMessage.Type.MESSAGE_EDIT)
        .key(ownKey(self, chat, messageId))
        .editedMessage(MessageContainer.of(new TextMessageBuilder().text(text).build()))
        .timestampMilliseconds(nowMillis)
        .build();
    ChatMessageKey key = new ChatMessageKeyBuilder().id(ChatMessageKey.randomId(ClientType.WEB)).chatJid(chat).fromMe(true)
        .senderJid(self).build();
    return new ChatMessageInfoBuilder().key(key).senderJid(self).status(MessageStatus.PENDING)
        .message(MessageContainer.of(edit)).timestampSeconds(nowMillis / 1000).build();
  }
}
