package dev.switchboard.event;

import dev.switchboard.event.EventRepository.Delivery;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code message} webhook that answers {@code {"reply": "..."}} gets that text sent back to the chat
 * the message came from, through the node's {@link ReplySender} (the durable outbox of every send).
 * Any other answer, or one that is not JSON, is only an acknowledgement.
 */
final class AutoReplies {

  private static final Logger log = LoggerFactory.getLogger(AutoReplies.class);
  /** The longest reply sent, in characters (code points): the limit of a text sent through the API. */
  static final int MAX_CHARACTERS = 4096;

  private final ReplySender sender;

  AutoReplies(ReplySender sender) {
    this.sender = sender;
  }

  /** Sends the reply that {@code answer} (the endpoint's 2xx body) asks for, if any. */
  void onAnswer(Delivery d, Buffer answer) {
    if (!"message".equals(d.event()) || answer == null || answer.length() == 0) {
      return;
    }
    String reply = reply(answer);
    if (reply == null || reply.isBlank()) {
      return;
    }
    if (reply.codePointCount(0, reply.length()) > MAX_CHARACTERS) {
      log.warn("Auto-reply to event {} ignored: longer than {} characters", d.eventId(), MAX_CHARACTERS);
      return;
    }
    String chat = new JsonObject(d.payload()).getJsonObject("data", new JsonObject()).getString("chatId");
    if (chat == null) {
      return;
    }
    sender.sendText(d.clientId(), d.deviceId(), chat, reply)
        .onFailure(e -> log.warn("Auto-reply to event {} of {}/{} failed: {}", d.eventId(), d.clientId(), d.deviceId(),
            e.getMessage()));
  }

  /** The {@code reply} string of a JSON object answer; null when there is none. */
  private static String reply(Buffer answer) {
    try {
      Object parsed = Json.decodeValue(answer);
      return parsed instanceof JsonObject o && o.getValue("reply") instanceof String s ? s : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
