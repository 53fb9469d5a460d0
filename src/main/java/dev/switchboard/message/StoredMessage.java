package dev.switchboard.message;

import dev.switchboard.kernel.Times;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * A message as the gateway keeps it, either direction. {@code id} orders a device's messages and is
 * the key of the list cursors; {@code deviceId} is only read where a list spans devices.
 */
public record StoredMessage(long id, String deviceId, String messageId, String direction, String chatId, String from,
    String type, String status, String error, JsonObject content, OffsetDateTime sendAt, OffsetDateTime createdAt,
    OffsetDateTime sentAt, OffsetDateTime deliveredAt, OffsetDateTime readAt, OffsetDateTime editedAt,
    OffsetDateTime revokedAt) {

  /**
   * The message as the API shows it ({@code deviceId} only when it was read): an edited one with
   * {@code editedAt} (its content holds the edited text), a revoked one as {@code revoked: true}
   * without its content.
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("messageId", messageId)
        .put("direction", direction)
        .put("chatId", chatId)
        .put("from", from)
        .put("type", type)
        .put("status", status)
        .put("error", error)
        .put("content", revokedAt == null ? content : null)
        .put("sendAt", Times.iso(sendAt))
        .put("createdAt", Times.iso(createdAt))
        .put("sentAt", Times.iso(sentAt))
        .put("deliveredAt", Times.iso(deliveredAt))
        .put("readAt", Times.iso(readAt));
    if (editedAt != null) {
      json.put("editedAt", Times.iso(editedAt));
    }
    if (revokedAt != null) {
      json.put("revoked", true).put("revokedAt", Times.iso(revokedAt));
    }
    if (deviceId != null) {
      json.put("deviceId", deviceId);
    }
    return json;
  }
}
