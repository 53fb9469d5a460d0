package dev.switchboard.message;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Fields;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** Routes of docs/api.md that change a sent message (edit, delete for everyone) or read a poll's votes. */
public final class ChangeApi {

  private final ChangeService changes;

  public ChangeApi(ChangeService changes) {
    this.changes = changes;
  }

  public void register(ApiRoutes routes) {
    String messages = "/api/clients/:clientId/devices/:deviceId/messages";
    // As GET and DELETE of one message: documented under by-id (the send's template differs only in its
    // parameter's name), and served at the shorter URL too.
    routes.add(PATCH, messages + "/by-id/:messageId", Access.CLIENT, "messages",
        "Edit a text this device sent (WhatsApp allows 15 minutes)", edit(), this::edit);
    routes.add(PATCH, messages + "/:messageId", Access.CLIENT, "messages", "Edit a text this device sent",
        RouteDoc.undocumented("the same as PATCH .../messages/by-id/{messageId}"), this::edit);
    routes.add(POST, messages + "/:messageId/revoke", Access.CLIENT, "messages",
        "Delete a message this device sent, for everyone", revoke(), this::revoke);
    routes.add(GET, messages + "/:messageId/votes", Access.CLIENT, "messages",
        "The votes on a poll this device sent, per option", votes(), this::votes);
  }

  private void edit(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("text"));
    String text = Fields.string(body, "text", true, SendRequest.MAX_TEXT);
    if (text.isEmpty()) {
      throw ApiException.validation("text", "text must not be empty");
    }
    Responses.reply(ctx, changes.edit(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), ctx.pathParam("messageId"), text),
        Responses::accepted);
  }

  private void revoke(RoutingContext ctx) {
    Responses.reply(ctx, changes.revoke(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), ctx.pathParam("messageId")),
        Responses::accepted);
  }

  private void votes(RoutingContext ctx) {
    Responses.reply(ctx, changes.votes(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), ctx.pathParam("messageId")),
        Responses::ok);
  }

  private static RouteDoc edit() {
    return RouteDoc.of()
        .body(true, Schemas.object(List.of("text"), "text", Schemas.string(1, SendRequest.MAX_TEXT)),
            new JsonObject().put("text", "the corrected text"))
        .returns(202, Schemas.object().put("description", "messageId, chatId, text and editedAt"))
        .errors(409, 503)
        .describe("409 NOT_EDITABLE: not a text this device sent, not sent yet, deleted, or older than 15 minutes;"
            + " 409 DEVICE_NOT_CONNECTED: the device must be connected");
  }

  private static RouteDoc revoke() {
    return RouteDoc.of()
        .returns(202, Schemas.object().put("description", "messageId, chatId and revoked: true"))
        .errors(409, 503)
        .describe("409 NOT_REVOCABLE: not sent by this device, not sent yet (DELETE cancels an unsent message), a"
            + " reaction, or older than WhatsApp allows (60 hours); deleting a deleted message again answers 202");
  }

  private static RouteDoc votes() {
    return RouteDoc.of()
        .returns(200, Schemas.object().put("description",
            "messageId, question, and options: [{name, count, voters: [JIDs]}], each voter's current choice"))
        .errors(404);
  }
}
