package dev.switchboard.engine;

import io.vertx.core.json.JsonObject;

/**
 * An event from the network, already in the API's words: {@code type} is one of
 * {@code message}, {@code receipt}, {@code reaction}, {@code presence_update}, {@code group_update},
 * {@code group_participants_update}, {@code call}, and {@code data} carries the fields docs/api.md lists
 * for that event (for {@code message}: messageId, chatId, from, type, text, isGroup, timestamp and
 * the type's own fields; media arrives as {@code media} = base64 bytes with {@code mimeType}).
 */
public record EngineEvent(String type, JsonObject data, String key) {

  /**
   * {@code key}: what the network calls this event, the same when it delivers the event again (the
   * simulator redelivers what a session did not acknowledge); null when the network gives none. The
   * gateway derives the event's id from it, so a redelivered event is stored and sent once.
   */
  public EngineEvent {
  }

  public EngineEvent(String type, JsonObject data) {
    this(type, data, null);
  }
}
