package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What changes a message after it was routed: its author edits or deletes it for everyone, and the
 * people who received a poll vote on it. The network remembers who got the newest messages; devices
 * among the recipients hear {@code message_edited}, {@code message_revoked} or (the poll's author)
 * {@code poll_vote}, and a person's inbox entry shows {@code editedText} or {@code revoked: true}.
 */
final class Changes {

  /** How many sent messages the network remembers for edits and revokes. */
  static final int REMEMBERED = 100_000;
  static final Duration EDIT_WINDOW = Duration.ofMinutes(15);
  static final Duration REVOKE_WINDOW = Duration.ofHours(60);

  /** Where a change goes: a device's event, or a simulated person's inbox entry. */
  interface Recipients {
    boolean isDevice(String phone);

    void push(String phone, String type, JsonObject data);

    /** The newest entry with this id in a person's inbox, or null. */
    JsonObject inboxEntry(String person, String messageId);
  }

  /** A routed message: its type, who got it, its group (null for a 1:1 chat), when, and whether it was revoked. */
  private static final class Sent {
    final String type;
    final List<String> recipients;
    final String groupId;
    final Instant at;
    boolean revoked;

    Sent(String type, List<String> recipients, String groupId, Instant at) {
      this.type = type;
      this.recipients = recipients;
      this.groupId = groupId;
      this.at = at;
    }
  }

  private final Recipients to;
  private final Map<String, Sent> sent = Recent.map(REMEMBERED);

  Changes(Recipients to) {
    this.to = to;
  }

  void routed(String sender, String messageId, String type, List<String> recipients, String groupId, Instant at) {
    sent.put(sender + "|" + messageId, new Sent(type, recipients, groupId, at));
  }

  /** {@code author} edits a text it sent. */
  void edit(String author, String messageId, String text) {
    if (text == null || text.isEmpty()) {
      throw SimException.badRequest("text must not be empty");
    }
    Sent m = find(author, messageId);
    String refusal = m.revoked ? "it was deleted" : !"text".equals(m.type) ? "it is " + m.type + ", not text"
        : Instant.now().isAfter(m.at.plus(EDIT_WINDOW)) ? "the edit window has passed" : null;
    if (refusal != null) {
      throw new SimException(409, "NOT_EDITABLE", messageId + " cannot be edited: " + refusal);
    }
    tell(author, messageId, m, "message_edited", new JsonObject().put("text", text), entry -> entry.put("editedText", text));
  }

  /** {@code author} deletes a message it sent, for everyone. */
  void revoke(String author, String messageId) {
    Sent m = find(author, messageId);
    String refusal = m.revoked ? "it was deleted already" : "react".equals(m.type) ? "it is a reaction"
        : Instant.now().isAfter(m.at.plus(REVOKE_WINDOW)) ? "the window to delete it has passed" : null;
    if (refusal != null) {
      throw new SimException(409, "NOT_REVOCABLE", messageId + " cannot be deleted for everyone: " + refusal);
    }
    m.revoked = true;
    tell(author, messageId, m, "message_revoked", new JsonObject(), entry -> entry.put("revoked", true));
  }

  /** Person {@code voter} votes on a poll it received: {@code options} is its whole current choice. */
  void vote(String voter, String pollMessageId, JsonArray options) {
    JsonObject poll = to.inboxEntry(voter, pollMessageId);
    if (poll == null || !"poll".equals(poll.getString("type"))) {
      throw SimException.notFound(voter + " has not received a poll " + pollMessageId);
    }
    JsonArray offered = poll.getJsonArray("options", new JsonArray());
    for (Object o : options) {
      if (!offered.contains(o)) {
        throw SimException.badRequest("the poll has no option " + o);
      }
    }
    if (options.size() > 1 && !poll.getBoolean("multiple", false)) {
      throw SimException.badRequest("the poll takes one answer");
    }
    poll.put("myVote", options.copy());
    String author = poll.getString("from");
    boolean isGroup = poll.getBoolean("isGroup", false);
    to.push(author, "poll_vote", new JsonObject().put("pollMessageId", pollMessageId)
        .put("chatId", isGroup ? poll.getString("chatId") : Jids.user(voter)).put("voter", Jids.user(voter))
        .put("options", options.copy()).put("isGroup", isGroup).put("timestamp", Instant.now().toString()));
  }

  private Sent find(String author, String messageId) {
    Sent m = messageId == null ? null : sent.get(author + "|" + messageId);
    if (m == null) {
      throw SimException.notFound(author + " has sent no message " + messageId);
    }
    return m;
  }

  private void tell(String author, String messageId, Sent m, String event, JsonObject fields,
      java.util.function.Consumer<JsonObject> onEntry) {
    String timestamp = Instant.now().toString();
    for (String recipient : m.recipients) {
      if (to.isDevice(recipient)) {
        to.push(recipient, event, fields.copy().put("messageId", messageId)
            .put("chatId", m.groupId != null ? m.groupId : Jids.user(author)).put("from", Jids.user(author))
            .put("isGroup", m.groupId != null).put("timestamp", timestamp));
      } else {
        JsonObject entry = to.inboxEntry(recipient, messageId);
        if (entry != null) {
          onEntry.accept(entry);
        }
      }
    }
  }

  void clear() {
    sent.clear();
  }
}
