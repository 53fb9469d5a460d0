package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.jid.JidServer;
import it.auties.whatsapp.model.node.Node;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The group stanzas the Cobalt adapter sends itself (w:g2 iqs) and what it reads from the answers.
 * Cobalt 0.0.10 caches a group's metadata for the life of the instance and reads the announce and
 * locked flags from the wrong children, so metadata comes from a raw {@code <query>}; it completes
 * every iq normally, {@code type="error"} included, so each answer is checked here.
 */
final class GroupNodes {

  /** The error codes WhatsApp answers an invite lookup with when the code is unknown, invalid or revoked. */
  private static final Set<String> NO_SUCH_INVITE = Set.of("401", "404", "406", "410");

  private GroupNodes() {
  }

  static Node metadataQuery(Jid group) {
    return iq(group, "get", Node.of("query", Map.of("request", "interactive")));
  }

  static Node inviteQuery(Jid group) {
    return iq(group, "get", Node.of("invite"));
  }

  /** The code of an invite answer. */
  static String inviteCode(Node reply, String groupId) {
    check(reply, "reading the invite code of " + groupId);
    return reply.findChild("invite").map(i -> i.attributes().getString("code", null)).filter(c -> !c.isEmpty())
        .orElseThrow(() -> new EngineException("ENGINE_ERROR", "WhatsApp's answer has no invite code for " + groupId));
  }

  /**
   * Whether {@code self} administers the group, by phone number or, in a group that lists members by
   * LID, by their {@code phone_number}; null when the member list does not say.
   */
  static Boolean isAdmin(Node group, Jid self) {
    for (Node p : group.listChildren("participant")) {
      boolean me = p.attributes().getOptionalJid("jid").map(j -> j.user().equals(self.user())).orElse(false)
          || p.attributes().getOptionalJid("phone_number").map(j -> j.user().equals(self.user())).orElse(false);
      if (me) {
        return admin(p);
      }
    }
    return null;
  }

  static Node previewQuery(String code) {
    return iq(JidServer.groupOrCommunity().toJid(), "get", Node.of("invite", Map.of("code", code)));
  }

  /**
   * Sets or removes ({@code description} empty) the description. WhatsApp takes the change only with
   * {@code prev}, the id of the description it replaces, which is why a fresh id is passed in.
   */
  static Node descriptionChange(Jid group, String description, String previousId, String newId) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    Node body = null;
    if (description == null || description.isEmpty()) {
      attributes.put("delete", "true");
    } else {
      attributes.put("id", newId);
      body = Node.of("body", description.getBytes(StandardCharsets.UTF_8));
    }
    if (previousId != null) {
      attributes.put("prev", previousId);
    }
    return iq(group, "set", body == null ? Node.of("description", attributes) : Node.of("description", attributes, body));
  }

  private static Node iq(Jid to, String type, Node child) {
    return Node.of("iq", Map.of("to", to, "type", type, "xmlns", "w:g2"), child);
  }

  /** The {@code <group>} of a metadata answer; fails as WhatsApp refused (not a member: NOT_FOUND). */
  static Node group(Node reply, String groupId) {
    check(reply, "reading group " + groupId);
    return reply.hasDescription("group") ? reply : reply.findChild("group")
        .orElseThrow(() -> new EngineException("ENGINE_ERROR", "WhatsApp's answer about " + groupId + " has no group"));
  }

  /** The metadata in the shape of {@code EngineSession#groupMetadata}, settings and description included. */
  static JsonObject metadata(Node group) {
    JsonArray participants = new JsonArray();
    JsonArray admins = new JsonArray();
    for (Node p : group.listChildren("participant")) {
      if (p.attributes().hasKey("error") || p.attributes().getOptionalJid("jid").isEmpty()) {
        continue;
      }
      Jid jid = p.attributes().getRequiredJid("jid");
      boolean admin = admin(p);
      String formatted = CobaltJids.format(jid);
      participants.add(new JsonObject().put("jid", formatted).put("phone", CobaltJids.phone(jid)).put("admin", admin));
      if (admin) {
        admins.add(formatted);
      }
    }
    return new JsonObject()
        .put("groupId", CobaltJids.format(groupJid(group)))
        .put("subject", group.attributes().getString("subject", null))
        .put("owner", group.attributes().getOptionalJid("creator").map(CobaltJids::format).orElse(null))
        .put("participants", participants)
        .put("admins", admins)
        .put("participantCount", participants.size())
        .put("description", description(group))
        .put("announce", group.hasNode("announcement"))
        .put("locked", group.hasNode("locked"));
  }

  /** The id of the current description, which the next change names as {@code prev}; null when there is none. */
  static String descriptionId(Node group) {
    return group.findChild("description").flatMap(d -> d.attributes().getOptionalString("id")).orElse(null);
  }

  /** What an invite shows: {@code {"groupId","subject","participantCount","description"?}}; NOT_FOUND for a dead code. */
  static JsonObject preview(Node reply, String code) {
    String error = errorCode(reply);
    if (error != null && NO_SUCH_INVITE.contains(error)) {
      throw new EngineException("NOT_FOUND", "no group has invite code " + code + " (unknown or revoked; WhatsApp said "
          + error + ")");
    }
    check(reply, "previewing invite " + code);
    Node group = reply.findChild("group")
        .orElseThrow(() -> new EngineException("ENGINE_ERROR", "WhatsApp's invite answer has no group"));
    int size = group.attributes().getOptionalInt("size").orElse(group.listChildren("participant").size());
    JsonObject out = new JsonObject().put("groupId", CobaltJids.format(groupJid(group)))
        .put("subject", group.attributes().getString("subject", null)).put("participantCount", size);
    String description = description(group);
    if (description != null) {
      out.put("description", description);
    }
    return out;
  }

  /** Fails with WhatsApp's refusal when the iq answer is an error: 401/403 not an admin, 404 not found. */
  static void check(Node reply, String what) {
    String code = errorCode(reply);
    if (code == null) {
      return;
    }
    String text = reply.findChild("error").map(e -> e.attributes().getString("text", "")).orElse("");
    String reason = "WhatsApp refused " + what + ": " + code + (text.isEmpty() ? "" : " " + text);
    throw switch (code) {
      case "401", "403" -> new EngineException("NOT_GROUP_ADMIN", reason);
      case "404", "406" -> new EngineException("NOT_FOUND", reason);
      case "400" -> new EngineException("VALIDATION_ERROR", reason);
      default -> new EngineException("ENGINE_ERROR", reason);
    };
  }

  /** The error code of an {@code iq type="error"} answer, or null when it is not one. */
  static String errorCode(Node reply) {
    if (reply == null) {
      throw new EngineException("ENGINE_ERROR", "WhatsApp gave no answer");
    }
    if (!"error".equals(reply.attributes().getString("type", null))) {
      return null;
    }
    return reply.findChild("error").map(e -> e.attributes().getString("code", "500")).orElse("500");
  }

  /** WhatsApp's participant types: {@code admin}, {@code superadmin} (the creator), none for a member. */
  private static boolean admin(Node participant) {
    String type = participant.attributes().getString("type", null);
    return "admin".equals(type) || "superadmin".equals(type);
  }

  private static String description(Node group) {
    return group.findChild("description").flatMap(d -> d.findChild("body")).flatMap(Node::contentAsString).orElse(null);
  }

  private static Jid groupJid(Node group) {
    String id = group.attributes().getString("id", null);
    if (id == null) {
      throw new EngineException("ENGINE_ERROR", "WhatsApp's group has no id");
    }
    return id.contains("@") ? Jid.of(id) : Jid.of(id, JidServer.groupOrCommunity());
  }
}
