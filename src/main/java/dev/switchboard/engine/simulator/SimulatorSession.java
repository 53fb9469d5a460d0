package dev.switchboard.engine.simulator;

import dev.switchboard.kernel.Contexts;
import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.EngineListener;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's session with the simulator, on a {@link Wire} (a WebSocket of its own, or a share of a
 * multiplexed one): requests carry a correlation id and wait at most
 * {@link SimulatorEngine#TIMEOUT_MS} for their answer; pushed frames become listener calls (the
 * frames are described on {@code dev.switchboard.simulator.DeviceLink}). Everything runs on the
 * context that opened the session.
 *
 * <p>The listener hears what the network does: QR codes, linking, events, and the network ending
 * the connection. {@link #disconnect()} and {@link #logout()} are the gateway's own acts and are
 * not echoed back as {@code onDisconnected}.
 */
final class SimulatorSession implements EngineSession {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatorSession.class);

  private record Pending(String op, Promise<JsonObject> promise, long timer) {
  }

  private final Vertx vertx;
  private final Context ctx;
  private final Wire wire;
  private final CredentialStore store;
  private final EngineListener listener;
  private final Map<Long, Pending> pending = new HashMap<>();
  private long nextId;
  private boolean closed;
  private boolean ended;

  /** {@code wire} attaches the session to its connection; frames arrive only after {@link #hello}. */
  SimulatorSession(Vertx vertx, Context ctx, Function<SimulatorSession, Wire> wire, CredentialStore store,
      EngineListener listener) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.store = store;
    this.listener = listener;
    this.wire = wire.apply(this);
  }

  void hello(String credentials) {
    request("hello", new JsonObject().put("credentials", credentials))
        .onFailure(err -> LOG.debug("hello refused: {}", err.getMessage()));
  }

  @Override
  public Future<String> requestPairingCode(String phoneNumber) {
    return request("pair_code", new JsonObject().put("phone", phoneNumber)).map(r -> r.getString("code"));
  }

  @Override
  public Future<Void> send(OutboundMessage message) {
    JsonObject args = new JsonObject().put("messageId", message.messageId()).put("to", message.to())
        .put("type", message.type()).put("content", message.content() == null ? new JsonObject() : message.content());
    return request("send", args).mapEmpty();
  }

  @Override
  public Future<Void> edit(String chatId, String messageId, String text) {
    return request("edit", new JsonObject().put("chatId", chatId).put("messageId", messageId).put("text", text)).mapEmpty();
  }

  @Override
  public Future<Void> revoke(String chatId, String messageId) {
    return request("revoke", new JsonObject().put("chatId", chatId).put("messageId", messageId)).mapEmpty();
  }

  @Override
  public Future<Void> markRead(String chatId, List<String> messageIds) {
    return request("read", new JsonObject().put("chatId", chatId).put("messageIds", new JsonArray(new ArrayList<>(messageIds))))
        .mapEmpty();
  }

  @Override
  public Future<Void> sendPresence(String chatId, String state) {
    return request("presence", new JsonObject().put("chatId", chatId).put("state", state)).mapEmpty();
  }

  @Override
  public Future<JsonObject> onWhatsApp(String phoneNumber) {
    return request("on_whatsapp", new JsonObject().put("phone", phoneNumber));
  }

  @Override
  public Future<JsonArray> contacts() {
    return request("contacts", new JsonObject()).map(r -> r.getJsonArray("items"));
  }

  @Override
  public Future<JsonObject> contact(String phoneNumber) {
    return request("contact", new JsonObject().put("phone", phoneNumber));
  }

  @Override
  public Future<Void> block(String jid, boolean blocked) {
    return request("block", new JsonObject().put("jid", jid).put("blocked", blocked)).mapEmpty();
  }

  @Override
  public Future<Void> chatSetting(String chatId, String setting, String value) {
    return request("chat_set", new JsonObject().put("chatId", chatId).put("setting", setting).put("value", value)).mapEmpty();
  }

  @Override
  public Future<JsonObject> profile() {
    return request("profile", new JsonObject());
  }

  @Override
  public Future<Void> updateProfile(String name, String about) {
    return request("profile_set", new JsonObject().put("name", name).put("about", about)).mapEmpty();
  }

  @Override
  public Future<JsonArray> groups() {
    return request("groups", new JsonObject()).map(r -> r.getJsonArray("items"));
  }

  @Override
  public Future<JsonObject> createGroup(String subject, List<String> participantJids) {
    return request("group_create", new JsonObject().put("subject", subject)
        .put("participants", new JsonArray(new ArrayList<>(participantJids))));
  }

  @Override
  public Future<JsonObject> groupMetadata(String groupId) {
    return request("group_metadata", new JsonObject().put("groupId", groupId));
  }

  @Override
  public Future<Void> updateGroup(String groupId, String subject, String description, Boolean announce, Boolean locked) {
    return request("group_set", new JsonObject().put("groupId", groupId).put("subject", subject).put("description", description)
        .put("announce", announce).put("locked", locked)).mapEmpty();
  }

  @Override
  public Future<String> revokeInvite(String groupId) {
    return request("group_invite_revoke", new JsonObject().put("groupId", groupId)).map(r -> r.getString("code"));
  }

  @Override
  public Future<JsonObject> invitePreview(String inviteCode) {
    return request("group_invite_info", new JsonObject().put("code", inviteCode));
  }

  @Override
  public Future<JsonArray> channels() {
    return request("channels", new JsonObject()).map(r -> r.getJsonArray("items"));
  }

  @Override
  public Future<JsonArray> updateParticipants(String groupId, String action, List<String> participantJids) {
    return request("group_participants", new JsonObject().put("groupId", groupId).put("action", action)
        .put("participants", new JsonArray(new ArrayList<>(participantJids)))).map(r -> r.getJsonArray("items"));
  }

  @Override
  public Future<Void> leaveGroup(String groupId) {
    return request("group_leave", new JsonObject().put("groupId", groupId)).mapEmpty();
  }

  @Override
  public Future<String> inviteCode(String groupId) {
    return request("group_invite", new JsonObject().put("groupId", groupId)).map(r -> r.getString("code"));
  }

  @Override
  public Future<JsonObject> joinGroup(String inviteCode) {
    return request("group_join", new JsonObject().put("code", inviteCode));
  }

  @Override
  public Future<Void> rejectCall(String callId, String callerJid) {
    return request("call_reject", new JsonObject().put("callId", callId).put("caller", callerJid)).mapEmpty();
  }

  @Override
  public Future<Void> disconnect() {
    return Contexts.runOn(ctx, () -> {
      ended = true;
      return close();
    });
  }

  /** Tells the network, then forgets the credentials even if the network could not be told. */
  @Override
  public Future<Void> logout() {
    return Contexts.runOn(ctx, () -> request("logout", new JsonObject())
        .transform(ar -> {
          ended = true;
          return store.delete();
        })
        .eventually(this::close)
        .transform(ar -> {
          Promise<Void> back = Promise.promise();
          inContext(() -> back.handle(ar));
          return back.future();
        }));
  }

  private Future<Void> close() {
    return closed ? Future.succeededFuture() : wire.close();
  }

  private Future<JsonObject> request(String op, JsonObject args) {
    return Contexts.runOn(ctx, () -> {
      if (closed) {
        return Future.failedFuture(new EngineException("DEVICE_NOT_CONNECTED", "the session's connection is closed"));
      }
      long id = ++nextId;
      Promise<JsonObject> promise = Promise.promise();
      long timer = vertx.setTimer(SimulatorEngine.TIMEOUT_MS, t -> {
        if (pending.remove(id) != null) {
          promise.fail(new EngineException("TIMEOUT", "the simulator did not answer " + op + " in time"));
        }
      });
      pending.put(id, new Pending(op, promise, timer));
      wire.write(args.copy().put("id", id).put("op", op));
      return promise.future();
    });
  }

  /** A frame from the network, on the session's context. */
  void onFrame(JsonObject frame) {
    String push = frame.getString("push");
    if (push != null) {
      onPush(push, frame);
      return;
    }
    Pending p = pending.remove(frame.getLong("id", -1L));
    if (p == null) {
      return;
    }
    vertx.cancelTimer(p.timer());
    if (frame.getBoolean("ok", false)) {
      p.promise().complete(frame.getJsonObject("result", new JsonObject()));
    } else {
      JsonObject error = frame.getJsonObject("error", new JsonObject());
      p.promise().fail(new EngineException(error.getString("code", "ENGINE_ERROR"), error.getString("message", p.op() + " failed")));
    }
  }

  private void onPush(String push, JsonObject frame) {
    switch (push) {
      case "qr" -> listener.onQr(frame.getString("qr"), Instant.parse(frame.getString("expiresAt")));
      case "linked" -> store.save(frame.getString("credentials").getBytes(StandardCharsets.UTF_8))
          .onComplete(ar -> inContext(() -> {
            if (ar.succeeded()) {
              listener.onConnected(frame.getString("phone"));
            } else {
              // Without stored credentials the link would be lost on the next restart: end it now.
              LOG.warn("could not store credentials", ar.cause());
              ended = true;
              close();
              listener.onDisconnected("credentials could not be stored: " + ar.cause().getMessage(), false);
            }
          }));
      case "connected" -> listener.onConnected(frame.getString("phone"));
      case "event" -> {
        String eventId = frame.getString("eventId");
        listener.onEvent(new EngineEvent(frame.getString("type"), frame.getJsonObject("data"), eventId))
            .onSuccess(v -> acknowledge(eventId));
      }
      case "disconnected" -> onNetworkDisconnect(frame.getString("reason", "disconnected"), frame.getBoolean("loggedOut", false));
      default -> LOG.debug("unknown push {}", push);
    }
  }

  /** The event is durable: the network may forget it. Unacknowledged, it comes again on the next connection. */
  private void acknowledge(String eventId) {
    if (eventId != null) {
      inContext(() -> {
        if (!closed) {
          wire.write(new JsonObject().put("op", "ack").put("eventId", eventId));
        }
      });
    }
  }

  private void onNetworkDisconnect(String reason, boolean loggedOut) {
    if (ended) {
      return;
    }
    ended = true;
    if (loggedOut) {
      store.delete().onComplete(ar -> inContext(() -> listener.onDisconnected(reason, true)));
    } else {
      listener.onDisconnected(reason, false);
    }
  }

  /** The session ended, on the session's context; {@code reason} is the network's, when it gave one. */
  void onClosed(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    List<Pending> waiting = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : waiting) {
      vertx.cancelTimer(p.timer());
      p.promise().fail(new EngineException("DEVICE_NOT_CONNECTED", "connection closed during " + p.op()));
    }
    if (!ended) {
      ended = true;
      listener.onDisconnected(reason == null ? "connection lost" : reason, false);
    }
  }

  /** Listener calls happen on the session's context even when the credential store answers elsewhere. */
  private void inContext(Runnable action) {
    if (Vertx.currentContext() == ctx) {
      action.run();
    } else {
      ctx.runOnContext(v -> action.run());
    }
  }

}
