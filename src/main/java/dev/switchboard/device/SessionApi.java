package dev.switchboard.device;

import dev.switchboard.kernel.Fields;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.kernel.Phones;
import dev.switchboard.http.Responses;
import dev.switchboard.kernel.ChatIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes of docs/api.md answered by the device's live session (contacts, on-WhatsApp checks, presence,
 * groups, channels): validated here, then asked of the device actor wherever it runs.
 */
public final class SessionApi {

  static final int MAX_PARTICIPANTS = 256;
  static final int MAX_SUBJECT = 100;
  static final int MAX_INVITE = 128;
  static final int MAX_DESCRIPTION = 2048;
  static final Set<String> PRESENCE = Set.of("composing", "recording", "paused", "available", "unavailable");
  static final Pattern INVITE = Pattern.compile("(?:https?://chat\\.whatsapp\\.com/)?([A-Za-z0-9]{6,64})");

  private final DeviceService devices;
  private final DeviceClient client;

  public SessionApi(DeviceService devices, DeviceClient client) {
    this.devices = devices;
    this.client = client;
  }

  public void register(ApiRoutes routes) {
    String device = "/api/clients/:clientId/devices/:deviceId";
    String group = device + "/groups/:groupId";
    routes.add(GET, device + "/contacts", Access.CLIENT, "contacts", "The device's contacts", DeviceDocs.list(), this::contacts);
    routes.add(GET, device + "/on-whatsapp/:phone", Access.CLIENT, "contacts", "Is this number on WhatsApp?",
        DeviceDocs.onWhatsApp(), this::onWhatsApp);
    routes.add(POST, device + "/presence", Access.CLIENT, "contacts", "Show typing, recording, online...",
        DeviceDocs.presence(), this::presence);
    routes.add(GET, device + "/groups", Access.CLIENT, "groups", "The groups the device is in", DeviceDocs.list(), this::groups);
    routes.add(POST, device + "/groups", Access.CLIENT, "groups", "Create a group", DeviceDocs.createGroup(), this::createGroup);
    routes.add(POST, device + "/groups/join", Access.CLIENT, "groups", "Join a group by invite code or link",
        DeviceDocs.join(), this::join);
    // Before the group's own routes: an invite code may spell "invite".
    routes.add(GET, device + "/groups/invites/:code", Access.CLIENT, "groups", "What an invite shows, without joining",
        DeviceDocs.invitePreview(), this::invitePreview);
    routes.add(GET, group, Access.CLIENT, "groups", "A group's metadata, participants and admins",
        DeviceDocs.device(), this::metadata);
    routes.add(PATCH, group, Access.CLIENT, "groups", "Change a group's subject, description or settings",
        DeviceDocs.updateGroup(), this::updateGroup);
    routes.add(POST, group + "/participants", Access.CLIENT, "groups", "Add, remove, promote or demote participants",
        DeviceDocs.participants(), this::participants);
    routes.add(POST, group + "/leave", Access.CLIENT, "groups", "Leave a group", DeviceDocs.accepted(), this::leave);
    routes.add(GET, group + "/invite", Access.CLIENT, "groups", "A group's invite code and link",
        DeviceDocs.device(), this::invite);
    routes.add(POST, group + "/invite/revoke", Access.CLIENT, "groups", "Revoke the invite code; the new code and link",
        DeviceDocs.revokeInvite(), this::revokeInvite);
    routes.add(GET, device + "/channels", Access.CLIENT, "channels", "The channels the account runs or follows",
        DeviceDocs.channels(), this::channels);
  }

  /** Asks the device actor, after checking that the device exists (404 rather than 503 for a wrong id). */
  private Future<JsonObject> ask(RoutingContext ctx, DeviceRequest.OnSession operation) {
    String clientId = ctx.pathParam("clientId");
    String deviceId = ctx.pathParam("deviceId");
    return devices.get(clientId, deviceId).compose(d -> client.session(clientId, deviceId, operation));
  }

