package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One device session, speaking the simulator's wire protocol (text frames, one JSON object each) on
 * its {@link DeviceChannel}: a WebSocket of its own, or one session of a multiplexed WebSocket
 * ({@link MuxConnection}, where every frame also carries the session's {@code "s"}).
 *
 * <p>Device to network, a request: {@code {"id": <any>, "op": "...", ...arguments}}. The network
 * answers each with {@code {"id", "ok": true, "result": {...}}} or
 * {@code {"id", "ok": false, "error": {"code", "message"}}}; lists come as {@code result.items}.
 * <ul>
 *   <li>{@code hello {credentials?}} first: with the stored credentials text the session resumes,
 *       without it the session starts linking;</li>
 *   <li>{@code pair_code {phone}} -> {@code {code}};</li>
 *   <li>{@code send {messageId, to, type, content}} -> {@code {messageId}};
 *       {@code read {chatId, messageIds}}; {@code presence {chatId?, state}};
 *       {@code edit {messageId, text}}, {@code revoke {messageId}} (a message this device sent);</li>
 *   <li>{@code on_whatsapp {phone}} -> {@code {exists, jid}}; {@code contacts}; {@code groups};
 *       {@code contact {phone}} -> {@code {jid, phone, name, about, blocked}}; {@code block {jid, blocked}};
 *       {@code profile} -> {@code {jid, name, about}}; {@code profile_set {name?, about?}};</li>
 *   <li>{@code group_create {subject, participants}}, {@code group_metadata {groupId}},
 *       {@code group_join {code}} -> metadata; {@code group_participants {groupId, action,
 *       participants}} -> items; {@code group_leave {groupId}}; {@code group_invite {groupId}} and
 *       {@code group_invite_revoke {groupId}} -> {@code {code}}; {@code group_set {groupId, subject?,
 *       description?, announce?, locked?}}; {@code group_invite_info {code}} -> {@code {groupId, subject,
 *       participantCount, description}} without joining;</li>
 *   <li>{@code channels} -> items {@code {channelId, name, role}}; a {@code send} to a channel
 *       ({@code ...@newsletter}) posts to it;</li>
 *   <li>{@code call_reject {callId}}; {@code logout} (the credentials die, the socket closes).</li>
 *   <li>{@code ack {eventId}}, not answered: the device has made a pushed event durable.</li>
 * </ul>
 * Network to device, pushed: {@code {"push": "qr", "qr", "expiresAt"}},
 * {@code {"push": "linked", "phone", "credentials"}} (store them), {@code {"push": "connected",
 * "phone"}}, {@code {"push": "event", "type", "data", "eventId"}} (delivered again on the next
 * connection until acknowledged) and {@code {"push": "disconnected",
 * "reason", "loggedOut"}} before the network closes the socket.
 */
final class DeviceLink {

  private final Vertx vertx;
  private final DeviceChannel channel;
  private final Network network;
  private String phone;
  private String secret;
  private boolean greeted;
  private boolean closed;
  /**
   * Events pushed and not yet acknowledged ({@code ack {eventId}}), oldest first. WhatsApp keeps a
   * message for a linked device until the device acknowledges it; so does the network: what is here
   * when the connection ends is delivered again (see {@link Network#redeliver}).
   */
  private final LinkedHashMap<String, JsonObject> unacked = new LinkedHashMap<>();
  static final int MAX_UNACKED = 10_000;

  DeviceLink(Vertx vertx, DeviceChannel channel, Network network) {
    this.vertx = vertx;
    this.channel = channel;
    this.network = network;
  }

  void start() {
    network.linking.opened(this);
  }

  /** The channel ended the session (either side closed it, or its socket went away). */
  void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    network.linking.closed(this);
    if (!unacked.isEmpty()) {
      network.redeliver(this, List.copyOf(unacked.values()));
      unacked.clear();
    }
  }

  String phone() {
    return phone;
  }

  String secret() {
    return secret;
  }

  void qr(String qr, Instant expiresAt) {
    send(new JsonObject().put("push", "qr").put("qr", qr).put("expiresAt", expiresAt.toString()));
  }

  void linked(String phone, String secret, String credentials) {
    this.phone = phone;
    this.secret = secret;
    send(new JsonObject().put("push", "linked").put("phone", phone).put("credentials", credentials));
  }

  void connected(String phone, String secret) {
    this.phone = phone;
    this.secret = secret;
    send(new JsonObject().put("push", "connected").put("phone", phone));
  }

  /** {@code queued}: {@code {type, data, eventId}}, the event as the network keeps it until acknowledged. */
  void event(JsonObject queued) {
    if (unacked.size() >= MAX_UNACKED) {
      // A session that never acknowledges must not grow the network's memory without end.
      unacked.remove(unacked.keySet().iterator().next());
    }
    unacked.put(queued.getString("eventId"), queued);
    send(new JsonObject().put("push", "event").put("type", queued.getString("type")).put("data", queued.getJsonObject("data"))
        .put("eventId", queued.getString("eventId")));
  }

  /** The network ends the session and says why, e.g. {@code replaced} or {@code logged_out}. */
  void kick(String reason, boolean loggedOut) {
    JsonObject frame = new JsonObject().put("push", "disconnected").put("reason", reason).put("loggedOut", loggedOut);
    later(() -> {
      if (!closed) {
        channel.write(frame).onComplete(r -> channel.close());
      }
    });
  }

  /** The connection breaks without a word, as a network failure would. */
  void drop() {
    if (!closed) {
      channel.close();
    }
  }

  private void send(JsonObject frame) {
    later(() -> {
      if (!closed) {
        channel.write(frame);
      }
    });
  }

  /** Injected latency delays both directions; equal delays keep the frames in order. */
  private void later(Runnable action) {
    long ms = network.faults.latencyOf(phone);
    if (ms > 0) {
      vertx.setTimer(ms, t -> action.run());
    } else {
      action.run();
    }
  }

  /** A frame from the device. */
  void onFrame(JsonObject frame) {
    later(() -> handle(frame));
  }

  private void handle(JsonObject frame) {
    if (closed) {
      return;
    }
    if ("ack".equals(frame.getValue("op"))) {
      // Fire and forget, as WhatsApp's acks: no answer.
      unacked.remove(String.valueOf(frame.getValue("eventId")));
      return;
    }
    Object id = frame.getValue("id");
    JsonObject reply = new JsonObject().put("id", id);
    try {
      reply.put("ok", true).put("result", dispatch(String.valueOf(frame.getString("op")), frame));
    } catch (SimException e) {
      reply.put("ok", false).put("error", new JsonObject().put("code", e.code).put("message", e.getMessage()));
    } catch (ClassCastException e) {
      reply.put("ok", false).put("error", new JsonObject().put("code", "VALIDATION_ERROR").put("message", "wrong argument type"));
    } catch (RuntimeException e) {
      // Whatever went wrong, the device gets an answer instead of waiting for its timeout.
      reply.put("ok", false).put("error", new JsonObject().put("code", "ENGINE_ERROR").put("message", String.valueOf(e)));
    }
    send(reply);
    if ("logout".equals(frame.getString("op")) && reply.getBoolean("ok")) {
      later(channel::close);
    }
  }

  private JsonObject dispatch(String op, JsonObject f) {
    if ("hello".equals(op)) {
      return hello(f.getString("credentials"));
    }
    if (!greeted) {
      throw SimException.badRequest("say hello first");
    }
    if ("pair_code".equals(op)) {
      return new JsonObject().put("code", network.linking.requestCode(this, Jids.phone(f.getString("phone"))));
    }
    if (phone == null) {
      throw new SimException(409, "DEVICE_NOT_CONNECTED", "this session is not linked");
    }
    return switch (op) {
      case "send" -> sendMessage(f);
      case "edit" -> {
        network.changes.edit(phone, f.getString("messageId"), f.getString("text"));
        yield new JsonObject();
      }
      case "revoke" -> {
        network.changes.revoke(phone, f.getString("messageId"));
        yield new JsonObject();
      }
      case "read" -> {
        network.deviceRead(phone, f.getString("chatId"), strings(f.getJsonArray("messageIds")));
        yield new JsonObject();
      }
      case "presence" -> {
        network.presence(phone, f.getString("chatId"), f.getString("state"));
        yield new JsonObject();
      }
      case "on_whatsapp" -> {
        String number = Jids.phone(f.getString("phone"));
        boolean exists = Jids.onWhatsApp(number);
        yield new JsonObject().put("exists", exists).put("jid", exists ? Jids.user(number) : null);
      }
      case "contacts" -> new JsonObject().put("items", network.contacts(phone));
      case "groups" -> new JsonObject().put("items", network.groups.of(phone));
      case "contact" -> network.accounts.contact(phone, Jids.phone(f.getString("phone")));
      case "block" -> {
        network.accounts.block(phone, Jids.phone(f.getString("jid")), Boolean.TRUE.equals(f.getValue("blocked")));
        yield new JsonObject();
      }
      case "profile" -> network.accounts.profile(phone);
      case "chat_set" -> {
        network.accounts.chat(phone, f.getString("chatId"), f.getString("setting"), f.getString("value"));
        yield new JsonObject();
      }
      case "profile_set" -> {
        network.accounts.set(phone, f.getString("name"), f.getString("about"));
        yield new JsonObject();
      }
      case "group_create" -> network.groups.create(phone, f.getString("subject"), phones(f.getJsonArray("participants"))).metadata();
      case "group_metadata" -> network.groups.visibleTo(f.getString("groupId"), phone).metadata();
      case "group_participants" -> new JsonObject().put("items", network.groups.update(phone, f.getString("groupId"),
          f.getString("action"), phones(f.getJsonArray("participants"))));
      case "group_leave" -> {
        network.groups.leave(phone, f.getString("groupId"));
        yield new JsonObject();
      }
      case "group_invite" -> new JsonObject().put("code", network.groups.inviteCode(phone, f.getString("groupId")));
      case "group_join" -> network.groups.join(phone, f.getString("code")).metadata();
      case "group_set" -> {
        network.groups.change(phone, f.getString("groupId"), f.getString("subject"), f.getString("description"),
            f.getBoolean("announce"), f.getBoolean("locked"));
        yield new JsonObject();
      }
      case "group_invite_revoke" -> new JsonObject().put("code", network.groups.revokeInvite(phone, f.getString("groupId")));
      case "group_invite_info" -> network.groups.preview(f.getString("code"));
      case "channels" -> new JsonObject().put("items", network.channels.of(phone));
      case "call_reject" -> {
        network.rejectCall(phone, f.getString("callId"));
        yield new JsonObject();
      }
      case "logout" -> {
        network.linking.logoutSecret(secret);
        yield new JsonObject();
      }
      default -> throw SimException.badRequest("unknown op " + op);
    };
  }

  private JsonObject hello(String credentials) {
    if (greeted) {
      throw SimException.badRequest("hello was already said");
    }
    greeted = true;
    if (credentials == null) {
      network.linking.startLinking(this);
      return new JsonObject().put("linking", true);
    }
    try {
      network.linking.resume(this, credentials);
      return new JsonObject().put("phone", phone);
    } catch (SimException e) {
      kick("logged_out", true);
      throw e;
    }
  }

  private JsonObject sendMessage(JsonObject f) {
    if (network.faults.refusesSends(phone)) {
      throw new SimException(503, "ENGINE_ERROR", "the network refuses sends from " + phone);
    }
    String to = f.getString("to");
    if (to == null) {
      throw SimException.badRequest("to is required");
    }
    String id = network.route(phone, f.getString("messageId"), to, f.getString("type"), f.getJsonObject("content"));
    return new JsonObject().put("messageId", id);
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }

  private static List<String> phones(JsonArray a) {
    return strings(a).stream().map(Jids::phone).toList();
  }
}
