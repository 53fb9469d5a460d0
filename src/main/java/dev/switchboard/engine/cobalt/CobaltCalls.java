package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.model.chat.Chat;
import it.auties.whatsapp.model.contact.Contact;
import it.auties.whatsapp.model.contact.ContactStatus;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ChatMessageInfoBuilder;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.jid.JidProvider;
import it.auties.whatsapp.model.jid.JidServer;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.MessageStatus;
import it.auties.whatsapp.model.node.Node;
import it.auties.whatsapp.model.privacy.PrivacySettingType;
import it.auties.whatsapp.model.request.MessageRequest;
import it.auties.whatsapp.socket.SocketHandler;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The session's requests as Cobalt calls. Every method runs on the engine's virtual-thread
 * executor (Cobalt's calls can block: write semaphore, media upload, ImageIO) and returns
 * Cobalt's future; the session bounds it and brings the result back to its Vert.x context.
 */
final class CobaltCalls {

  /** Stanzas WhatsApp does not answer (chat states, call rejects) count as sent after this wait. */
  private static final long FIRE_AND_FORGET_MS = 5_000;

  private final Whatsapp wa;
  private final CobaltAccount account;
  private final CobaltGroups groups;
  private final CobaltChannels channels;

  CobaltCalls(Whatsapp wa) {
    this.wa = wa;
    this.account = new CobaltAccount(wa);
    this.groups = new CobaltGroups(wa, this::self);
    this.channels = new CobaltChannels(wa);
  }

  CobaltAccount account() {
    return account;
  }

  CobaltGroups groupSettings() {
    return groups;
  }

  CobaltChannels channels() {
    return channels;
  }

  Jid selfJid() {
    return self();
  }

  Optional<ChatMessageInfo> find(Jid chat, String messageId) {
    return wa.store().findChatByJid(chat).flatMap(c -> wa.store().findMessageById(c, messageId));
  }

  private Jid self() {
    return wa.store().jid().orElseThrow(() -> new EngineException("DEVICE_NOT_CONNECTED", "the device is not linked yet"));
  }

  CompletableFuture<Void> send(OutboundMessage message) {
    if (message.to() != null && message.to().endsWith("@newsletter")) {
      return channels.send(message);
    }
    OutboundMessage out = "poll".equals(message.type()) ? PollVotes.withKey(message, wa.keys().identityKeyPair().privateKey())
        : message;
    ChatMessageInfo info = OutboundMapper.info(out, self(), this::find);
    // compose=false: no typing indicator and one stanza less per message; pacing is the gateway's.
    return wa.sendMessage(info, false).thenApply(sent -> {
      if (sent.status() == MessageStatus.ERROR) {
        throw new EngineException("ENGINE_ERROR", "WhatsApp did not take message " + message.messageId() + " to "
            + message.to() + ": the number may not be on WhatsApp, or the message could not be encrypted or uploaded");
      }
      return null;
    });
  }

  /**
   * Sends the edit through Cobalt's socket handler: only its {@code sendMessage(MessageRequest)} can set
   * the stanza's {@code edit} attribute, and {@code Whatsapp} keeps the handler private (docs/cobalt.md).
   */
  CompletableFuture<Void> edit(String chatId, String messageId, String text) {
    ChatMessageInfo edit = ChangeMapper.edit(self(), CobaltJids.parse(chatId), messageId, text, System.currentTimeMillis());
    return socketHandler().sendMessage(new MessageRequest.Chat(edit, null, false, false, ChangeMapper.EDIT_ATTRIBUTES));
  }

  /** Deletes for everyone: Cobalt's revoke reads only the key, so a stand-in for the sent message serves. */
  CompletableFuture<Void> revoke(String chatId, String messageId) {
    return wa.deleteMessage(ChangeMapper.sent(self(), CobaltJids.parse(chatId), messageId), true);
  }

  private SocketHandler socketHandler() {
    try {
      Field field = Whatsapp.class.getDeclaredField("socketHandler");
      field.setAccessible(true);
      return (SocketHandler) field.get(wa);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new EngineException("NOT_SUPPORTED", "this Cobalt version offers no way to send an edit: " + e);
    }
  }

  CompletableFuture<Void> markRead(String chatId, List<String> messageIds) {
    Jid chat = CobaltJids.parse(chatId);
    if (wa.store().findPrivacySetting(PrivacySettingType.READ_RECEIPTS) == null) {
      // Cobalt picks "read" or "read-self" from this setting, which arrives shortly after login.
      throw new EngineException("UNAVAILABLE", "the account's privacy settings have not arrived yet; try again in a few seconds");
    }
    for (String id : messageIds) {
      ChatMessageInfo info = find(chat, id).orElseGet(() -> new ChatMessageInfoBuilder()
          .key(new ChatMessageKeyBuilder().id(id).chatJid(chat).fromMe(false).senderJid(chat).build())
          .senderJid(chat).status(MessageStatus.DELIVERED).build());
      wa.markMessageRead(info);
    }
    return CompletableFuture.completedFuture(null);
  }

  CompletableFuture<Void> presence(String chatId, String state) {
    Jid chat = chatId == null || chatId.isBlank() ? null : CobaltJids.parse(chatId);
    if (chat != null && !CobaltJids.isGroup(chat)) {
      // Presence updates from a contact arrive only after subscribing to them.
      wa.subscribeToPresence(chat);
    }
    return switch (state == null ? "" : state) {
      case "available" -> wa.changePresence(true);
      case "unavailable" -> wa.changePresence(false);
      case "composing", "recording", "paused" -> {
        if (chat == null) {
          throw new EngineException("VALIDATION_ERROR", state + " needs a chatId");
        }
        yield switch (state) {
          case "composing" -> wa.changePresence(chat, ContactStatus.COMPOSING);
          case "recording" -> wa.changePresence(chat, ContactStatus.RECORDING);
          default -> fire(Node.of("chatstate", Map.of("to", chat), Node.of("paused")));
        };
      }
      default -> throw new EngineException("VALIDATION_ERROR",
          "state is one of composing, recording, paused, available, unavailable");
    };
  }

  CompletableFuture<JsonObject> onWhatsApp(String phone) {
    Jid jid = CobaltJids.parse(phone);
    return wa.hasWhatsapp(jid).thenApply(exists -> new JsonObject().put("exists", Boolean.TRUE.equals(exists))
        .put("jid", Boolean.TRUE.equals(exists) ? CobaltJids.format(jid) : null));
  }

  CompletableFuture<JsonArray> contacts() {
    JsonArray items = new JsonArray();
    for (Contact c : wa.store().contacts()) {
      if (c.jid() != null && c.jid().hasServer(JidServer.whatsapp())) {
        String name = c.chosenName().or(c::fullName).or(c::shortName).orElse(c.name());
        items.add(new JsonObject().put("jid", CobaltJids.format(c.jid())).put("phone", c.jid().user()).put("name", name));
      }
    }
    return CompletableFuture.completedFuture(items);
  }

  /** Cobalt 0.0.10 has no "groups I am in" query; this is the stanza WhatsApp Web sends for it. */
  CompletableFuture<JsonArray> groups() {
    Node query = Node.of("iq", Map.of("to", JidServer.groupOrCommunity().toJid(), "type", "get", "xmlns", "w:g2"),
        Node.of("participating", Node.of("participants"), Node.of("description")));
    return wa.sendNode(query).thenApply(CobaltCalls::participating);
  }

  static JsonArray participating(Node response) {
    JsonArray items = new JsonArray();
    response.findChild("groups").ifPresent(groups -> groups.listChildren("group").forEach(group -> {
      String id = group.attributes().getString("id", null);
      if (id != null) {
        Jid jid = id.contains("@") ? Jid.of(id) : Jid.of(id, JidServer.groupOrCommunity());
        items.add(new JsonObject().put("groupId", CobaltJids.format(jid))
            .put("subject", group.attributes().getString("subject", null))
            .put("participantCount", group.listChildren("participant").size()));
      }
    }));
    return items;
  }

  CompletableFuture<JsonObject> createGroup(String subject, List<String> participants) {
    JidProvider[] members = participants.stream().map(CobaltJids::parse).toArray(JidProvider[]::new);
    if (members.length == 0) {
      throw new EngineException("VALIDATION_ERROR", "a new group needs at least one other participant");
    }
    return wa.createGroup(subject, members).thenApply(created -> created.map(GroupMapper::metadata)
        .orElseThrow(() -> new EngineException("ENGINE_ERROR", "WhatsApp did not create the group")));
  }

  /** Read raw: Cobalt's own query caches the metadata for the life of the instance. */
  CompletableFuture<JsonObject> groupMetadata(String groupId) {
    return groups.metadata(groupId);
  }

  CompletableFuture<JsonArray> updateParticipants(String groupId, String action, List<String> participants) {
    Jid group = group(groupId);
    List<Jid> jids = participants.stream().map(CobaltJids::parse).toList();
    JidProvider[] targets = jids.toArray(JidProvider[]::new);
    CompletableFuture<List<Jid>> applied = switch (action == null ? "" : action) {
      case "add" -> wa.addGroupParticipants(group, targets);
      case "remove" -> wa.removeGroupParticipants(group, targets);
      case "promote" -> wa.promoteGroupParticipants(group, targets);
      case "demote" -> wa.demoteGroupParticipants(group, targets);
      default -> throw new EngineException("VALIDATION_ERROR", "action is add, remove, promote or demote");
    };
    return applied.thenApply(done -> GroupMapper.participantResults(jids, done));
  }

  CompletableFuture<Void> leaveGroup(String groupId) {
    return wa.leaveGroup(group(groupId));
  }

  CompletableFuture<String> inviteCode(String groupId) {
    return wa.queryGroupInviteCode(group(groupId));
  }

  CompletableFuture<JsonObject> joinGroup(String invite) {
    String code = invite == null ? "" : invite.trim();
    int slash = code.lastIndexOf('/');
    code = slash >= 0 ? code.substring(slash + 1) : code;
    if (code.isEmpty()) {
      throw new EngineException("VALIDATION_ERROR", "an invite code is required");
    }
    String finalCode = code;
    return wa.acceptGroupInvite(code).thenCompose(chat -> chat.map(Chat::jid)
        .map(jid -> wa.queryGroupMetadata(jid).thenApply(GroupMapper::metadata))
        .orElseThrow(() -> new EngineException("NOT_FOUND", "no group joined with invite " + finalCode)));
  }

  /** Cobalt's stopCall refuses Web sessions; this is the reject stanza the phone and Baileys send. */
  CompletableFuture<Void> rejectCall(String callId, String callerJid) {
    Jid caller = CobaltJids.parse(callerJid);
    return fire(rejectStanza(self(), callId, caller));
  }

  static Node rejectStanza(Jid self, String callId, Jid caller) {
    return Node.of("call", Map.of("from", self, "to", caller),
        Node.of("reject", Map.of("call-id", callId, "call-creator", caller, "count", "0")));
  }

  private static Jid group(String groupId) {
    return CobaltGroups.group(groupId);
  }

  /** Sends a stanza that may get no answer: a write failure fails, silence is success. */
  private CompletableFuture<Void> fire(Node node) {
    return wa.sendNode(node).<Void>thenApply(answer -> null)
        .completeOnTimeout(null, FIRE_AND_FORGET_MS, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(e -> e instanceof TimeoutException ? CompletableFuture.completedFuture(null)
            : CompletableFuture.failedFuture(e));
  }
}
