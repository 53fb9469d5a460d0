package dev.switchboard.message;

import dev.switchboard.kernel.ChatIds;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Sends, their state, history and media. A send is answered 202 only once its rows are committed;
 * the device actor that owns the device (on any node) is then woken to drain its outbox.
 */
public final class MessageService {

  private final Vertx vertx;
  private final Pool pool;
  private final Devices devices;
  private final MessageStore store;
  private final MessageWriter writer;
  private final MediaFetcher fetcher;
  private final Quotas quotas;

  public MessageService(Vertx vertx, Pool pool, Pool sendPool, Devices devices, MessageStore store,
      MediaFetcher fetcher, Quotas quotas) {
    this.quotas = quotas;
    this.vertx = vertx;
    this.pool = pool;
    this.devices = devices;
    this.store = store;
    this.fetcher = fetcher;
    this.writer = new MessageWriter(sendPool);
  }

  /** A send's answer: 202 and the data of docs/api.md (one message, or {@code messages} for several recipients). */
  public Future<Idempotency.Answer> send(String clientId, String deviceId, String type, JsonObject body, String idempotencyKey) {
    SendRequest request = SendRequest.parse(type, body, Instant.now());
    if (idempotencyKey == null) {
      return accept(clientId, deviceId, request, null, null);
    }
    byte[] hash = Idempotency.hash(deviceId, type, body.encode());
    return Idempotency.replay(pool, clientId, idempotencyKey, hash).compose(first -> first != null
        ? quotas.peek(clientId).map(grant -> first.withHeaders(grant.headers()))
        : accept(clientId, deviceId, request, idempotencyKey, hash));
  }

  /** Sends a text the gateway itself decided on (auto-reply, call policy), through the same durable outbox. */
  public Future<String> sendText(String clientId, String deviceId, String chatJid, String text) {
    SendRequest request = new SendRequest(List.of(chatJid), "text", new JsonObject().put("text", text), null, null, null);
    return accept(clientId, deviceId, request, null, null).map(a -> a.data().getString("messageId"));
  }

  /**
   * Stores the send's messages, counted under the client's quota in the same statement (402 with nothing
   * sent past it).
   */
  private Future<Idempotency.Answer> accept(String clientId, String deviceId, SendRequest request, String key, byte[] hash) {
    return quotas.limit(clientId).compose(limit -> store(clientId, deviceId, request, key, hash, limit))
        .map(a -> a.answer().withHeaders(a.grant().headers()));
  }

  /** An answer, and where the client stands under its quota after it. */
  private record Accepted(Idempotency.Answer answer, Quotas.Grant grant) {
  }

