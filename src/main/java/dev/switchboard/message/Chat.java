package dev.switchboard.message;

import dev.switchboard.kernel.ChatIds;
import dev.switchboard.kernel.Times;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A chat of a device, from the messages kept: unread inbound ones and the last activity; {@code lastId} is its cursor key. */
public record Chat(String chatId, long unread, OffsetDateTime lastAt, long lastId) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("chatId", chatId)
        .put("name", null)
        .put("isGroup", ChatIds.isGroup(chatId))
        .put("unreadCount", unread)
        .put("lastMessageAt", Times.iso(lastAt));
  }
}
