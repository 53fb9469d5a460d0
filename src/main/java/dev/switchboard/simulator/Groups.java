package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups of the simulated network and their rules: only admins change membership, read or revoke the
 * invite code and change the settings; in a locked group only admins change the subject and
 * description; in an announce group only admins send. Every change is told to the member devices as
 * {@code group_update} or {@code group_participants_update}.
 */
final class Groups {

  /** Where group events go: the network hands them to the devices holding {@code phone}. */
  interface Sink {
    void push(String phone, String type, JsonObject data);
  }

  /** WhatsApp's limits: a subject of 100 characters, a description of 2,048. */
  static final int MAX_SUBJECT = 100;
  static final int MAX_DESCRIPTION = 2048;

  private final Map<String, Group> byId = new HashMap<>();
  private final Map<String, String> idByInviteCode = new HashMap<>();
  private final Sink sink;

  Groups(Sink sink) {
    this.sink = sink;
  }

  void clear() {
    byId.clear();
    idByInviteCode.clear();
  }

  Group create(String owner, String subject, List<String> participants) {
    if (subject == null || subject.isBlank()) {
      throw SimException.badRequest("subject is required");
    }
    Group group = new Group(Jids.newGroupId(), owner, subject);
    group.participants.add(owner);
    group.admins.add(owner);
    for (String p : participants) {
      if (Jids.onWhatsApp(p)) {
        group.participants.add(p);
      }
    }
    byId.put(group.id, group);
    JsonObject created = new JsonObject()
        .put("groupId", group.id).put("subject", subject).put("action", "create").put("by", Jids.user(owner))
        .put("participants", jids(new ArrayList<>(group.participants)));
    tell(group, "group_update", created);
    return group;
  }

  Group get(String groupId) {
    Group group = byId.get(groupId);
    if (group == null) {
      throw SimException.notFound("no such group: " + groupId);
    }
    return group;
  }

  Group visibleTo(String groupId, String phone) {
    Group group = get(groupId);
    if (!group.isMember(phone)) {
      // Like a group that does not exist: a non-member learns nothing about it.
      throw SimException.notFound(phone + " is not a member of " + groupId);
    }
    return group;
  }

  JsonArray of(String phone) {
    JsonArray items = new JsonArray();
    byId.values().stream().filter(g -> g.isMember(phone)).forEach(g -> items.add(g.summary()));
    return items;
  }

  /** Add, remove, promote or demote; items {@code {"jid","status"}} with WhatsApp's status codes. */
  JsonArray update(String actor, String groupId, String action, List<String> phones) {
    if (action == null) {
      throw SimException.badRequest("action is add, remove, promote or demote");
    }
    Group group = visibleTo(groupId, actor);
    if (!group.isAdmin(actor)) {
      throw SimException.notGroupAdmin("only admins change participants");
    }
    JsonArray results = new JsonArray();
    List<String> changed = new ArrayList<>();
    for (String p : phones) {
      String status = apply(group, action, p);
      if ("200".equals(status)) {
        changed.add(p);
      }
      results.add(new JsonObject().put("jid", Jids.user(p)).put("status", status));
    }
    if (!changed.isEmpty()) {
      JsonObject event = participantsEvent(group, action, changed, actor);
      tell(group, "group_participants_update", event);
      if ("remove".equals(action)) {
        changed.forEach(p -> sink.push(p, "group_participants_update", event));
      }
    }
    return results;
  }

  private String apply(Group group, String action, String phone) {
    return switch (action) {
      case "add" -> !Jids.onWhatsApp(phone) ? "404" : group.participants.add(phone) ? "200" : "409";
      case "remove" -> {
        if (phone.equals(group.owner)) {
          yield "403";
        }
        group.admins.remove(phone);
        yield group.participants.remove(phone) ? "200" : "404";
      }
      case "promote" -> !group.isMember(phone) ? "404" : group.admins.add(phone) ? "200" : "409";
      case "demote" -> !group.isMember(phone) || phone.equals(group.owner) ? "403"
          : group.admins.remove(phone) ? "200" : "409";
      default -> throw SimException.badRequest("action is add, remove, promote or demote");
    };
  }

  void leave(String phone, String groupId) {
    Group group = visibleTo(groupId, phone);
    group.participants.remove(phone);
    group.admins.remove(phone);
    // A group never stays without an admin: WhatsApp promotes the longest-standing member.
    if (group.admins.isEmpty() && !group.participants.isEmpty()) {
      group.admins.add(group.participants.iterator().next());
    }
    JsonObject event = participantsEvent(group, "remove", List.of(phone), phone);
    tell(group, "group_participants_update", event);
    sink.push(phone, "group_participants_update", event);
  }

