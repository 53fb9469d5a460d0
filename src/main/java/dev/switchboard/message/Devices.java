package dev.switchboard.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What messaging asks of the devices it sends from and reads for. The device package implements it
 * ({@code DeviceService}) and the node wires the two together, so messaging knows no device actor.
 */
public interface Devices {

  /** The device as the API shows it; fails 404 DEVICE_NOT_FOUND when the client has no such device. */
  Future<JsonObject> get(String clientId, String deviceId);

  /** Tells the device's actor, wherever it runs, that its outbox has work (a lost wake-up is caught by {@link SendScheduler}). */
  void wake(String clientId, String deviceId);

  /** Sends read receipts for these inbound messages through the device's live session. */
  Future<Void> markRead(String clientId, String deviceId, String chatId, List<String> messageIds);

  /** Edits a text this device sent, through its live session (409 DEVICE_NOT_CONNECTED unless it is connected). */
  Future<Void> edit(String clientId, String deviceId, String chatId, String messageId, String text);

  /** Sets a chat's flag through the device's live session (see EngineSession#chatSetting). */
  Future<Void> chatSetting(String clientId, String deviceId, String chatId, String setting, String value);

  /**
   * Names the device's session knows, by JID: its contacts' names and its groups' subjects; empty
   * when the device is not connected.
   */
  Future<java.util.Map<String, String>> chatNames(String clientId, String deviceId);

  /** Deletes a message this device sent for everyone, through its live session. */
  Future<Void> revoke(String clientId, String deviceId, String chatId, String messageId);
}
