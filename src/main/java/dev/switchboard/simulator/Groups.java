package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups of the simulated network and their rules: only admins change membership or read the
 * invite code, and every change is told to the member devices as {@code group_update} or
 * {@code group_participants_update}.
 */
final class Groups {

  /** Where group events go: the network hands them to the devices holding {@code phone}. */
  interface Sink {
    void push(String phone, String type, JsonObject data);
  }

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

  Group join(String phone, String inviteCode) {
    String code = inviteCode == null ? "" : inviteCode.trim();
    int slash = code.lastIndexOf('/');
    if (slash >= 0) {
      code = code.substring(slash + 1);
    }
    String groupId = idByInviteCode.get(code);
    if (groupId == null) {
      throw SimException.notFound("no group has invite code " + inviteCode);
    }
    Group group = get(groupId);
    if (group.participants.add(phone)) {
      tell(group, "group_participants_update", participantsEvent(group, "add", List.of(phone), phone));
    }
    return group;
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
