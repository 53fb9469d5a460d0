package dev.switchboard.device;

import dev.switchboard.engine.EngineSession;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What can be asked of a device actor: one record per operation, sent by {@link DeviceClient} and
 * answered by {@link DeviceVerticle}, which switches over this sealed type (the compiler checks that
 * every operation is handled). {@link DeviceRequestCodec} carries them between nodes.
 */
public sealed interface DeviceRequest {

  /** How long the asker waits for the answer. */
  default long timeoutMs() {
    return DeviceClient.TIMEOUT_MS;
  }

  /** The actor's state: status, phone number, last error and the QR while one is shown. */
  record Status() implements DeviceRequest {
  }

  /** Answers once the device shows a QR or has settled, or after {@code waitMs} with whatever it is then. */
  record Settled(long waitMs) implements DeviceRequest {
    @Override
    public long timeoutMs() {
      return waitMs + 1_000;
    }
  }

  /** The outbox has new rows: a one-way wake-up, nothing is answered. */
  record Drain() implements DeviceRequest {
  }

  record Qr() implements DeviceRequest {
  }

  record PairingCode(String phoneNumber) implements DeviceRequest {
    @Override
    public long timeoutMs() {
      return DeviceClient.SLOW_TIMEOUT_MS;
    }
  }

  record Reconnect() implements DeviceRequest {
  }

  /** Closes the session and keeps the credentials: the device stays STOPPED until a Reconnect. */
  record Stop() implements DeviceRequest {
    @Override
    public long timeoutMs() {
      return DeviceClient.SLOW_TIMEOUT_MS;
    }
  }

  record Logout() implements DeviceRequest {
    @Override
    public long timeoutMs() {
      return DeviceClient.SLOW_TIMEOUT_MS;
    }
  }

  /** An operation on the live WhatsApp session: the actor runs it only while the device is CONNECTED. */
  sealed interface OnSession extends DeviceRequest {
    Future<JsonObject> run(EngineSession s);
  }

  record Contacts() implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.contacts().map(DeviceRequest::items);
    }
  }

  record OnWhatsApp(String phone) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.onWhatsApp(phone);
    }
  }

  record Presence(String chatId, String state) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.sendPresence(chatId, state).map(v -> ok());
    }
  }

  record MarkRead(String chatId, List<String> messageIds) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.markRead(chatId, messageIds).map(v -> ok());
    }
  }

  record Groups() implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.groups().map(DeviceRequest::items);
    }
  }

  record CreateGroup(String subject, List<String> participants) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.createGroup(subject, participants);
    }
  }

  record GroupMetadata(String groupId) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.groupMetadata(groupId);
    }
  }

  /** {@code action}: add, remove, promote or demote. */
  record Participants(String groupId, String action, List<String> participants) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.updateParticipants(groupId, action, participants).map(DeviceRequest::items);
    }
  }

  record LeaveGroup(String groupId) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.leaveGroup(groupId).map(v -> ok());
    }
  }

  record InviteCode(String groupId) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.inviteCode(groupId).map(code -> new JsonObject().put("code", code));
    }
  }

  /** Null fields stay as they are. */
  record UpdateGroup(String groupId, String subject, String description, Boolean announce, Boolean locked)
      implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.updateGroup(groupId, subject, description, announce, locked).map(v -> ok());
    }
  }

  record RevokeInvite(String groupId) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.revokeInvite(groupId).map(code -> new JsonObject().put("code", code));
    }
  }

  record InvitePreview(String code) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.invitePreview(code);
    }
  }

  record Channels() implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.channels().map(DeviceRequest::items);
    }
  }

  record JoinGroup(String code) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.joinGroup(code);
    }
  }

  record EditMessage(String chatId, String messageId, String text) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.edit(chatId, messageId, text).map(v -> ok());
    }
  }

  record RevokeMessage(String chatId, String messageId) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.revoke(chatId, messageId).map(v -> ok());
    }
  }

  record Contact(String phone) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.contact(phone);
    }
  }

  record Block(String jid, boolean blocked) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.block(jid, blocked).map(v -> new JsonObject().put("jid", jid).put("blocked", blocked));
    }
  }

  /** {@code setting}: archived, pinned or mutedUntil (see EngineSession#chatSetting). */
  record ChatSetting(String chatId, String setting, String value) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.chatSetting(chatId, setting, value).map(v -> ok());
    }
  }

  record Profile() implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.profile();
    }
  }

  /** Null fields stay as they are. */
  record UpdateProfile(String name, String about) implements OnSession {
    @Override
    public Future<JsonObject> run(EngineSession s) {
      return s.updateProfile(name, about).map(v -> ok());
    }
  }

  private static JsonObject items(JsonArray items) {
    return new JsonObject().put("items", items);
  }

  private static JsonObject ok() {
    return new JsonObject().put("ok", true);
  }
}
