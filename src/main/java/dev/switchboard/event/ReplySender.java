package dev.switchboard.event;

import io.vertx.core.Future;

/** Sends a text back to a chat for a webhook's auto-reply ({@code {"reply": "..."}} to a {@code message} event). */
public interface ReplySender {

  Future<Void> sendText(String clientId, String deviceId, String chatJid, String text);
}
