package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The operations of a live Cobalt session (sends, queries, groups), each one {@link CobaltCalls} call
 * run by {@link #call}: off the event loop, bounded by its timeout, refused while the session is not
 * logged in. {@link CobaltSession} adds the connection's life (QR, login, watchdog, end).
 */
abstract class CobaltOperations implements EngineSession {

  static final long SEND_TIMEOUT_MS = 90_000;
  static final long QUERY_TIMEOUT_MS = 30_000;

  /** Runs a Cobalt call off the event loop, bounded, with its result back on the session's context. */
  abstract <T> Future<T> call(String op, long timeoutMs, Supplier<CompletableFuture<T>> action);

  /** The Cobalt calls of this session's instance. */
  abstract CobaltCalls calls();

  @Override
  public Future<String> requestPairingCode(String phoneNumber) {
    return Future.failedFuture(new EngineException("NOT_SUPPORTED", "linking by pairing code does not work with"
        + " Cobalt 0.0.10: it makes 5-character codes where WhatsApp needs 8 (Cobalt issues #630, #654);"
        + " scan the QR code instead (GET .../qr)"));
  }

  @Override
  public Future<Void> send(OutboundMessage message) {
    return call("send", SEND_TIMEOUT_MS, () -> calls().send(message));
  }

  @Override
  public Future<Void> edit(String chatId, String messageId, String text) {
    return call("edit", SEND_TIMEOUT_MS, () -> calls().edit(chatId, messageId, text));
  }

  @Override
  public Future<Void> revoke(String chatId, String messageId) {
    return call("revoke", SEND_TIMEOUT_MS, () -> calls().revoke(chatId, messageId));
  }

  @Override
  public Future<Void> markRead(String chatId, List<String> messageIds) {
    return call("read", QUERY_TIMEOUT_MS, () -> calls().markRead(chatId, messageIds));
  }

  @Override
  public Future<Void> sendPresence(String chatId, String state) {
    return call("presence", QUERY_TIMEOUT_MS, () -> calls().presence(chatId, state));
  }

  @Override
  public Future<JsonObject> onWhatsApp(String phoneNumber) {
    return call("on_whatsapp", QUERY_TIMEOUT_MS, () -> calls().onWhatsApp(phoneNumber));
  }

  @Override
  public Future<JsonArray> contacts() {
    return call("contacts", QUERY_TIMEOUT_MS, calls()::contacts);
  }

  @Override
  public Future<JsonObject> contact(String phoneNumber) {
    return call("contact", QUERY_TIMEOUT_MS, () -> calls().account().contact(phoneNumber));
  }

  @Override
  public Future<Void> block(String jid, boolean blocked) {
    return call("block", QUERY_TIMEOUT_MS, () -> calls().account().block(jid, blocked));
  }

  @Override
  public Future<Void> chatSetting(String chatId, String setting, String value) {
    return call("chat_set", QUERY_TIMEOUT_MS, () -> calls().account().chatSetting(chatId, setting, value));
  }

  @Override
  public Future<JsonObject> profile() {
    return call("profile", QUERY_TIMEOUT_MS, () -> calls().account().profile(calls().selfJid()));
  }

  @Override
  public Future<Void> updateProfile(String name, String about) {
    return call("profile_set", QUERY_TIMEOUT_MS, () -> calls().account().updateProfile(name, about));
  }

  @Override
  public Future<JsonArray> groups() {
    return call("groups", QUERY_TIMEOUT_MS, calls()::groups);
  }

  @Override
  public Future<JsonObject> createGroup(String subject, List<String> participantJids) {
    return call("group_create", QUERY_TIMEOUT_MS, () -> calls().createGroup(subject, participantJids));
  }

  @Override
  public Future<JsonObject> groupMetadata(String groupId) {
    return call("group_metadata", QUERY_TIMEOUT_MS, () -> calls().groupMetadata(groupId));
  }

  @Override
  public Future<Void> updateGroup(String groupId, String subject, String description, Boolean announce, Boolean locked) {
    return call("group_set", QUERY_TIMEOUT_MS, () -> calls().groupSettings().update(groupId, subject, description, announce, locked));
  }

  @Override
  public Future<String> revokeInvite(String groupId) {
    return call("group_invite_revoke", QUERY_TIMEOUT_MS, () -> calls().groupSettings().revokeInvite(groupId));
  }

  @Override
  public Future<JsonObject> invitePreview(String inviteCode) {
    return call("group_invite_info", QUERY_TIMEOUT_MS, () -> calls().groupSettings().invitePreview(inviteCode));
  }

  @Override
  public Future<JsonArray> channels() {
    return call("channels", QUERY_TIMEOUT_MS, () -> calls().channels().list());
  }

  @Override
  public Future<JsonArray> updateParticipants(String groupId, String action, List<String> participantJids) {
    return call("group_participants", QUERY_TIMEOUT_MS, () -> calls().updateParticipants(groupId, action, participantJids));
  }

  @Override
  public Future<Void> leaveGroup(String groupId) {
    return call("group_leave", QUERY_TIMEOUT_MS, () -> calls().leaveGroup(groupId));
  }

  @Override
  public Future<String> inviteCode(String groupId) {
    return call("group_invite", QUERY_TIMEOUT_MS, () -> calls().inviteCode(groupId));
  }

  @Override
  public Future<JsonObject> joinGroup(String inviteCode) {
    return call("group_join", QUERY_TIMEOUT_MS, () -> calls().joinGroup(inviteCode));
  }

  @Override
  public Future<Void> rejectCall(String callId, String callerJid) {
    return call("call_reject", QUERY_TIMEOUT_MS, () -> calls().rejectCall(callId, callerJid));
  }
}
