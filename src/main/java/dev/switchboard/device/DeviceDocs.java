package dev.switchboard.device;

import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;

/** What the OpenAPI document says about the device, session and group routes. */
final class DeviceDocs {

  private static final JsonObject PHONE = new JsonObject().put("type", "string").put("pattern", "^\\+?[0-9]{7,15}$");
  private static final JsonObject PHONES = Schemas.array(PHONE, 1, SessionApi.MAX_PARTICIPANTS);

  private static final JsonObject NAME = Schemas.string(1, DeviceApi.MAX_NAME)
      .put("description", "the device's name; surrounding white space is trimmed");
  private static final JsonObject TIME = new JsonObject().put("type", "string").put("format", "date-time");
  /** A device as GET .../devices/{deviceId} shows it. */
  private static final JsonObject DEVICE = Schemas.object(List.of("deviceId", "status"),
      "deviceId", Schemas.id(), "name", Schemas.nullable(NAME),
      "status", Schemas.enumOf(java.util.Arrays.stream(DeviceStatus.values()).map(Enum::name).toList()),
      "phoneNumber", Schemas.nullable(new JsonObject().put("type", "string")),
      "node", Schemas.nullable(new JsonObject().put("type", "string").put("description", "the node running it")),
      "lastError", Schemas.nullable(new JsonObject().put("type", "string")),
      "createdAt", TIME, "connectedAt", Schemas.nullable(TIME));

  private DeviceDocs() {
  }

  /** The device schema, open to more fields (the 201 of a registration adds qr). */
  private static JsonObject device(String description) {
    JsonObject d = DEVICE.copy().put("description", description);
    d.remove("additionalProperties");
    return d;
  }

  static RouteDoc list() {
    return RouteDoc.of().paged().returns(200, Schemas.page(device("a device")));
  }

  /** A 200 with some object: the session routes' answers. */
  static RouteDoc device() {
    return RouteDoc.of().returns(200, Schemas.object()).errors(503);
  }

  static RouteDoc one() {
    return RouteDoc.of().returns(200, device("the device")).errors(503);
  }

  static RouteDoc rename() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("name"), "name", NAME), new JsonObject().put("name", "Front desk"))
        .returns(200, device("the device with its new name"));
  }

  static RouteDoc accepted() {
    return RouteDoc.of().returns(202, Schemas.object()).errors(503);
  }

  static RouteDoc create() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("deviceId"), "deviceId", Schemas.id(), "name", NAME),
            new JsonObject().put("deviceId", "phone-1").put("name", "Front desk"))
        .returns(201, device("the device, with qr when it was ready within 5 s"))
        .errors(409, 503);
  }

  static RouteDoc qr() {
    return RouteDoc.of()
        .query("format", Schemas.enumOf(List.of("json", "png")).put("default", "json"), "json (a PNG data URL) or png")
        .returns(200, Schemas.object().put("description", "qr, and the PNG as a data URL (image/png with ?format=png)"))
        .errors(409, 503);
  }

  static RouteDoc pairingCode() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("phoneNumber"), "phoneNumber", PHONE.copy().put("maxLength", DeviceApi.MAX_PHONE)),
            new JsonObject().put("phoneNumber", "+15550003333"))
        .returns(200, Schemas.object().put("description", "the code to type on the phone"))
        .errors(409, 503);
  }

  static RouteDoc onWhatsApp() {
    return device().pathParameter("phone", PHONE);
  }

  static RouteDoc presence() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("state"), "state", Schemas.enumOf(new TreeSet<>(SessionApi.PRESENCE)),
                "chatId", Schemas.string(1, 128).put("description", "the chat the state is shown in (a phone or JID)")),
            new JsonObject().put("state", "composing").put("chatId", "+15550001111"))
        .returns(202, Schemas.object()).errors(503);
  }

  static RouteDoc createGroup() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("subject", "participants"), "subject", Schemas.string(1, SessionApi.MAX_SUBJECT),
                "participants", PHONES),
            new JsonObject().put("subject", "Team").put("participants", new JsonArray().add("+15550001111")))
        .returns(201, Schemas.object().put("description", "the group: groupId, subject, participants")).errors(503);
  }

  static RouteDoc join() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("invite"), "invite", Schemas.string(1, SessionApi.MAX_INVITE)
                .put("pattern", "^\\s*" + SessionApi.INVITE.pattern() + "\\s*$")),
            new JsonObject().put("invite", "https://chat.whatsapp.com/AbCdEf123456"))
        .returns(200, Schemas.object()).errors(503);
  }

  static RouteDoc participants() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of(), "add", PHONES, "remove", PHONES, "promote", PHONES, "demote", PHONES)
                .put("minProperties", 1),
            new JsonObject().put("add", new JsonArray().add("+15550001111")))
        .returns(200, Schemas.object().put("description", "items: one result per participant and action")).errors(503);
  }

  static RouteDoc updateGroup() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of(), "subject", Schemas.string(1, SessionApi.MAX_SUBJECT),
                "description", Schemas.string(SessionApi.MAX_DESCRIPTION).put("description", "empty removes it"),
                "announce", Schemas.bool().put("description", "only admins send"),
                "locked", Schemas.bool().put("description", "only admins change the subject, description and settings"))
                .put("minProperties", 1),
            new JsonObject().put("subject", "Team").put("announce", true))
        .returns(202, Schemas.object()).errors(403, 404, 409, 503)
        .describe("403 NOT_GROUP_ADMIN: announce and locked are for admins; in a locked group the subject and description too");
  }

  static RouteDoc revokeInvite() {
    return RouteDoc.of()
        .returns(200, Schemas.object(List.of("code", "url"), "code", Schemas.string(1, SessionApi.MAX_INVITE),
            "url", Schemas.string(1, 200)))
        .errors(403, 404, 409, 503).describe("The old code stops working at once.");
  }

  static RouteDoc invitePreview() {
    return RouteDoc.of().pathParameter("code", Schemas.string(6, 64).put("pattern", "^[A-Za-z0-9]{6,64}$"))
        .returns(200, Schemas.object(List.of("groupId", "subject", "participantCount"), "groupId", Schemas.string(1, 128),
            "subject", Schemas.string(0, SessionApi.MAX_SUBJECT), "participantCount", Schemas.integer(0, 100_000),
            "description", Schemas.nullable(Schemas.string(SessionApi.MAX_DESCRIPTION))))
        .errors(404, 409, 503).describe("404 for an unknown or revoked code; the device does not join.");
  }

  static RouteDoc channels() {
    JsonObject channel = Schemas.object(List.of("channelId", "name", "role"),
        "channelId", Schemas.string(1, 128).put("pattern", "@newsletter$"), "name", Schemas.string(0, 200),
        "role", Schemas.enumOf(List.of("owner", "admin", "subscriber", "guest", "unknown")));
    return RouteDoc.of().returns(200, Schemas.page(channel)).errors(409, 503)
        .describe("text and image sends take a channelId as to where the role is owner or admin");
  }
}
