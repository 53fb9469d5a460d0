package dev.switchboard.engine;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One device's live session. Every call fails with {@link EngineException} when the network
 * refuses it; none blocks the caller.
 */
public interface EngineSession {

  /** Asks for a pairing code to link by phone number instead of QR: {@code ABCD-EFGH}. */
  Future<String> requestPairingCode(String phoneNumber);

  /** Sends a message; completes when the network accepted it. */
  Future<Void> send(OutboundMessage message);

  /**
   * Replaces the text of a text message this device sent to {@code chatId}; fails {@code NOT_EDITABLE}
   * when the network refuses (too late, not text, not ours).
   */
  Future<Void> edit(String chatId, String messageId, String text);

  /** Deletes a message this device sent to {@code chatId} for everyone; fails {@code NOT_REVOCABLE} when refused. */
  Future<Void> revoke(String chatId, String messageId);

  /** Sends read receipts for these messages of a chat. */
  Future<Void> markRead(String chatId, List<String> messageIds);

  /** composing, recording, paused, available or unavailable; {@code chatId} may be null. */
  Future<Void> sendPresence(String chatId, String state);

  /** {@code {"exists": bool, "jid": "..."}}. */
  Future<JsonObject> onWhatsApp(String phoneNumber);

  /** Items {@code {"jid","phone","name"}}. */
  Future<JsonArray> contacts();

  /** {@code {"jid","phone","name","about"?,"pictureUrl"?,"blocked"}}; fails {@code NOT_FOUND} when not on WhatsApp. */
  Future<JsonObject> contact(String phoneNumber);

  /** Blocks ({@code blocked}) or unblocks a person: a blocked person's messages are not delivered. */
  Future<Void> block(String jid, boolean blocked);

  /**
   * Sets a chat's flag on the account (every linked device and the phone see it): {@code setting} is
   * {@code archived} or {@code pinned} ({@code value} "true" or "false"), or {@code mutedUntil}
   * ({@code value} an ISO-8601 time, or null to unmute).
   */
  Future<Void> chatSetting(String chatId, String setting, String value);

  /** This account's own {@code {"jid","name","about"}}. */
  Future<JsonObject> profile();

  /** Sets this account's name and/or about text (null: unchanged). */
  Future<Void> updateProfile(String name, String about);

  /** Items {@code {"groupId","subject","participantCount"}}. */
  Future<JsonArray> groups();

  /** The new group's metadata, as {@link #groupMetadata}. */
  Future<JsonObject> createGroup(String subject, List<String> participantJids);

  /**
   * {@code {"groupId","subject","owner","participants":[{"jid","admin"}],"admins":[...],"description",
   * "announce","locked"}}.
   */
  Future<JsonObject> groupMetadata(String groupId);

  /**
   * Changes what is given (null: unchanged; an empty description removes it): {@code announce} lets only
   * admins send, {@code locked} lets only admins edit the group. Fails {@code NOT_GROUP_ADMIN} when the
   * device may not make the change.
   */
  Future<Void> updateGroup(String groupId, String subject, String description, Boolean announce, Boolean locked);

  /** {@code action} is add, remove, promote or demote; result items {@code {"jid","status"}}. */
  Future<JsonArray> updateParticipants(String groupId, String action, List<String> participantJids);

  Future<Void> leaveGroup(String groupId);

  /** The invite code of a group this device administers. */
  Future<String> inviteCode(String groupId);

  /** Revokes the group's invite code; the new code. */
  Future<String> revokeInvite(String groupId);

  /**
   * What an invite code shows without joining: {@code {"groupId","subject","participantCount"}} (and
   * {@code description} when there is one); fails {@code NOT_FOUND} for an unknown or revoked code.
   */
  Future<JsonObject> invitePreview(String inviteCode);

  /** The channels (newsletters) the account follows or runs: items {@code {"channelId","name","role"}}. */
  Future<JsonArray> channels();

  /** Joins by invite code; the group's metadata. */
  Future<JsonObject> joinGroup(String inviteCode);

  Future<Void> rejectCall(String callId, String callerJid);

  /** Ends the connection and keeps the credentials (for a restart or a move to another node). */
  Future<Void> disconnect();

  /** Logs the device out of WhatsApp; the credentials are dead afterwards. */
  Future<Void> logout();
}