  String inviteCode(String phone, String groupId) {
    Group group = visibleTo(groupId, phone);
    if (!group.isAdmin(phone)) {
      throw SimException.notGroupAdmin("only admins see the invite code");
    }
    if (group.inviteCode == null) {
      group.inviteCode = Jids.randomToken(22);
      idByInviteCode.put(group.inviteCode, group.id);
    }
    return group.inviteCode;
  }

  /**
   * Changes what is given (null: unchanged): the settings are for admins only, the subject and
   * description too once the group is locked. All is checked before anything changes.
   */
  void change(String actor, String groupId, String subject, String description, Boolean announce, Boolean locked) {
    Group group = visibleTo(groupId, actor);
    if (subject != null && (subject.isBlank() || subject.length() > MAX_SUBJECT)) {
      throw SimException.badRequest("subject must be 1 to " + MAX_SUBJECT + " characters");
    }
    if (description != null && description.length() > MAX_DESCRIPTION) {
      throw SimException.badRequest("description must be at most " + MAX_DESCRIPTION + " characters");
    }
    boolean admin = group.isAdmin(actor);
    if (!admin && (announce != null || locked != null)) {
      throw SimException.notGroupAdmin("only admins change the group's settings");
    }
    if (!admin && group.locked && (subject != null || description != null)) {
      throw SimException.notGroupAdmin("the group is locked: only admins change its subject and description");
    }
    String by = Jids.user(actor);
    if (subject != null && !subject.equals(group.subject)) {
      group.subject = subject;
      tell(group, "group_update", update(group, "subject", by).put("subject", subject));
    }
    String newDescription = description == null || description.isEmpty() ? null : description;
    if (description != null && !java.util.Objects.equals(newDescription, group.description)) {
      group.description = newDescription;
      tell(group, "group_update", update(group, "description", by).put("description", newDescription));
    }
    if (announce != null && announce != group.announce) {
      group.announce = announce;
      tell(group, "group_update", update(group, "announce", by).put("announce", announce.booleanValue()));
    }
    if (locked != null && locked != group.locked) {
      group.locked = locked;
      // The webhook event keeps WhatsApp's word for it: restrict.
      tell(group, "group_update", update(group, "restrict", by).put("restrict", locked.booleanValue()));
    }
  }

  /** In an announce group only admins send; a member's message is refused as WhatsApp refuses it. */
  void checkSend(Group group, String sender) {
    if (group.announce && !group.isAdmin(sender)) {
      throw SimException.notGroupAdmin("only admins send to " + group.id + " (announce)");
    }
  }

  /** A new invite code: the old one stops working at once. */
  String revokeInvite(String phone, String groupId) {
    Group group = visibleTo(groupId, phone);
    if (!group.isAdmin(phone)) {
      throw SimException.notGroupAdmin("only admins revoke the invite code");
    }
    if (group.inviteCode != null) {
      idByInviteCode.remove(group.inviteCode);
    }
    group.inviteCode = null;
    return inviteCode(phone, groupId);
  }

  /** What an invite shows before joining: {@code {"groupId","subject","participantCount","description"}}. */
  JsonObject preview(String inviteCode) {
    Group group = byCode(inviteCode);
    return group.summary().put("description", group.description);
  }

  Group join(String phone, String inviteCode) {
    Group group = byCode(inviteCode);
    if (group.participants.add(phone)) {
      tell(group, "group_participants_update", participantsEvent(group, "add", List.of(phone), phone));
    }
    return group;
  }

  private Group byCode(String inviteCode) {
    String code = inviteCode == null ? "" : inviteCode.trim();
    int slash = code.lastIndexOf('/');
    if (slash >= 0) {
      code = code.substring(slash + 1);
    }
    String groupId = idByInviteCode.get(code);
    if (groupId == null) {
      throw SimException.notFound("no group has invite code " + inviteCode);
    }
    return get(groupId);
  }

  private static JsonObject update(Group group, String action, String by) {
    return new JsonObject().put("groupId", group.id).put("action", action).put("by", by);
  }

  private static JsonObject participantsEvent(Group group, String action, List<String> phones, String by) {
    return new JsonObject().put("groupId", group.id).put("action", action)
        .put("participants", jids(phones)).put("by", Jids.user(by));
  }

  private void tell(Group group, String type, JsonObject data) {
    for (String member : group.participants) {
      sink.push(member, type, data);
    }
  }

  private static JsonArray jids(List<String> phones) {
    JsonArray a = new JsonArray();
    phones.forEach(p -> a.add(Jids.user(p)));
    return a;
  }
}
