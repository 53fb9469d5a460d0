package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole simulated network in memory: who holds which credential, which sockets are online,
 * what every simulated person has received, and the routing between them. Everything runs on the
 * simulator verticle's context, so plain collections are enough.
 *
 * <p>A phone number held by a live (not logged-out) credential is a gateway device; every other
 * number is a simulated person whose inbox the control API reads. Events for a device that is
 * offline wait in a queue until it reconnects, as WhatsApp keeps them for a linked device.
 */
final class Network implements Groups.Sink, Changes.Recipients {

  /** How many message ids the network remembers to deliver a resend once, and how many calls it keeps. */
  static final int REMEMBERED_IDS = 1_000_000;
  static final int REMEMBERED_CALLS = 10_000;

  private static final Set<String> PRESENCE_STATES =
      Set.of("composing", "recording", "paused", "available", "unavailable");

  private final Vertx vertx;
  final Linking linking;
  final Groups groups = new Groups(this);
  final Faults faults = new Faults();
  final Changes changes = new Changes(this);
  final Accounts accounts = new Accounts();
  final Channels channels;

  private final Map<String, List<JsonObject>> pending = new HashMap<>();
  // What the simulator remembers is bounded (SimulatorOptions): each person's newest messages and
  // receipts, and the newest message ids, so that a long load test does not fill the heap.
  private final int inboxLimit;
  private final Map<String, Deque<JsonObject>> inboxes = new HashMap<>();
  private final Map<String, Deque<JsonObject>> personReceipts = new HashMap<>();
  private final Map<String, boolean[]> autoReceipts = new HashMap<>();
  /** Sender and id of the newest messages: a resend of one of them (a crash, a reconnect) is delivered once. */
  private final Set<String> seen = Recent.set(REMEMBERED_IDS);
  private final Map<String, String> senderOfDelivered = Recent.map(REMEMBERED_IDS);
  private final Map<String, Set<String>> contacts = new HashMap<>();
  private final Map<String, JsonObject> calls = Recent.map(REMEMBERED_CALLS);
  private long messagesRouted;
  private long duplicatesDropped;

  Network(Vertx vertx, long qrIntervalMs, int inboxLimit) {
    this.vertx = vertx;
    this.inboxLimit = inboxLimit;
    this.channels = new Channels(inboxLimit);
    this.linking = new Linking(vertx, qrIntervalMs, this::flushPending);
  }

  /** Sends a message from {@code sender} (device or person); the id it travels under. */
  String route(String sender, String messageId, String to, String type, JsonObject input) {
    JsonObject content = MessageContent.of(type, input == null ? new JsonObject() : input, sender);
    String id = messageId == null || messageId.isBlank() ? "SIM" + Jids.randomToken(16).toUpperCase() : messageId;
    if (Channels.isChannel(to)) {
      channels.post(sender, to, id, type, content);
      messagesRouted++;
      return id;
    }
    List<String> recipients;
    String groupId = null;
    if (Jids.isGroup(to)) {
      Group group = groups.visibleTo(to, sender);
      groups.checkSend(group, sender);
      groupId = group.id;
      recipients = group.participants.stream().filter(p -> !p.equals(sender)).toList();
    } else {
      String recipient = Jids.phone(to);
      if (!Jids.onWhatsApp(recipient)) {
        throw new SimException(404, "NOT_FOUND", recipient + " is not on WhatsApp");
      }
      recipients = List.of(recipient);
    }
    // A resend after a crash or a reconnect carries the same id; the network delivers it once.
    if (!seen.add(sender + "|" + id)) {
      duplicatesDropped++;
      return id;
    }
    String timestamp = Instant.now().toString();
    for (String recipient : recipients) {
      if (groupId == null) {
        contacts.computeIfAbsent(sender, k -> new LinkedHashSet<>()).add(recipient);
        contacts.computeIfAbsent(recipient, k -> new LinkedHashSet<>()).add(sender);
      }
      deliver(sender, recipient, id, type, content, groupId, timestamp);
    }
    changes.routed(sender, id, type, recipients, groupId, Instant.parse(timestamp));
    return id;
  }

