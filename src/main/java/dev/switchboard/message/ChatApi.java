package dev.switchboard.message;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Paging;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.ChatIds;
import dev.switchboard.kernel.Fields;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/** Routes of docs/api.md about a device's chats: the list, one chat, and its archive, pin and mute flags. */
public final class ChatApi {

  private static final JsonObject CHAT = Schemas.object().put("description", "chatId, name, isGroup, unreadCount,"
      + " lastMessageAt, lastMessage {messageId, type, text?, fromMe, at}, archived, pinned, mutedUntil");

  private final ChatService chats;

  public ChatApi(ChatService chats) {
    this.chats = chats;
  }

  public void register(ApiRoutes routes) {
    String base = "/api/clients/:clientId/devices/:deviceId/chats";
    String one = base + "/:chatId";
    routes.add(GET, base, Access.CLIENT, "chats", "Recent chats, newest first", RouteDoc.of().paged()
        .query("archived", Schemas.enumOf(List.of("true", "false")), "only archived (true) or only other (false) chats")
        .returns(200, Schemas.page(CHAT)), this::list);
    routes.add(GET, one, Access.CLIENT, "chats", "One chat with its flags", RouteDoc.of().returns(200, CHAT).errors(404),
        this::get);
    routes.add(POST, one + "/archive", Access.CLIENT, "chats", "Archive or unarchive a chat",
        flag("archived"), ctx -> flag(ctx, "archived"));
    routes.add(POST, one + "/pin", Access.CLIENT, "chats", "Pin or unpin a chat", flag("pinned"), ctx -> flag(ctx, "pinned"));
    routes.add(POST, one + "/mute", Access.CLIENT, "chats", "Mute a chat until a time, or unmute it (null)",
        RouteDoc.of().body(true, Schemas.object(List.of("until"), "until", Schemas.nullable(new JsonObject()
                .put("type", "string").put("format", "date-time").put("description", "ISO-8601; null unmutes"))),
            new JsonObject().put("until", "2030-01-01T00:00:00Z")).returns(202, CHAT).errors(409, 503), this::mute);
  }

  private static RouteDoc flag(String field) {
    return RouteDoc.of().body(true, Schemas.object(List.of(field), field, Schemas.bool()), new JsonObject().put(field, true))
        .returns(202, CHAT).errors(409, 503);
  }

  private static String chatId(RoutingContext ctx) {
    return ChatIds.jid("chatId", ctx.pathParam("chatId"));
  }

  private void list(RoutingContext ctx) {
    String archived = ctx.queryParams().get("archived");
    if (archived != null && !archived.equals("true") && !archived.equals("false")) {
      throw ApiException.validation("archived", "archived must be true or false");
    }
    Responses.reply(ctx, chats.chats(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), Paging.of(ctx),
        archived == null ? null : Boolean.valueOf(archived)), Responses::ok);
  }

  private void get(RoutingContext ctx) {
    Responses.reply(ctx, chats.chat(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), chatId(ctx)), Responses::ok);
  }

  private void flag(RoutingContext ctx, String field) {
    String chat = chatId(ctx);
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of(field));
    boolean on = Fields.bool(body, field, true);
    Responses.reply(ctx, chats.set(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), chat, field, on, null),
        Responses::accepted);
  }

  private void mute(RoutingContext ctx) {
    String chat = chatId(ctx);
    JsonObject body = Bodies.object(ctx, false);
    Fields.onlyFields(body, Set.of("until"));
    if (!body.containsKey("until")) {
      throw ApiException.validation("until", "until is required: an ISO-8601 time, or null to unmute");
    }
    String raw = Fields.string(body, "until", false, 64);
    Instant until;
    try {
      until = raw == null ? null : Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw ApiException.validation("until", "until must be an ISO-8601 time such as 2030-01-01T00:00:00Z, or null");
    }
    Responses.reply(ctx, chats.set(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), chat, "mutedUntil", null, until),
        Responses::accepted);
  }
}