  private void contacts(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.Contacts()).map(r -> r.put("nextCursor", null)), Responses::ok);
  }

  private void onWhatsApp(RoutingContext ctx) {
    String phone = Phones.digits("phone", ctx.pathParam("phone"));
    Responses.reply(ctx, ask(ctx, new DeviceRequest.OnWhatsApp(phone)), Responses::ok);
  }

  private void presence(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("chatId", "state"));
    String state = Fields.string(body, "state", true, 16);
    if (!PRESENCE.contains(state)) {
      throw ApiException.validation("state", "state must be one of " + String.join(", ", PRESENCE));
    }
    String chat = Fields.string(body, "chatId", false, 128);
    DeviceRequest.Presence request = new DeviceRequest.Presence(chat == null ? null : ChatIds.jid("chatId", chat), state);
    Responses.reply(ctx, ask(ctx, request), Responses::accepted);
  }

  private void groups(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.Groups()).map(r -> r.put("nextCursor", null)), Responses::ok);
  }

  private void createGroup(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("subject", "participants"));
    String subject = Fields.string(body, "subject", true, MAX_SUBJECT);
    List<String> participants = phones(body, "participants", true);
    Responses.reply(ctx, ask(ctx, new DeviceRequest.CreateGroup(subject, participants)),
        Responses::created);
  }

  private void metadata(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.GroupMetadata(groupId(ctx))), Responses::ok);
  }

  private void participants(RoutingContext ctx) {
    String groupId = groupId(ctx);
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("add", "remove", "promote", "demote"));
    if (body.isEmpty()) {
      throw ApiException.validation("add", "give at least one of add, remove, promote, demote");
    }
    // One change per action, in a fixed order; the results of all are returned together.
    Future<JsonArray> all = Future.succeededFuture(new JsonArray());
    for (String action : new String[] {"add", "remove", "promote", "demote"}) {
      List<String> phones = phones(body, action, false);
      if (phones != null) {
        DeviceRequest.Participants request = new DeviceRequest.Participants(groupId, action, phones);
        all = all.compose(acc -> ask(ctx, request).map(r -> {
          r.getJsonArray("items").forEach(i -> acc.add(((JsonObject) i).put("action", action)));
          return acc;
        }));
      }
    }
    Responses.reply(ctx, all.map(items -> new JsonObject().put("items", items)), Responses::ok);
  }

  private void leave(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.LeaveGroup(groupId(ctx))), Responses::accepted);
  }

  private void invite(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.InviteCode(groupId(ctx))).map(SessionApi::withUrl), Responses::ok);
  }

  private static JsonObject withUrl(JsonObject invite) {
    return invite.put("url", "https://chat.whatsapp.com/" + invite.getString("code"));
  }

  private void updateGroup(RoutingContext ctx) {
    String groupId = groupId(ctx);
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("subject", "description", "announce", "locked"));
    String subject = Fields.string(body, "subject", false, MAX_SUBJECT);
    String description = Fields.string(body, "description", false, MAX_DESCRIPTION);
    Boolean announce = Fields.bool(body, "announce", false);
    Boolean locked = Fields.bool(body, "locked", false);
    if (subject == null && description == null && announce == null && locked == null) {
      throw ApiException.validation("subject", "give at least one of subject, description, announce, locked");
    }
    if (subject != null && subject.isBlank()) {
      throw ApiException.validation("subject", "subject must not be blank");
    }
    DeviceRequest.UpdateGroup request = new DeviceRequest.UpdateGroup(groupId, subject, description, announce, locked);
    Responses.reply(ctx, ask(ctx, request), Responses::accepted);
  }

  private void revokeInvite(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.RevokeInvite(groupId(ctx))).map(SessionApi::withUrl), Responses::ok);
  }

  private void invitePreview(RoutingContext ctx) {
    Matcher m = INVITE.matcher(ctx.pathParam("code"));
    if (!m.matches()) {
      throw ApiException.validation("code", "code must be an invite code (6 to 64 letters and digits)");
    }
    Responses.reply(ctx, ask(ctx, new DeviceRequest.InvitePreview(m.group(1))), Responses::ok);
  }

  private void channels(RoutingContext ctx) {
    Responses.reply(ctx, ask(ctx, new DeviceRequest.Channels()).map(r -> r.put("nextCursor", null)), Responses::ok);
  }

  private void join(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("invite"));
    Matcher m = INVITE.matcher(Fields.string(body, "invite", true, MAX_INVITE).trim());
    if (!m.matches()) {
      throw ApiException.validation("invite", "invite must be an invite code or a https://chat.whatsapp.com/... link");
    }
    Responses.reply(ctx, ask(ctx, new DeviceRequest.JoinGroup(m.group(1))), Responses::ok);
  }

  private static String groupId(RoutingContext ctx) {
    return ChatIds.group("groupId", ctx.pathParam("groupId"));
  }

  /** A list of phone numbers (or user JIDs) as JIDs. */
  private static List<String> phones(JsonObject body, String field, boolean required) {
    JsonArray given = Fields.array(body, field, required);
    if (given == null) {
      return null;
    }
    if (given.isEmpty() || given.size() > MAX_PARTICIPANTS) {
      throw ApiException.validation(field, field + " must list 1 to " + MAX_PARTICIPANTS + " phone numbers");
    }
    List<String> jids = new ArrayList<>();
    for (Object o : given) {
      if (!(o instanceof String s)) {
        throw ApiException.validation(field, field + " holds phone numbers (strings)");
      }
      String jid = ChatIds.jid(field, s);
      if (ChatIds.isGroup(jid)) {
        throw ApiException.validation(field, field + " holds people, not groups");
      }
      jids.add(jid);
    }
    return jids;
  }

}