  private void deliver(String sender, String recipient, String id, String type, JsonObject content,
      String groupId, String timestamp) {
    messagesRouted++;
    boolean isGroup = groupId != null;
    if (accounts.blocks(recipient, sender)) {
      // Blocked: WhatsApp shows the sender one tick and never delivers.
      return;
    }
    if (linking.isDevice(recipient)) {
      senderOfDelivered.put(recipient + "|" + id, sender);
      String chatId = isGroup ? groupId : Jids.user(sender);
      if ("react".equals(type)) {
        push(recipient, "reaction", new JsonObject().put("messageId", content.getString("messageId"))
            .put("chatId", chatId).put("from", Jids.user(sender)).put("emoji", content.getString("emoji"))
            .put("reactionId", id).put("isGroup", isGroup).put("timestamp", timestamp));
        return;
      }
      JsonObject data = content.copy().put("messageId", id).put("chatId", chatId).put("from", Jids.user(sender))
          .put("type", type).put("text", MessageContent.displayText(type, content))
          .put("isGroup", isGroup).put("timestamp", timestamp);
      push(recipient, "message", data);
      return;
    }
    JsonObject entry = content.copy();
    if ("react".equals(type)) {
      entry.put("targetMessageId", content.getString("messageId"));
    }
    entry.put("messageId", id).put("from", sender).put("chatId", isGroup ? groupId : sender)
        .put("type", type).put("text", MessageContent.displayText(type, content))
        .put("isGroup", isGroup).put("timestamp", timestamp).put("status", "RECEIVED");
    Recent.append(inboxes, recipient, entry, inboxLimit);
    boolean[] auto = autoReceipts.get(recipient);
    if (auto != null && (auto[0] || auto[1])) {
      // Deferred so that the sender hears "accepted" before it hears "delivered", as on WhatsApp.
      vertx.runOnContext(v -> {
        receiptFromPerson(recipient, entry, "DELIVERED");
        if (auto[1]) {
          receiptFromPerson(recipient, entry, "READ");
        }
      });
    }
  }

  @Override
  public boolean isDevice(String phone) {
    return linking.isDevice(phone);
  }

  @Override
  public JsonObject inboxEntry(String person, String messageId) {
    Deque<JsonObject> inbox = inboxes.get(person);
    if (inbox == null) {
      return null;
    }
    return inbox.stream().filter(m -> messageId.equals(m.getString("messageId"))).reduce((a, b) -> b).orElse(null);
  }

  /** Hands an event to the devices holding {@code phone}, or queues it while they are offline. */
  @Override
  public void push(String phone, String type, JsonObject data) {
    if (!linking.isDevice(phone)) {
      return;
    }
    // The event's id stays with it through queues and redeliveries: the device stores it once.
    JsonObject queued = new JsonObject().put("type", type).put("data", data).put("eventId", "SIMEVT" + Jids.randomToken(16));
    List<DeviceLink> online = linking.online(phone);
    if (online.isEmpty()) {
      pending.computeIfAbsent(phone, k -> new ArrayList<>()).add(queued);
      return;
    }
    online.forEach(link -> link.event(queued));
    if ("message".equals(type)) {
      // Deferred so that a sending device hears "accepted" before "delivered".
      vertx.runOnContext(v -> deviceReceived(phone, data));
    }
  }

  private void flushPending(String phone) {
    List<JsonObject> queued = pending.remove(phone);
    if (queued == null) {
      return;
    }
    List<DeviceLink> online = linking.online(phone);
    if (online.isEmpty()) {
      pending.put(phone, queued);
      return;
    }
    for (JsonObject e : queued) {
      online.forEach(link -> link.event(e));
      if ("message".equals(e.getString("type"))) {
        vertx.runOnContext(v -> deviceReceived(phone, e.getJsonObject("data")));
      }
    }
  }

  /**
   * A connection ended with events it had not acknowledged: the connection that replaced it (the
   * same credentials, resumed elsewhere) gets them now; with none online they wait, ahead of newer
   * ones, for the next. Another credential of the same phone online got its own copies.
   */
  void redeliver(DeviceLink closed, List<JsonObject> events) {
    String phone = closed.phone();
    if (phone == null || !linking.isDevice(phone)) {
      return;
    }
    DeviceLink successor = closed.secret() == null ? null : linking.onlineLink(closed.secret());
    if (successor != null) {
      events.forEach(successor::event);
    } else if (linking.online(phone).isEmpty()) {
      List<JsonObject> queue = new ArrayList<>(events);
      queue.addAll(pending.getOrDefault(phone, List.of()));
      pending.put(phone, queue);
    }
  }

  /** A device got a message: its sender learns it was delivered, as WhatsApp's double tick. */
  private void deviceReceived(String devicePhone, JsonObject message) {
    String sender = Jids.phone(message.getString("from"));
    receipt(devicePhone, sender, message.getString("messageId"), message.getString("chatId"), "DELIVERED");
  }

  private void receipt(String by, String sender, String messageId, String chatId, String status) {
    String chatOfSender = Jids.isGroup(chatId) ? chatId : Jids.user(by);
    JsonObject receipt = new JsonObject().put("messageId", messageId).put("status", status)
        .put("by", Jids.user(by)).put("chatId", chatOfSender).put("timestamp", Instant.now().toString());
    if (linking.isDevice(sender)) {
      push(sender, "receipt", receipt);
    } else {
      Recent.append(personReceipts, sender, receipt.put("by", by), inboxLimit);
    }
  }

  private void receiptFromPerson(String person, JsonObject entry, String status) {
    if ("READ".equals(entry.getString("status")) && !"READ".equals(status)) {
      return;
    }
    entry.put("status", status);
    receipt(person, entry.getString("from"), entry.getString("messageId"), entry.getString("chatId"), status);
  }