  private Future<Accepted> store(String clientId, String deviceId, SendRequest request, String key, byte[] hash,
      Long limit) {
    return media(clientId, deviceId, request).compose(content -> {
      List<MessageRepository.Draft> drafts = new ArrayList<>();
      JsonArray answers = new JsonArray();
      String status = request.scheduled() ? "SCHEDULED" : "QUEUED";
      Outlet local = request.scheduled() ? null : store.attached(clientId, deviceId);
      Long takenBy = local == null ? null : local.epoch();
      for (String to : request.to()) {
        String id = ChatIds.newMessageId();
        drafts.add(new MessageRepository.Draft(clientId, deviceId, id, to, request.type(), content, status,
            MessageRepository.utc(request.sendAt()), takenBy));
        JsonObject answer = new JsonObject().put("messageId", id).put("status", status).put("to", to);
        if (request.scheduled()) {
          answer.put("sendAt", request.sendAt().toString());
        }
        answers.add(answer);
      }
      JsonObject data = answers.size() == 1 ? answers.getJsonObject(0) : new JsonObject().put("messages", answers);
      Idempotency.Answer answer = new Idempotency.Answer(202, data);
      MessageWriter.Request write = new MessageWriter.Request(drafts, local, limit);
      Future<MessageWriter.Written> written = key == null ? writer.write(write) : pool.withTransaction(tx ->
          Idempotency.record(tx, clientId, key, hash, answer).compose(mine -> mine
              // Nothing stored: the key and the quota's count roll back with the rest.
              ? MessageWriter.insert(tx, List.of(write)).compose(w -> w.get(0).rows().isEmpty()
                  ? Future.failedFuture(new NotStored(w.get(0).used())) : Future.succeededFuture(w.get(0)))
              : Future.failedFuture(new KeyTaken())))
          .onSuccess(w -> MessageWriter.handOver(List.of(write), List.of(w)));
      return written
          .recover(e -> e instanceof NotStored n
              ? Future.succeededFuture(new MessageWriter.Written(List.of(), n.used)) : Future.failedFuture(e))
          .compose(w -> {
            Quotas.Grant grant = quotas.grant(limit, w.used());
            if (w.used() != null && w.used() < 0) {
              return Future.failedFuture(new Quotas.Exceeded(grant, drafts.size()));
            }
            if (w.rows().isEmpty()) {
              if (key == null) {
                quotas.unused(clientId, drafts.size(), grant);
              }
              return notStored(clientId, deviceId).map(a -> new Accepted(a, grant));
            }
            quotas.stored(clientId, drafts.size(), grant);
            if (!request.scheduled() && w.rows().stream().anyMatch(row -> !row.taken())) {
              // Queued for an actor elsewhere (or whose lease moved meanwhile): it claims them once woken.
              devices.wake(clientId, deviceId);
            }
            return Future.succeededFuture(new Accepted(answer, grant));
          })
          // A request with the same key committed first: answer as it was answered.
          .recover(e -> e instanceof KeyTaken
              ? Idempotency.replay(pool, clientId, key, hash).compose(a -> quotas.peek(clientId)
                  .map(grant -> new Accepted(a, grant)))
              : Future.failedFuture(e));
    });
  }

  /** Why nothing was stored: the device does not exist, or it is logged out or stopped. */
  private Future<Idempotency.Answer> notStored(String clientId, String deviceId) {
    return devices.get(clientId, deviceId).compose(device -> Future.failedFuture(ApiException.conflict(
        "DEVICE_NOT_CONNECTED", "STOPPED".equals(device.getString("status"))
            ? "device '" + deviceId + "' is STOPPED; start it (POST .../start) before sending"
            : "device '" + deviceId + "' is " + device.getString("status")
                + " and will not connect again; link it again before sending")));
  }

  /** The content to store: media fetched or checked and referenced by {@code mediaId}. */
  private Future<JsonObject> media(String clientId, String deviceId, SendRequest request) {
    if (!request.hasMedia()) {
      return Future.succeededFuture(request.content());
    }
    if (request.mediaId() != null) {
      return MediaRepository.info(pool, clientId, deviceId, request.mediaId()).compose(m -> m == null
          ? Future.failedFuture(ApiException.validation("mediaId", "no media '" + request.mediaId() + "' on device '" + deviceId + "'"))
          : Future.succeededFuture(request.content().copy().put("mediaId", m.mediaId())));
    }
    return devices.get(clientId, deviceId)
        .compose(device -> fetcher.fetch(request.mediaUrl()))
        .compose(f -> MediaRepository.insert(pool, clientId, deviceId, f.mimeType(), f.fileName(), f.data()))
        .map(m -> request.content().copy().put("mediaId", m.mediaId()));
  }

  /** The node's message store, where its device actors' outboxes attach. */
  MessageStore store() {
    return store;
  }

  /** The client's use this month: messages sent, quota, devices, API requests. */
  public Future<JsonObject> usage(String clientId) {
    return quotas.usage(clientId);
  }

  public Future<JsonObject> get(String clientId, String deviceId, String messageId) {
    return devices.get(clientId, deviceId)
        .compose(d -> MessageRepository.find(pool, clientId, deviceId, messageId))
        .compose(m -> m == null ? Future.failedFuture(messageNotFound(messageId)) : Future.succeededFuture(m.toJson()));
  }

