package dev.switchboard.engine;

import io.vertx.core.json.JsonObject;

/**
 * An event from the network, already in the API's words: {@code type} is one of
 * {@code message}, {@code receipt}, {@code reaction}, {@code presence_update}, {@code group_update},
 * {@code group_participants_update}, {@code call}, and {@code data} carries the fields API.md lists
 * for that event (for {@code message}: messageId, chatId, from, type, text, isGroup, timestamp and
 * the type's own fields; media arrives as {@code media} = base64 bytes with {@code mimeType}).
 */
public record EngineEvent(String type, JsonObject data) {
}
