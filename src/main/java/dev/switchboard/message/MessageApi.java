package dev.switchboard.message;

import dev.switchboard.http.Paging;
import dev.switchboard.http.Queries;
import dev.switchboard.kernel.ChatIds;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.kernel.Page;
import dev.switchboard.http.Responses;
import dev.switchboard.http.RouteDoc;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/** Routes of docs/api.md, Messages and Media, plus chats and history (served from PostgreSQL). */
public final class MessageApi {

  /** How long an upload's body may stop arriving before the request is answered 400. */
  static final long UPLOAD_IDLE_MS = 10_000;

  private final MessageService messages;
  private final long mediaMaxBytes;

  public MessageApi(MessageService messages, long mediaMaxBytes) {
    this.messages = messages;
    this.mediaMaxBytes = mediaMaxBytes;
  }

  public void register(ApiRoutes routes) {
    String device = "/api/clients/:clientId/devices/:deviceId";
    TreeSet<String> types = new TreeSet<>(SendRequest.types());
    routes.add(POST, device + "/messages/:type", Access.CLIENT, "messages",
        "Send a message of the given type (202 once stored; Idempotency-Key honoured)", MessageDocs.send(), ctx -> {
          String type = ctx.pathParam("type");
          if (!types.contains(type)) {
            ctx.fail(ApiException.notFound("NOT_FOUND", "no message type '" + type + "'; types: " + String.join(", ", types)));
          } else {
            send(ctx, type);
          }
        });
    // One message has its own template, distinct from the send's; the earlier URL, which differs from
    // the send's only in its parameter's name, stays served but out of the document.
    routes.add(GET, device + "/messages/by-id/:messageId", Access.CLIENT, "messages", "One message and its status",
        MessageDocs.message(), this::get);
    routes.add(DELETE, device + "/messages/by-id/:messageId", Access.CLIENT, "messages",
        "Cancel a scheduled or still queued message", MessageDocs.cancel(), this::cancel);
    routes.add(GET, device + "/messages/:messageId", Access.CLIENT, "messages", "One message and its status",
        RouteDoc.undocumented("earlier URL of GET .../messages/by-id/{messageId}"), this::get);
    routes.add(DELETE, device + "/messages/:messageId", Access.CLIENT, "messages",
        "Cancel a scheduled or still queued message",
        RouteDoc.undocumented("earlier URL of DELETE .../messages/by-id/{messageId}"), this::cancel);
    routes.add(GET, "/api/clients/:clientId/messages", Access.CLIENT, "messages",
        "The client's message log across devices and chats, newest first", MessageDocs.log(), this::log);
    routes.add(GET, "/api/clients/:clientId/usage", Access.CLIENT, "messages",
        "This calendar month's use (UTC): messages sent, the quota and what is left, devices, API requests",
        MessageDocs.usage(), ctx -> Responses.reply(ctx, messages.usage(ctx.pathParam("clientId")), Responses::ok));
    routes.add(GET, "/api/clients/:clientId/scheduled", Access.CLIENT, "messages", "The client's scheduled messages",
        MessageDocs.scheduled(), this::scheduled);
    // The body is read only after authentication (ApiRouter leaves it paused), by UploadReader.
    routes.add(POST, device + "/media", Access.CLIENT, "media", "Upload a file (multipart field 'file')",
        MessageDocs.upload(mediaMaxBytes), this::upload);
    routes.add(GET, device + "/media/:mediaId", Access.CLIENT, "media", "Download a file with its Content-Type",
        MessageDocs.download(), this::download);
    routes.add(GET, device + "/chats/:chatId/messages", Access.CLIENT, "chats", "A chat's history, newest first",
        MessageDocs.history(), this::history);
    routes.add(POST, device + "/chats/:chatId/read", Access.CLIENT, "chats", "Send read receipts for the chat's unread messages",
        MessageDocs.read(), this::read);
  }

  private void send(RoutingContext ctx, String type) {
    JsonObject body = Bodies.object(ctx, false);
    String key = Idempotency.key(ctx.request().getHeader("Idempotency-Key"));
    Responses.reply(ctx, messages.send(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), type, body, key)
            .onFailure(e -> {
              if (e instanceof Quotas.Exceeded exceeded) {
                exceeded.grant().headers().forEach(ctx.response()::putHeader);
              }
            }),
        (c, answer) -> {
          answer.headers().forEach(c.response()::putHeader);
          return Responses.send(c, answer.status(), answer.data());
        });
  }

  private void get(RoutingContext ctx) {
    Responses.reply(ctx, messages.get(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), ctx.pathParam("messageId")),
        Responses::ok);
  }

  private void cancel(RoutingContext ctx) {
    Responses.reply(ctx, messages.cancel(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), ctx.pathParam("messageId")),
        Responses::ok);
  }

  private void scheduled(RoutingContext ctx) {
    Responses.reply(ctx, messages.scheduled(ctx.pathParam("clientId"), Paging.of(ctx)), Responses::ok);
  }

  private void log(RoutingContext ctx) {
    Responses.reply(ctx, messages.log(ctx.pathParam("clientId"), Queries.oneOf(ctx, "direction", MessageDocs.DIRECTIONS),
        Queries.oneOf(ctx, "status", MessageDocs.STATUSES), Queries.id(ctx, "deviceId"), Queries.instant(ctx, "since"),
        Queries.instant(ctx, "until"), Paging.of(ctx)), Responses::ok);
  }


  private void history(RoutingContext ctx) {
    String chat = ChatIds.jid("chatId", ctx.pathParam("chatId"));
    Responses.reply(ctx, messages.history(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), chat, Paging.of(ctx)),
        Responses::ok);
  }

  private void read(RoutingContext ctx) {
    String chat = ChatIds.jid("chatId", ctx.pathParam("chatId"));
    Responses.reply(ctx, messages.read(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), chat), Responses::accepted);
  }

  private void upload(RoutingContext ctx) {
    Responses.reply(ctx, UploadReader.read(ctx, mediaMaxBytes, UPLOAD_IDLE_MS)
            .compose(file -> messages.upload(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), file.mimeType(),
                file.fileName(), file.data())),
        (c, media) -> Responses.created(c, media.toJson()));
  }

  private void download(RoutingContext ctx) {
    Responses.reply(ctx, messages.download(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), ctx.pathParam("mediaId")),
        (c, media) -> {
          // Stored values come from uploads, fetched URLs and inbound messages: only safe header values go out.
          var response = c.response().putHeader("content-type", MediaTypes.orFallback(media.mimeType()))
              .putHeader("x-content-type-options", "nosniff")
              .putHeader("cache-control", "private, max-age=3600");
          if (media.fileName() != null) {
            response.putHeader("content-disposition", contentDisposition(media.fileName()));
          }
          return response.end(media.data());
        });
  }

  /** RFC 6266: an ASCII fallback name and the exact name percent-encoded as UTF-8. */
  static String contentDisposition(String fileName) {
    String ascii = fileName.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
    StringBuilder encoded = new StringBuilder();
    for (byte b : fileName.replaceAll("\\p{Cntrl}", "").getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
