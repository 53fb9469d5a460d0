package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.node.Node;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Events read straight from WhatsApp's stanzas, where Cobalt 0.0.10's listeners lose information:
 * receipts only reach {@code onMessageStatus} for messages still in memory, group notifications
 * drop the affected participants, and presence needs the chat in the store. Group notifications
 * and these stanzas are not end-to-end encrypted, so they can be read as they arrive.
 */
final class NodeEvents {

  /** Receipt types that are about our own devices or the protocol, not about someone reading. */
  private static final Set<String> IGNORED_RECEIPTS =
      Set.of("read-self", "sender", "retry", "inactive", "hist_sync", "peer_msg", "server-error", "enc_rekey_retry");

  private NodeEvents() {
  }

  /** The API events in one received stanza; {@code self} is this device's account (may be null before login). */
  static List<EngineEvent> of(Node node, Jid self) {
    return switch (node.description()) {
      case "receipt" -> receipts(node, self);
      case "presence" -> presence(node, self).map(List::of).orElse(List.of());
      case "chatstate" -> chatState(node, self).map(List::of).orElse(List.of());
      case "notification" -> "w:gp2".equals(node.attributes().getString("type", null)) ? group(node) : List.of();
      default -> List.of();
    };
  }

  /**
   * The failure a stanza announces, in words, or null: {@code failure} and {@code stream:error}
   * carry the codes that tell a logout (401) from a ban (403).
   */
  static String failureReason(Node node) {
    if (node.hasDescription("failure")) {
      return code(node.attributes().getString("reason", "?"));
    }
    if (node.hasDescription("stream:error")) {
      if (node.hasNode("conflict")) {
        return "another client connected with the same credentials (conflict)";
      }
      String code = node.attributes().getString("code", null);
      return code == null ? null : code(code);
    }
    return null;
  }

  private static String code(String code) {
    return switch (code) {
      case "401" -> "logged out: the device was unlinked from the phone (401)";
      case "403" -> "banned: WhatsApp refused this account (403)";
      case "405" -> "logged out: WhatsApp refused the session (405)";
      case "500" -> "logged out: WhatsApp ended the session (500)";
      case "503" -> "WhatsApp refused the connection (503); repeated, this means the account is blocked";
      case "515" -> "WhatsApp asked for a restart (515)";
      default -> "WhatsApp failure " + code;
    };
  }