  void personReceipt(String person, String messageId, String status) {
    if (!"DELIVERED".equals(status) && !"READ".equals(status)) {
      throw SimException.badRequest("status is DELIVERED or READ");
    }
    Deque<JsonObject> inbox = inboxes.getOrDefault(person, new ArrayDeque<>());
    JsonObject entry = inbox.stream().filter(m -> messageId.equals(m.getString("messageId"))).reduce((a, b) -> b)
        .orElseThrow(() -> SimException.notFound(person + " has not received " + messageId));
    receiptFromPerson(person, entry, status);
  }

  void autoReceipts(String person, boolean delivered, boolean read) {
    autoReceipts.put(person, new boolean[] {delivered, read});
  }

  /** A device read messages of a chat: each sender hears READ. */
  void deviceRead(String devicePhone, String chatId, List<String> messageIds) {
    for (String id : messageIds) {
      String sender = senderOfDelivered.get(devicePhone + "|" + id);
      if (sender != null) {
        receipt(devicePhone, sender, id, chatId, "READ");
      }
    }
  }

  void presence(String from, String chatId, String state) {
    if (!PRESENCE_STATES.contains(state)) {
      throw SimException.badRequest("state is one of " + PRESENCE_STATES);
    }
    JsonObject data = new JsonObject().put("from", Jids.user(from)).put("state", state);
    if (chatId == null || chatId.isBlank()) {
      contacts.getOrDefault(from, Set.of()).forEach(c -> push(c, "presence_update", data.copy().put("chatId", Jids.user(from))));
    } else if (Jids.isGroup(chatId)) {
      Group group = groups.visibleTo(chatId, from);
      group.participants.stream().filter(p -> !p.equals(from))
          .forEach(p -> push(p, "presence_update", data.copy().put("chatId", group.id)));
    } else {
      push(Jids.phone(chatId), "presence_update", data.put("chatId", Jids.user(from)));
    }
  }

  String call(String from, String to, boolean video) {
    String callee = Jids.phone(to);
    if (!Jids.onWhatsApp(callee)) {
      throw new SimException(404, "NOT_FOUND", callee + " is not on WhatsApp");
    }
    String callId = "CALL" + Jids.randomToken(16).toUpperCase();
    calls.put(callId, new JsonObject().put("callId", callId).put("from", from).put("to", callee)
        .put("video", video).put("status", "ringing").put("timestamp", Instant.now().toString()));
    push(callee, "call", new JsonObject().put("callId", callId).put("from", Jids.user(from))
        .put("video", video).put("rejected", false).put("timestamp", Instant.now().toString()));
    return callId;
  }

  /** The callee's device declines; the caller sees the call as {@code rejected}. */
  void rejectCall(String devicePhone, String callId) {
    JsonObject call = calls.get(callId);
    if (call == null || !devicePhone.equals(call.getString("to"))) {
      throw SimException.notFound("no call " + callId + " to " + devicePhone);
    }
    call.put("status", "rejected");
  }

  JsonArray calls(String phone) {
    JsonArray items = new JsonArray();
    calls.values().stream().filter(c -> phone.equals(c.getString("from")) || phone.equals(c.getString("to")))
        .forEach(c -> items.add(c.copy()));
    return items;
  }

  JsonArray inbox(String phone) {
    return new JsonArray(new ArrayList<>(inboxes.getOrDefault(phone, new ArrayDeque<>()).stream().map(JsonObject::copy).toList()));
  }

  JsonArray receiptsOf(String person) {
    return new JsonArray(new ArrayList<>(personReceipts.getOrDefault(person, new ArrayDeque<>())));
  }

  JsonArray contacts(String phone) {
    JsonArray items = new JsonArray();
    for (String c : contacts.getOrDefault(phone, Set.of())) {
      String name = accounts.name(c);
      items.add(new JsonObject().put("jid", Jids.user(c)).put("phone", c).put("name", name != null ? name : "+" + c));
    }
    return items;
  }

  /** Acts on the device holding {@code phone}: disconnect, logout, latency or refuse_sends. */
  void fault(String phone, String kind, long ms, boolean enabled) {
    if (!linking.isDevice(phone)) {
      throw SimException.notFound("no linked device holds " + phone);
    }
    switch (kind) {
      case "disconnect" -> linking.online(phone).forEach(DeviceLink::drop);
      case "logout" -> {
        pending.remove(phone);
        linking.logout(phone);
      }
      case "latency" -> faults.latency(phone, ms);
      case "refuse_sends" -> faults.refuseSends(phone, enabled);
      default -> throw SimException.badRequest("kind is disconnect, logout, latency or refuse_sends");
    }
  }

  JsonObject stats() {
    return new JsonObject()
        .put("connectedSessions", linking.connectedCount())
        .put("messagesRouted", messagesRouted)
        .put("duplicatesDropped", duplicatesDropped)
        .put("conflicts", linking.conflicts())
        .put("linkingSessions", linking.linkingCount());
  }

  void reset() {
    linking.reset();
    groups.clear();
    channels.clear();
    faults.clear();
    changes.clear();
    accounts.clear();
    pending.clear();
    inboxes.clear();
    personReceipts.clear();
    autoReceipts.clear();
    seen.clear();
    senderOfDelivered.clear();
    contacts.clear();
    calls.clear();
    messagesRouted = 0;
    duplicatesDropped = 0;
  }
}
