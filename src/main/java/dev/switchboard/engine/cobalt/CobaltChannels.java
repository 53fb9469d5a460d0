package dev.switchboard.engine.cobalt;

import com.alibaba.fastjson2.JSON;
import com.alibaba.fastjson2.JSONArray;
import com.alibaba.fastjson2.JSONObject;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.model.info.NewsletterMessageInfo;
import it.auties.whatsapp.model.info.NewsletterMessageInfoBuilder;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.jid.JidServer;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageContainerBuilder;
import it.auties.whatsapp.model.message.model.MessageContainerSpec;
import it.auties.whatsapp.model.message.model.MessageStatus;
import it.auties.whatsapp.model.newsletter.Newsletter;
import it.auties.whatsapp.model.newsletter.NewsletterName;
import it.auties.whatsapp.model.newsletter.NewsletterViewerMetadata;
import it.auties.whatsapp.model.newsletter.NewsletterViewerRole;
import it.auties.whatsapp.model.node.Node;
import it.auties.whatsapp.model.request.NewsletterRequests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Channels (newsletters) as Cobalt calls, run on the engine's executor. Cobalt 0.0.10 fills its
 * channel list once, at the first sync, and its parser expects an object where WhatsApp answers a
 * list, so the list is WhatsApp's {@code w:mex} query read here with Cobalt's per-channel parser.
 * A post first checks the device's role (WhatsApp's refusal would not reach the adapter); an image goes
 * through Cobalt's newsletter send, a text as the plaintext stanza Cobalt 0.0.10 encodes wrongly.
 */
final class CobaltChannels {

  /** WhatsApp Web's id of the "channels I follow" query (Cobalt's {@code StreamHandler.queryNewsletters}). */
  static final String SUBSCRIBED_QUERY_ID = "6388546374527196";

  private final Whatsapp wa;

  CobaltChannels(Whatsapp wa) {
    this.wa = wa;
  }

  CompletableFuture<JsonArray> list() {
    return subscribed().thenApply(CobaltChannels::items);
  }

  private CompletableFuture<List<Newsletter>> subscribed() {
    return wa.sendNode(subscribedQuery()).thenApply(CobaltChannels::newsletters);
  }

  static Node subscribedQuery() {
    return Node.of("iq", Map.of("to", JidServer.whatsapp().toJid(), "type", "get", "xmlns", "w:mex"),
        Node.of("query", Map.of("query_id", SUBSCRIBED_QUERY_ID),
            NewsletterRequests.subscribedNewsletters().getBytes(StandardCharsets.UTF_8)));
  }