  private static List<EngineEvent> receipts(Node node, Jid self) {
    String type = node.attributes().getString("type", null);
    if (type != null && IGNORED_RECEIPTS.contains(type)) {
      return List.of();
    }
    Optional<Jid> from = node.attributes().getOptionalJid("from");
    if (from.isEmpty() || sameUser(from.get(), self)) {
      return List.of();
    }
    Jid by = node.attributes().getOptionalJid("participant").orElse(from.get());
    if (sameUser(by, self)) {
      return List.of();
    }
    String status = type == null ? "DELIVERED" : "read".equals(type) || "played".equals(type) ? "READ" : null;
    if (status == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    Optional.ofNullable(node.attributes().getString("id", null)).ifPresent(ids::add);
    node.findChild("list").ifPresent(list -> list.listChildren("item")
        .forEach(item -> Optional.ofNullable(item.attributes().getString("id", null)).ifPresent(ids::add)));
    String timestamp = timestamp(node);
    List<EngineEvent> events = new ArrayList<>();
    for (String id : ids) {
      events.add(new EngineEvent("receipt", new JsonObject()
          .put("messageId", id).put("status", status).put("by", CobaltJids.format(by))
          .put("chatId", CobaltJids.format(from.get())).put("timestamp", timestamp)));
    }
    return events;
  }

  private static Optional<EngineEvent> presence(Node node, Jid self) {
    Optional<Jid> from = node.attributes().getOptionalJid("from");
    if (from.isEmpty() || sameUser(from.get(), self) || CobaltJids.isGroup(from.get())) {
      return Optional.empty();
    }
    String state = "unavailable".equals(node.attributes().getString("type", null)) ? "unavailable" : "available";
    JsonObject data = new JsonObject().put("chatId", CobaltJids.format(from.get()))
        .put("from", CobaltJids.format(from.get())).put("state", state);
    node.attributes().getOptionalLong("last").ifPresent(last -> data.put("lastSeen", Instant.ofEpochSecond(last).toString()));
    return Optional.of(new EngineEvent("presence_update", data));
  }

  private static Optional<EngineEvent> chatState(Node node, Jid self) {
    Optional<Jid> chat = node.attributes().getOptionalJid("from");
    if (chat.isEmpty()) {
      return Optional.empty();
    }
    Jid from = node.attributes().getOptionalJid("participant").orElse(chat.get());
    if (sameUser(from, self)) {
      return Optional.empty();
    }
    Optional<Node> child = node.findChild();
    if (child.isEmpty()) {
      return Optional.empty();
    }
    String state = switch (child.get().description()) {
      case "composing" -> "audio".equals(child.get().attributes().getString("media", null)) ? "recording" : "composing";
      case "paused" -> "paused";
      default -> null;
    };
    if (state == null) {
      return Optional.empty();
    }
    return Optional.of(new EngineEvent("presence_update", new JsonObject().put("chatId", CobaltJids.format(chat.get()))
        .put("from", CobaltJids.format(from)).put("state", state)));
  }

  /** One {@code w:gp2} notification: who changed what in which group. */
  private static List<EngineEvent> group(Node node) {
    Optional<Jid> group = node.attributes().getOptionalJid("from");
    if (group.isEmpty()) {
      return List.of();
    }
    String groupId = CobaltJids.format(group.get());
    String by = node.attributes().getOptionalJid("participant").map(CobaltJids::format).orElse(null);
    String timestamp = timestamp(node);
    List<EngineEvent> events = new ArrayList<>();
    for (Node change : node.children()) {
      JsonObject data = new JsonObject().put("groupId", groupId).put("by", by).put("timestamp", timestamp);
      switch (change.description()) {
        case "add", "remove", "promote", "demote", "leave" -> {
          String action = "leave".equals(change.description()) ? "remove" : change.description();
          events.add(new EngineEvent("group_participants_update", data.put("action", action).put("participants", participants(change))));
        }
        case "create" -> {
          Node created = change.findChild("group").orElse(change);
          events.add(new EngineEvent("group_update", data.put("action", "create")
              .put("subject", created.attributes().getString("subject", null)).put("participants", participants(created))));
        }
        case "subject" -> events.add(new EngineEvent("group_update", data.put("action", "subject")
            .put("subject", change.attributes().getString("subject", null))));
        case "description" -> events.add(new EngineEvent("group_update", data.put("action", "description")
            .put("description", change.findChild("body").flatMap(Node::contentAsString).orElse(null))));
        case "announcement", "not_announcement" -> events.add(new EngineEvent("group_update", data.put("action", "announce")
            .put("announce", "announcement".equals(change.description()))));
        case "locked", "unlocked" -> events.add(new EngineEvent("group_update", data.put("action", "restrict")
            .put("restrict", "locked".equals(change.description()))));
        case "ephemeral", "not_ephemeral" -> events.add(new EngineEvent("group_update", data.put("action", "ephemeral")
            .put("expirationSeconds", change.attributes().getOptionalLong("expiration").orElse(0L))));
        default -> {
          // Other changes (icon, invite link, membership approval) are not API events.
        }
      }
    }
    return events;
  }

  private static JsonArray participants(Node parent) {
    JsonArray jids = new JsonArray();
    parent.listChildren("participant").forEach(p -> p.attributes().getOptionalJid("jid")
        .ifPresent(j -> jids.add(CobaltJids.format(j))));
    return jids;
  }

  private static boolean sameUser(Jid a, Jid self) {
    return self != null && a != null && a.user() != null && a.user().equals(self.user()) && a.server() == self.server();
  }

  private static String timestamp(Node node) {
    long t = node.attributes().getOptionalLong("t").orElse(System.currentTimeMillis() / 1000);
    return Instant.ofEpochSecond(t).toString();
  }
}
