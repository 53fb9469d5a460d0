package dev.switchboard.device;

import dev.switchboard.engine.EngineSession;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The requests a device actor passes to its live session (contacts, presence, groups, ...): the
 * event-bus body's {@code op} and arguments, already validated by the HTTP layer, to an engine call.
 */
final class SessionOps {

  private SessionOps() {
  }

  static boolean handles(String op) {
    return switch (op) {
      case "contacts", "onWhatsApp", "presence", "markRead", "groups", "createGroup", "groupMetadata", "participants",
          "leaveGroup", "inviteCode", "joinGroup" -> true;
      default -> false;
    };
  }

  static Future<JsonObject> invoke(EngineSession s, String op, JsonObject b) {
    return switch (op) {
      case "contacts" -> s.contacts().map(SessionOps::items);
      case "onWhatsApp" -> s.onWhatsApp(b.getString("phone"));
      case "presence" -> s.sendPresence(b.getString("chatId"), b.getString("state")).map(v -> ok());
      case "markRead" -> s.markRead(b.getString("chatId"), strings(b.getJsonArray("messageIds"))).map(v -> ok());
      case "groups" -> s.groups().map(SessionOps::items);
      case "createGroup" -> s.createGroup(b.getString("subject"), strings(b.getJsonArray("participants")));
      case "groupMetadata" -> s.groupMetadata(b.getString("groupId"));
      case "participants" -> s.updateParticipants(b.getString("groupId"), b.getString("action"),
          strings(b.getJsonArray("participants"))).map(SessionOps::items);
      case "leaveGroup" -> s.leaveGroup(b.getString("groupId")).map(v -> ok());
      case "inviteCode" -> s.inviteCode(b.getString("groupId")).map(code -> new JsonObject().put("code", code));
      case "joinGroup" -> s.joinGroup(b.getString("code"));
      default -> throw new IllegalArgumentException(op);
    };
  }

  private static JsonObject items(JsonArray items) {
    return new JsonObject().put("items", items);
  }

  private static JsonObject ok() {
    return new JsonObject().put("ok", true);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : (List<String>) (List<?>) a.getList();
  }
}
