package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A device's chats: what the gateway stored (last message, unread, flags) with the names the live
 * session knows, and the archive, pin and mute flags, set on WhatsApp first and then kept.
 */
public final class ChatService {

  private final Pool pool;
  private final Devices devices;

  public ChatService(Pool pool, Devices devices) {
    this.pool = pool;
    this.devices = devices;
  }

  public Future<JsonObject> chats(String clientId, String deviceId, Page page, Boolean archived) {
    return devices.get(clientId, deviceId)
        .compose(d -> ChatRepository.chats(pool, clientId, deviceId, page.afterId(), page.limit(), archived))
        .compose(rows -> names(clientId, deviceId).map(names ->
            page.result(rows, c -> String.valueOf(c.lastId()), c -> c.toJson(names.get(c.chatId())))));
  }

  public Future<JsonObject> chat(String clientId, String deviceId, String chatId) {
    return devices.get(clientId, deviceId)
        .compose(d -> ChatRepository.chat(pool, clientId, deviceId, chatId))
        .compose(c -> c == null
            ? Future.failedFuture(ApiException.notFound("NOT_FOUND", "no chat '" + chatId + "' on device '" + deviceId + "'"))
            : names(clientId, deviceId).map(names -> c.toJson(names.get(chatId))));
  }

  /** Archives or pins a chat ({@code setting} archived or pinned), or mutes it until {@code until} (null unmutes). */
  public Future<JsonObject> set(String clientId, String deviceId, String chatId, String setting, Boolean on, Instant until) {
    String value = "mutedUntil".equals(setting) ? (until == null ? null : until.toString()) : String.valueOf(on);
    return devices.get(clientId, deviceId)
        .compose(d -> devices.chatSetting(clientId, deviceId, chatId, setting, value))
        .compose(v -> ChatRepository.set(pool, clientId, deviceId, chatId, "archived".equals(setting) ? on : null,
            "pinned".equals(setting) ? on : null, "mutedUntil".equals(setting), until == null ? null : until.atOffset(ZoneOffset.UTC)))
        .compose(v -> chat(clientId, deviceId, chatId));
  }

  /** What the session knows; a disconnected device lists its chats without names. */
  private Future<Map<String, String>> names(String clientId, String deviceId) {
    return devices.chatNames(clientId, deviceId).otherwise(Map.of());
  }
}
