package dev.switchboard.message;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiException;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Bodies;
import dev.switchboard.http.Page;
import dev.switchboard.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Routes of API.md, Messages and Media, plus chats and history (served from PostgreSQL). */
public final class MessageApi {

  private final MessageService messages;
  private final Path uploads;
  private final long mediaMaxBytes;

  public MessageApi(MessageService messages, Path uploads, long mediaMaxBytes) {
    this.messages = messages;
    this.uploads = uploads;
    this.mediaMaxBytes = mediaMaxBytes;
  }

  public void register(ApiRoutes routes) {
    String device = "/api/clients/:clientId/devices/:deviceId";
    // The router tries its routes in order: texts, most of the sends, first.
    List<String> types = new ArrayList<>(new TreeSet<>(SendRequest.types()));
    types.remove("text");
    types.addFirst("text");
    for (String type : types) {
      routes.add(POST, device + "/messages/" + type, Access.CLIENT, "messages",
          "Send a " + type + " message (202 once stored; Idempotency-Key honoured)", ctx -> send(ctx, type));
    }
    routes.add(POST, device + "/messages/:type", Access.CLIENT, "messages", "Any other type: 404 naming the types there are",
        ctx -> ctx.fail(ApiException.notFound("NOT_FOUND", "no message type '" + ctx.pathParam("type") + "'; types: "
            + String.join(", ", new TreeSet<>(SendRequest.types())))));
    routes.add(GET, device + "/messages/:messageId", Access.CLIENT, "messages", "One message and its status", this::get);
    routes.add(DELETE, device + "/messages/:messageId", Access.CLIENT, "messages",
        "Cancel a scheduled or still queued message", this::cancel);
    routes.add(GET, "/api/clients/:clientId/scheduled", Access.CLIENT, "messages", "The client's scheduled messages",
        this::scheduled);
    // Read only after authentication: the upload's own body handler, with the media limit.
    BodyHandler uploadBody = BodyHandler.create(uploads.toString()).setBodyLimit(mediaMaxBytes + 64 * 1024)
        .setDeleteUploadedFilesOnEnd(true).setHandleFileUploads(true);
    routes.add(POST, device + "/media", Access.CLIENT, "media", "Upload a file (multipart field 'file')", uploadBody::handle)
        .handler(this::upload);
    routes.add(GET, device + "/media/:mediaId", Access.CLIENT, "media", "Download a file with its Content-Type", this::download);
    routes.add(GET, device + "/chats", Access.CLIENT, "chats", "Recent chats, newest first", this::chats);
    routes.add(GET, device + "/chats/:chatId/messages", Access.CLIENT, "chats", "A chat's history, newest first", this::history);
    routes.add(POST, device + "/chats/:chatId/read", Access.CLIENT, "chats", "Send read receipts for the chat's unread messages",
        this::read);
  }

  private void send(RoutingContext ctx, String type) {
    JsonObject body = Bodies.object(ctx, false);
    String key = Idempotency.key(ctx.request().getHeader("Idempotency-Key"));
    Responses.reply(ctx, messages.send(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), type, body, key),
        (c, answer) -> Responses.send(c, answer.status(), answer.data()));
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
    Responses.reply(ctx, messages.scheduled(ctx.pathParam("clientId"), Page.of(ctx)), Responses::ok);
  }

  private void chats(RoutingContext ctx) {
    Responses.reply(ctx, messages.chats(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), Page.of(ctx)), Responses::ok);
  }

  private void history(RoutingContext ctx) {
    String chat = ChatIds.jid("chatId", ctx.pathParam("chatId"));
    Responses.reply(ctx, messages.history(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), chat, Page.of(ctx)),
        Responses::ok);
  }

  private void read(RoutingContext ctx) {
    String chat = ChatIds.jid("chatId", ctx.pathParam("chatId"));
    Responses.reply(ctx, messages.read(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), chat), Responses::accepted);
  }

  private void upload(RoutingContext ctx) {
    List<FileUpload> files = ctx.fileUploads().stream().filter(f -> f.name().equals("file")).toList();
    if (files.size() != 1) {
      throw ApiException.validation("file", "send exactly one multipart part named 'file'");
    }
    FileUpload file = files.get(0);
    if (file.size() == 0) {
      throw ApiException.validation("file", "the file is empty");
    }
    if (file.size() > mediaMaxBytes) {
      throw new ApiException(413, "PAYLOAD_TOO_LARGE", "media uploads are limited to " + mediaMaxBytes / 1048576 + " MiB");
    }
    String mime = file.contentType() == null || file.contentType().isBlank()
        ? "application/octet-stream" : file.contentType().toLowerCase(Locale.ROOT);
    String name = baseName(file.fileName());
    Responses.reply(ctx, ctx.vertx().fileSystem().readFile(file.uploadedFileName())
            .compose(bytes -> messages.upload(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), mime, name, bytes)),
        (c, media) -> Responses.created(c, media.toJson()));
  }

  private void download(RoutingContext ctx) {
    messages.download(ctx.pathParam("clientId"), ctx.pathParam("deviceId"), ctx.pathParam("mediaId"))
        .onSuccess(media -> {
          var response = ctx.response().putHeader("content-type", media.mimeType())
              .putHeader("x-content-type-options", "nosniff")
              .putHeader("cache-control", "private, max-age=3600");
          if (media.fileName() != null) {
            response.putHeader("content-disposition", "attachment; filename=\"" + media.fileName().replaceAll("[\"\\\\\\r\\n]", "_") + "\"");
          }
          response.end(media.data());
        })
        .onFailure(ctx::fail);
  }

  private static String baseName(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    base = base.replaceAll("\\p{Cntrl}", "");
    return base.isEmpty() ? null : base.length() > 255 ? base.substring(0, 255) : base;
  }
}
