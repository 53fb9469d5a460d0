package dev.switchboard.device;

import dev.switchboard.message.ChangeRepository;
import dev.switchboard.message.MediaRepository;
import dev.switchboard.message.MessageStore;
import dev.switchboard.message.MessageRepository;
import dev.switchboard.engine.EngineEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * What a device's actor keeps of the events its session reports, before they go out as events:
 * inbound messages are stored (media bytes become a {@code mediaId}; a redelivered message is
 * dropped), receipts move outbound messages to DELIVERED or READ, edits and revokes change the stored
 * message, and poll votes are kept per voter.
 */
public final class Inbox {

  private static final Set<String> CONTENT_SKIP = Set.of("messageId", "chatId", "from", "type", "isGroup", "timestamp",
      "media", "mimeType", "fileName");

  private final MessageStore store;
  private final String clientId;
  private final String deviceId;

  public Inbox(MessageStore store, String clientId, String deviceId) {
    this.store = store;
    this.clientId = clientId;
    this.deviceId = deviceId;
  }

  /**
   * The event's data as it should be published, or null when it is a duplicate to drop;
   * {@code keepDuplicates}: a message already stored is published too (its event id says whether it was).
   */
  public Future<JsonObject> accept(EngineEvent event, boolean keepDuplicates) {
    return switch (event.type()) {
      case "message" -> message(event.data(), keepDuplicates);
      case "receipt" -> receipt(event.data());
      case "message_edited" -> ChangeRepository.edit(store.pool(), clientId, deviceId, event.data().getString("messageId"),
          false, event.data().getString("text", ""), time(event.data().getString("timestamp"))).map(event.data());
      case "message_revoked" -> ChangeRepository.revoke(store.pool(), clientId, deviceId,
          event.data().getString("messageId"), false).map(event.data());
      case "poll_vote" -> vote(event.data());
      default -> Future.succeededFuture(event.data());
    };
  }

  private Future<JsonObject> message(JsonObject in, boolean keepDuplicates) {
    JsonObject data = in.copy();
    String base64 = (String) data.remove("media");
    Future<String> media = Future.succeededFuture();
    if (base64 != null) {
      Buffer bytes;
      try {
        bytes = Buffer.buffer(Base64.getDecoder().decode(base64));
      } catch (IllegalArgumentException e) {
        bytes = null;
      }
      if (bytes != null) {
        media = MediaRepository.insert(store.pool(), clientId, deviceId, data.getString("mimeType", "application/octet-stream"),
            data.getString("fileName"), bytes).map(MediaRepository.Media::mediaId);
      }
    }
    return media.compose(mediaId -> {
      if (mediaId != null) {
        data.put("mediaId", mediaId);
      }
      JsonObject content = new JsonObject();
      data.forEach(e -> {
        if (!CONTENT_SKIP.contains(e.getKey()) && e.getValue() != null) {
          content.put(e.getKey(), e.getValue());
        }
      });
      return store.inbound(new MessageRepository.Inbound(clientId, deviceId, data.getString("messageId"),
          data.getString("chatId"), data.getString("from"), data.getString("type", "text"), content,
          time(data.getString("timestamp"))));
    }).map(fresh -> fresh || keepDuplicates ? data : null);
  }

  /**
   * Keeps the voter's whole current choice on the poll, as option names. An engine that reads only
   * the options' SHA-256 hashes ({@code optionHashes}, hex) gets the names from the stored poll.
   */
  private Future<JsonObject> vote(JsonObject in) {
    JsonObject data = in.copy();
    Future<JsonArray> options;
    if (data.getValue("optionHashes") instanceof JsonArray hashes) {
      data.remove("optionHashes");
      options = MessageRepository.find(store.pool(), clientId, deviceId, data.getString("pollMessageId"))
          .map(poll -> names(poll == null ? null : poll.content(), hashes));
    } else {
      options = Future.succeededFuture(data.getValue("options") instanceof JsonArray a ? a : new JsonArray());
    }
    return options.compose(names -> ChangeRepository.vote(store.pool(), clientId, deviceId, data.getString("pollMessageId"),
        data.getString("voter"), names, time(data.getString("timestamp"))).map(data.put("options", names)));
  }

  /** The poll's options whose names hash (SHA-256, hex) to one of {@code hashes}, in the poll's order. */
  static JsonArray names(JsonObject poll, JsonArray hashes) {
    JsonArray names = new JsonArray();
    if (poll == null) {
      return names;
    }
    for (Object option : poll.getJsonArray("options", new JsonArray())) {
      String name = String.valueOf(option);
      if (hashes.contains(sha256Hex(name))) {
        names.add(name);
      }
    }
    return names;
  }

  /** WhatsApp names a poll option in a vote by the SHA-256 of its name. */
  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Future<JsonObject> receipt(JsonObject data) {
    String status = data.getString("status");
    if (!"DELIVERED".equals(status) && !"READ".equals(status)) {
      return Future.succeededFuture(data);
    }
    return store.receipt(new MessageRepository.Receipt(clientId, deviceId, data.getString("messageId"), status)).map(data);
  }

  private static OffsetDateTime time(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return Instant.parse(iso).atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