  /** The channels of a {@code w:mex} answer: {@code data} holds one list (or, as Cobalt expects, objects). */
  static List<Newsletter> newsletters(Node reply) {
    String error = GroupNodes.errorCode(reply);
    if (error != null) {
      throw new EngineException("ENGINE_ERROR", "WhatsApp refused the channel list: " + error);
    }
    String json = reply.findChild("result").flatMap(Node::contentAsString)
        .orElseThrow(() -> new EngineException("ENGINE_ERROR", "WhatsApp's channel list has no result"));
    JSONObject data = JSON.parseObject(json).getJSONObject("data");
    List<Newsletter> out = new ArrayList<>();
    if (data == null) {
      return out;
    }
    for (Object value : data.values()) {
      if (value instanceof JSONArray list) {
        for (int i = 0; i < list.size(); i++) {
          newsletter(list.getJSONObject(i)).ifPresent(out::add);
        }
      } else if (value instanceof JSONObject one) {
        newsletter(one).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Cobalt's parser, which fails on a channel without viewer metadata or role: those are given as unknown. */
  private static Optional<Newsletter> newsletter(JSONObject json) {
    if (json == null) {
      return Optional.empty();
    }
    JSONObject viewer = json.getJSONObject("viewer_metadata");
    if (viewer == null) {
      viewer = new JSONObject();
      json.put("viewer_metadata", viewer);
    }
    if (!(viewer.get("role") instanceof String) && !(viewer.get("role") instanceof Integer)) {
      viewer.put("role", "unknown");
    }
    return Newsletter.ofJson(json);
  }

  static JsonArray items(List<Newsletter> newsletters) {
    JsonArray items = new JsonArray();
    for (Newsletter n : newsletters) {
      items.add(new JsonObject().put("channelId", CobaltJids.format(n.jid()))
          .put("name", n.metadata().flatMap(m -> m.name()).map(NewsletterName::text).orElse(""))
          .put("role", role(n)));
    }
    return items;
  }

  static String role(Newsletter n) {
    return n.viewerMetadata().map(NewsletterViewerMetadata::role).orElse(NewsletterViewerRole.UNKNOWN).name().toLowerCase();
  }

  /** Posts a text or image, after checking that the device owns or administers the channel. */
  CompletableFuture<Void> send(OutboundMessage message) {
    Jid channel = CobaltJids.parse(message.to());
    return subscribed().thenCompose(list -> {
      Newsletter newsletter = list.stream().filter(n -> n.jid().user().equals(channel.user())).findFirst()
          .orElseThrow(() -> new EngineException("FORBIDDEN", "the account does not follow or run channel " + message.to()));
      String role = role(newsletter);
      if (!"owner".equals(role) && !"admin".equals(role)) {
        throw new EngineException("FORBIDDEN", "the account is " + role + " of channel " + message.to()
            + "; only its owner and admins post");
      }
      String id = OutboundMapper.whatsappId(message.messageId());
      JsonObject content = message.content() == null ? new JsonObject() : message.content();
      return switch (message.type()) {
        case "text" -> wa.sendNode(textPost(channel, id, content.getString("text", "")))
            .thenAccept(ack -> checkAck(ack, message.to()));
        case "image" -> image(newsletter, id, OutboundMapper.container("image", content, channel, (c, m) -> Optional.empty()));
        default -> throw new EngineException("VALIDATION_ERROR", "a channel takes text and image posts, not " + message.type());
      };
    });
  }

  /** A text post as WhatsApp takes it: the message's protobuf, a {@code conversation} (field 1), as plaintext. */
  static Node textPost(Jid channel, String id, String text) {
    byte[] plaintext = MessageContainerSpec.encode(new MessageContainerBuilder().textWithNoContextMessage(text).build());
    return Node.of("message", Map.of("to", channel, "type", "text", "id", id), Node.of("plaintext", plaintext));
  }

  /** An image through Cobalt, which uploads it; Cobalt needs the channel in its store and reports failures only as ERROR. */
  private CompletableFuture<Void> image(Newsletter newsletter, String id, MessageContainer container) {
    Newsletter known = wa.store().findNewsletterByJid(newsletter.jid()).orElseGet(() -> {
      wa.store().addNewsletter(newsletter);
      return newsletter;
    });
    int serverId = known.newestMessage().map(NewsletterMessageInfo::serverId).orElse(0) + 1;
    NewsletterMessageInfo info = new NewsletterMessageInfoBuilder().id(id).serverId(serverId)
        .timestampSeconds(System.currentTimeMillis() / 1000).message(container).status(MessageStatus.PENDING).build();
    info.setNewsletter(known);
    return wa.sendMessage(info).thenAccept(sent -> {
      if (sent.status() == MessageStatus.ERROR) {
        throw new EngineException("ENGINE_ERROR", "WhatsApp did not take the image for channel " + CobaltJids.format(known.jid()));
      }
    });
  }

  /** WhatsApp acknowledges a post with an {@code ack}; a refusal carries an {@code error} code. */
  static void checkAck(Node ack, String channel) {
    if (ack == null) {
      throw new EngineException("ENGINE_ERROR", "WhatsApp did not acknowledge the post to " + channel);
    }
    String error = ack.attributes().getString("error", null);
    if (error != null) {
      throw new EngineException(error.equals("401") || error.equals("403") ? "FORBIDDEN" : "ENGINE_ERROR",
          "WhatsApp refused the post to " + channel + ": error " + error);
    }
  }
}
