package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Changes to messages a device sent: edits and revokes (checked here against WhatsApp's rules, then
 * done by the device's live session, then recorded), and the results of its polls.
 */
public final class ChangeService {

  /** WhatsApp lets the author edit a text for 15 minutes after sending it. */
  static final Duration EDIT_WINDOW = Duration.ofMinutes(15);
  /** WhatsApp lets the author delete a message for everyone for about two and a half days. */
  static final Duration REVOKE_WINDOW = Duration.ofHours(60);

  private final Pool pool;
  private final Devices devices;

  public ChangeService(Pool pool, Devices devices) {
    this.pool = pool;
    this.devices = devices;
  }

  /** Edits a sent text message; 409 NOT_EDITABLE when WhatsApp would refuse. */
  public Future<JsonObject> edit(String clientId, String deviceId, String messageId, String text) {
    return sent(clientId, deviceId, messageId).compose(m -> {
      String refusal = !"outbound".equals(m.direction()) ? "it was not sent by this device"
          : m.revokedAt() != null ? "it was deleted for everyone"
          : !"text".equals(m.type()) ? "only text messages can be edited, this one is " + m.type()
          : m.sentAt() == null ? "it is " + m.status() + ", not sent yet"
          : tooOld(m, EDIT_WINDOW) ? "WhatsApp allows edits for " + EDIT_WINDOW.toMinutes() + " minutes after sending" : null;
      if (refusal != null) {
        return Future.failedFuture(ApiException.conflict("NOT_EDITABLE", "message '" + messageId + "' cannot be edited: " + refusal));
      }
      return devices.edit(clientId, deviceId, m.chatId(), messageId, text)
          .compose(v -> ChangeRepository.edit(pool, clientId, deviceId, messageId, true, text, null))
          .map(v -> new JsonObject().put("messageId", messageId).put("chatId", m.chatId()).put("text", text)
              .put("editedAt", Times.iso(Instant.now())));
    });
  }

  /** Deletes a sent message for everyone; 409 NOT_REVOCABLE when WhatsApp would refuse. */
  public Future<JsonObject> revoke(String clientId, String deviceId, String messageId) {
    return sent(clientId, deviceId, messageId).compose(m -> {
      JsonObject answer = new JsonObject().put("messageId", messageId).put("chatId", m.chatId()).put("revoked", true);
      if ("outbound".equals(m.direction()) && m.revokedAt() != null) {
        return Future.succeededFuture(answer);
      }
      String refusal = !"outbound".equals(m.direction()) ? "it was not sent by this device"
          : "react".equals(m.type()) ? "a reaction is removed by reacting with an empty emoji"
          : m.sentAt() == null ? "it is " + m.status() + ", not sent (DELETE cancels an unsent message)"
          : tooOld(m, REVOKE_WINDOW) ? "WhatsApp allows it for " + REVOKE_WINDOW.toHours() + " hours after sending" : null;
      if (refusal != null) {
        return Future.failedFuture(ApiException.conflict("NOT_REVOCABLE",
            "message '" + messageId + "' cannot be deleted for everyone: " + refusal));
      }
      return devices.revoke(clientId, deviceId, m.chatId(), messageId)
          .compose(v -> ChangeRepository.revoke(pool, clientId, deviceId, messageId, true))
          .map(answer);
    });
  }

  /** The votes on a poll this device sent: per option (in the poll's order) its count and voters. */
  public Future<JsonObject> votes(String clientId, String deviceId, String messageId) {
    return sent(clientId, deviceId, messageId).compose(m -> {
      if (!"outbound".equals(m.direction()) || !"poll".equals(m.type()) || m.content() == null) {
        return Future.failedFuture(ApiException.notFound("MESSAGE_NOT_FOUND",
            "message '" + messageId + "' is not a poll this device sent"));
      }
      return ChangeRepository.votes(pool, clientId, deviceId, messageId).map(votes -> results(m.content(), votes)
          .put("messageId", messageId).put("question", m.content().getString("question")));
    });
  }

  /** Counts each voter's current choice under the poll's options; names the poll does not have are left out. */
  static JsonObject results(JsonObject poll, Map<String, JsonArray> votes) {
    Map<String, JsonArray> voters = new LinkedHashMap<>();
    for (Object option : poll.getJsonArray("options", new JsonArray())) {
      voters.put(String.valueOf(option), new JsonArray());
    }
    votes.forEach((voter, choice) -> choice.forEach(name -> {
      JsonArray of = voters.get(String.valueOf(name));
      if (of != null && !of.contains(voter)) {
        of.add(voter);
      }
    }));
    JsonArray options = new JsonArray();
    voters.forEach((name, of) -> options.add(new JsonObject().put("name", name).put("count", of.size()).put("voters", of)));
    return new JsonObject().put("options", options);
  }

  private Future<StoredMessage> sent(String clientId, String deviceId, String messageId) {
    return devices.get(clientId, deviceId)
        .compose(d -> MessageRepository.find(pool, clientId, deviceId, messageId))
        .compose(m -> m == null ? Future.failedFuture(MessageService.messageNotFound(messageId)) : Future.succeededFuture(m));
  }

  private static boolean tooOld(StoredMessage m, Duration window) {
    return m.sentAt().toInstant().plus(window).isBefore(Instant.now());
  }
}
