package dev.switchboard.message;

import dev.switchboard.kernel.ChatIds;
import dev.switchboard.kernel.Times;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * A chat of a device, from the messages kept and the flags set through the gateway: unread inbound
 * messages, the last message, archived, pinned and muted; {@code lastId} is its cursor key.
 */
public record Chat(String chatId, long unread, OffsetDateTime lastAt, long lastId, JsonObject lastMessage, boolean archived,
    boolean pinned, OffsetDateTime mutedUntil) {

  /** The chat as the API shows it; {@code name} is the contact's or group's name when known. */
  public JsonObject toJson(String name) {
    return new JsonObject()
        .put("chatId", chatId)
        .put("name", name)
        .put("isGroup", ChatIds.isGroup(chatId))
        .put("unreadCount", unread)
        .put("lastMessageAt", Times.iso(lastAt))
        .put("lastMessage", lastMessage)
        .put("archived", archived)
        .put("pinned", pinned)
        .put("mutedUntil", Times.iso(mutedUntil));
  }
}