  public Future<JsonObject> cancel(String clientId, String deviceId, String messageId) {
    return devices.get(clientId, deviceId)
        .compose(d -> MessageRepository.cancel(pool, clientId, deviceId, messageId))
        .compose(cancelled -> MessageRepository.find(pool, clientId, deviceId, messageId).compose(m -> {
          if (m == null || !"outbound".equals(m.direction())) {
            return Future.failedFuture(messageNotFound(messageId));
          }
          if (!cancelled) {
            // Still QUEUED but not cancelled: the device actor has taken it and is sending it.
            String state = "QUEUED".equals(m.status()) ? "being sent" : m.status();
            return Future.failedFuture(ApiException.conflict("CONFLICT",
                "message '" + messageId + "' is " + state + " and can no longer be cancelled"));
          }
          return Future.succeededFuture(m.toJson());
        }));
  }

  public Future<JsonObject> scheduled(String clientId, Page page) {
    return MessageRepository.scheduled(pool, clientId, page.afterId(), page.limit())
        .map(rows -> page.result(rows, m -> String.valueOf(m.id()), StoredMessage::toJson));
  }

  /** The client's messages across devices and chats, newest first, filtered ({@code filter}'s nulls: any). */
  public Future<JsonObject> log(String clientId, String direction, String status, String deviceId,
      java.time.Instant since, java.time.Instant until, Page page) {
    MessageLogRepository.Filter filter = new MessageLogRepository.Filter(direction, status, deviceId, since, until);
    return MessageLogRepository.log(pool, clientId, filter, page.afterId(), page.limit() + 1)
        .map(rows -> page.result(rows, m -> String.valueOf(m.id()), StoredMessage::toJson));
  }

  public Future<JsonObject> history(String clientId, String deviceId, String chatId, Page page) {
    return devices.get(clientId, deviceId)
        .compose(d -> MessageRepository.history(pool, clientId, deviceId, chatId, page.afterId(), page.limit()))
        .map(rows -> page.result(rows, m -> String.valueOf(m.id()), StoredMessage::toJson));
  }

  /** Sends read receipts for the chat's unread inbound messages and records them as read. */
  public Future<JsonObject> read(String clientId, String deviceId, String chatId) {
    return devices.get(clientId, deviceId)
        .compose(d -> MessageRepository.unread(pool, clientId, deviceId, chatId, 1_000))
        .compose(ids -> ids.isEmpty() ? Future.succeededFuture(0) : devices.markRead(clientId, deviceId, chatId, ids)
            .compose(r -> MessageRepository.markRead(pool, clientId, deviceId, ids)).map(ids.size()))
        .map(n -> new JsonObject().put("chatId", chatId).put("read", n));
  }

  public Future<MediaRepository.Media> upload(String clientId, String deviceId, String mimeType, String fileName, Buffer data) {
    return devices.get(clientId, deviceId).compose(d -> MediaRepository.insert(pool, clientId, deviceId, mimeType, fileName, data));
  }

  public Future<MediaRepository.Media> download(String clientId, String deviceId, String mediaId) {
    return devices.get(clientId, deviceId)
        .compose(d -> MediaRepository.load(pool, clientId, deviceId, mediaId))
        .compose(m -> m == null
            ? Future.failedFuture(ApiException.notFound("NOT_FOUND", "no media '" + mediaId + "' on device '" + deviceId + "'"))
            : Future.succeededFuture(m));
  }

  static ApiException messageNotFound(String messageId) {
    return ApiException.notFound("MESSAGE_NOT_FOUND", "message '" + messageId + "' does not exist on this device");
  }

  /** The device does not exist or is logged out: nothing was stored. */
  private static final class NotStored extends RuntimeException {
    private final transient Long used;

    NotStored(Long used) {
      super(null, null, false, false);
      this.used = used;
    }
  }

  /** Another request with the same Idempotency-Key committed first. */
  private static final class KeyTaken extends RuntimeException {
    KeyTaken() {
      super(null, null, false, false);
    }
  }
}
