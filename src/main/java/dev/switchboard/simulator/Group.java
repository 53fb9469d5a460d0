package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A group chat: members and admins by phone number, in joining order, and its settings as WhatsApp
 * keeps them: {@code announce} (only admins send) and {@code locked} (only admins edit the subject,
 * description and settings).
 */
final class Group {

  final String id;
  final String owner;
  String subject;
  String description;
  boolean announce;
  boolean locked;
  String inviteCode;
  final Set<String> participants = new LinkedHashSet<>();
  final Set<String> admins = new LinkedHashSet<>();

  Group(String id, String owner, String subject) {
    this.id = id;
    this.owner = owner;
    this.subject = subject;
  }

  boolean isMember(String phone) {
    return participants.contains(phone);
  }

  boolean isAdmin(String phone) {
    return admins.contains(phone);
  }

  /** {@code {"groupId","subject","owner","participants":[{"jid","admin"}],"admins":[...]}}, JIDs throughout. */
  JsonObject metadata() {
    JsonArray members = new JsonArray();
    for (String p : participants) {
      members.add(new JsonObject().put("jid", Jids.user(p)).put("phone", p).put("admin", isAdmin(p)));
    }
    JsonArray adminJids = new JsonArray();
    admins.forEach(a -> adminJids.add(Jids.user(a)));
    return new JsonObject()
        .put("groupId", id)
        .put("subject", subject)
        .put("owner", Jids.user(owner))
        .put("participants", members)
        .put("admins", adminJids)
        .put("participantCount", participants.size())
        .put("description", description)
        .put("announce", announce)
        .put("locked", locked);
  }

  JsonObject summary() {
    return new JsonObject().put("groupId", id).put("subject", subject).put("participantCount", participants.size());
  }
}
