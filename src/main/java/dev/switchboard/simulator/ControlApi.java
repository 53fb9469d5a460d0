package dev.switchboard.simulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * The simulator's control API (docs/simulator.md): tests and demos act as the simulated people and
 * inject faults here. Besides the documented routes it offers three read-outs for tests:
 * {@code GET /sim/phones/:phone/receipts} (receipts a person got for what it sent),
 * {@code GET /sim/phones/:phone/calls} (calls to or from a number, with {@code status} ringing or
 * rejected) and {@code GET /sim/groups/:groupId} (metadata, with description, announce and locked).
 */
final class ControlApi {

  private static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

  private final Network network;
  private final SessionGate gate;

  ControlApi(Network network, SessionGate gate) {
    this.network = network;
    this.gate = gate;
  }

  void mount(Router router) {
    // JSON only: without file uploads Vert.x never creates its file-uploads/ directory in the working directory.
    router.route("/sim/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post("/sim/pair").handler(this::pair);
    router.post("/sim/pair-code").handler(this::pairByCode);
    router.post("/sim/phones/:phone/messages").handler(this::sendMessage);
    router.get("/sim/phones/:phone/messages").handler(this::inbox);
    router.post("/sim/phones/:phone/receipts").handler(this::receipt);
    router.get("/sim/phones/:phone/receipts").handler(this::receipts);
    router.post("/sim/phones/:phone/auto-receipts").handler(this::autoReceipts);
    router.post("/sim/phones/:phone/reactions").handler(this::react);
    router.post("/sim/phones/:phone/edits").handler(this::edit);
    router.post("/sim/phones/:phone/revokes").handler(this::revoke);
    router.post("/sim/phones/:phone/votes").handler(this::vote);
    router.post("/sim/phones/:phone/presence").handler(this::presence);
    router.post("/sim/phones/:phone/calls").handler(this::call);
    router.get("/sim/phones/:phone/calls").handler(this::calls);
    router.get("/sim/accounts/:phone").handler(ctx -> ok(ctx, network.accounts.view(phone(ctx))));
    router.put("/sim/accounts/:phone").handler(ctx -> {
      JsonObject body = body(ctx);
      network.accounts.set(phone(ctx), MessageContent.string(body, "name", false), MessageContent.string(body, "about", false));
      ok(ctx, network.accounts.view(phone(ctx)));
    });
    router.post("/sim/groups").handler(this::createGroup);
    router.get("/sim/groups/:groupId").handler(this::groupMetadata);
    router.post("/sim/channels").handler(ctx -> {
      JsonObject body = body(ctx);
      String id = network.channels.create(Jids.phone(required(body, "owner")), required(body, "name"));
      ok(ctx, new JsonObject().put("channelId", id));
    });
    router.get("/sim/channels/:channelId/messages").handler(ctx -> ok(ctx, network.channels.posts(ctx.pathParam("channelId"))));
    router.post("/sim/faults").handler(this::fault);
    router.get("/sim/stats").handler(ctx -> ok(ctx, network.stats().mergeIn(gate.stats())));
    router.post("/sim/reset").handler(this::reset);
    router.route("/sim/*").handler(ctx -> ctx.fail(SimException.notFound("no such simulator route: "
        + ctx.request().method() + " " + ctx.request().path())));
    router.route("/sim/*").failureHandler(this::failure);
  }

  private void pair(RoutingContext ctx) {
    JsonObject body = body(ctx);
    gate.checkPairing();
    String phone = network.linking.pairByQr(required(body, "qr"), Jids.phone(required(body, "phone")));
    ok(ctx, new JsonObject().put("phone", phone));
  }

  private void pairByCode(RoutingContext ctx) {
    JsonObject body = body(ctx);
    gate.checkPairing();
    String phone = network.linking.pairByCode(required(body, "code"), Jids.phone(required(body, "phone")));
    ok(ctx, new JsonObject().put("phone", phone));
  }

  private void sendMessage(RoutingContext ctx) {
    ok(ctx, new JsonObject().put("messageId", send(network, phone(ctx), body(ctx))));
  }

  /** Person {@code phone} sends {@code body} ({@code to}, {@code type} and the type's fields); the message id. */
  static String send(Network network, String phone, JsonObject body) {
    String type = body.getString("type", "text");
    // A reaction's messageId names the message reacted to; its own id, if chosen, is reactionId.
    String ownId = "react".equals(type) ? body.getString("reactionId") : body.getString("messageId");
    return network.route(phone, ownId, required(body, "to"), type, body);
  }

  private void inbox(RoutingContext ctx) {
    ok(ctx, network.inbox(phone(ctx)));
  }

  private void receipt(RoutingContext ctx) {
    JsonObject body = body(ctx);
    network.personReceipt(phone(ctx), required(body, "messageId"), required(body, "status"));
    ok(ctx, new JsonObject());
  }

  private void receipts(RoutingContext ctx) {
    ok(ctx, network.receiptsOf(phone(ctx)));
  }

  private void autoReceipts(RoutingContext ctx) {
    JsonObject body = body(ctx);
    boolean delivered = !body.containsKey("delivered") || MessageContent.bool(body, "delivered");
    boolean read = body.containsKey("read") && MessageContent.bool(body, "read");
    network.autoReceipts(phone(ctx), delivered, read);
    ok(ctx, new JsonObject().put("delivered", delivered).put("read", read));
  }

  private void react(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonObject content = new JsonObject().put("messageId", required(body, "messageId"))
        .put("emoji", MessageContent.string(body, "emoji", true));
    String id = network.route(phone(ctx), body.getString("reactionId"), required(body, "chatId"), "react", content);
    ok(ctx, new JsonObject().put("messageId", id));
  }

  private void edit(RoutingContext ctx) {
    JsonObject body = body(ctx);
    network.changes.edit(phone(ctx), required(body, "messageId"), required(body, "text"));
    ok(ctx, new JsonObject());
  }

  private void revoke(RoutingContext ctx) {
    network.changes.revoke(phone(ctx), required(body(ctx), "messageId"));
    ok(ctx, new JsonObject());
  }

  private void vote(RoutingContext ctx) {
    JsonObject body = body(ctx);
    network.changes.vote(phone(ctx), required(body, "pollMessageId"), MessageContent.array(body, "options"));
    ok(ctx, new JsonObject());
  }

  private void presence(RoutingContext ctx) {
    JsonObject body = body(ctx);
    network.presence(phone(ctx), body.getString("chatId"), required(body, "state"));
    ok(ctx, new JsonObject());
  }

  private void call(RoutingContext ctx) {
    JsonObject body = body(ctx);
    boolean video = body.containsKey("video") && MessageContent.bool(body, "video");
    ok(ctx, new JsonObject().put("callId", network.call(phone(ctx), required(body, "to"), video)));
  }

  private void calls(RoutingContext ctx) {
    ok(ctx, network.calls(phone(ctx)));
  }

  private void createGroup(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonArray raw = body.containsKey("participants") ? MessageContent.array(body, "participants") : new JsonArray();
    List<String> participants = raw.stream().map(p -> Jids.phone(String.valueOf(p))).toList();
    Group group = network.groups.create(Jids.phone(required(body, "owner")), required(body, "subject"), participants);
    ok(ctx, group.metadata());
  }

  private void groupMetadata(RoutingContext ctx) {
    ok(ctx, network.groups.get(ctx.pathParam("groupId")).metadata());
  }

  private void fault(RoutingContext ctx) {
    JsonObject body = body(ctx);
    long ms = body.getValue("ms") instanceof Number n ? n.longValue() : 0;
    boolean enabled = !body.containsKey("enabled") || MessageContent.bool(body, "enabled");
    network.fault(Jids.phone(required(body, "phone")), required(body, "kind"), ms, enabled);
    ok(ctx, new JsonObject());
  }

  private void reset(RoutingContext ctx) {
    network.reset();
    ok(ctx, new JsonObject());
  }

  private static String phone(RoutingContext ctx) {
    return Jids.phone(ctx.pathParam("phone"));
  }

  private static JsonObject body(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    if (body == null) {
      throw SimException.badRequest("a JSON object body is required");
    }
    return body;
  }

  private static String required(JsonObject body, String field) {
    return MessageContent.string(body, field, true);
  }

  private static void ok(RoutingContext ctx, Object json) {
    String text = json instanceof JsonArray a ? a.encode() : ((JsonObject) json).encode();
    ctx.response().putHeader("content-type", "application/json; charset=utf-8").end(text);
  }

  /** The one place that writes the simulator's error JSON. */
  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    int status;
    String message;
    if (t instanceof SimException e) {
      status = e.status;
      message = e.getMessage();
    } else if (t instanceof DecodeException || t instanceof ClassCastException || t instanceof IllegalArgumentException) {
      status = 400;
      message = "malformed request: " + t.getMessage();
    } else if (t == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      message = "request failed";
    } else {
      status = 500;
      message = String.valueOf(t);
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", message).encode());
  }
}
