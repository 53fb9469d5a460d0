package dev.switchboard.engine.cobalt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.model.MessageContainerSpec;
import it.auties.whatsapp.model.message.standard.TextMessage;
import it.auties.whatsapp.model.newsletter.Newsletter;
import it.auties.whatsapp.model.newsletter.NewsletterBuilder;
import it.auties.whatsapp.model.newsletter.NewsletterMetadataBuilder;
import it.auties.whatsapp.model.newsletter.NewsletterNameBuilder;
import it.auties.whatsapp.model.newsletter.NewsletterViewerMetadataBuilder;
import it.auties.whatsapp.model.newsletter.NewsletterViewerRole;
import it.auties.whatsapp.model.node.Node;
import it.auties.whatsapp.model.request.NewsletterRequests;
import it.auties.whatsapp.model.response.SubscribedNewslettersResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Channels with Cobalt: WhatsApp's channel list, the roles, and the text post stanza Cobalt 0.0.10 gets wrong. */
class CobaltChannelsTest {

  private static final Jid CHANNEL = Jid.of("120363111111111111@newsletter");

  private static Node reply(String json) {
    return Node.of("iq", Map.of("type", "result"), Node.of("result", json.getBytes(StandardCharsets.UTF_8)));
  }

  private static String channel(String id, String name, String viewer) {
    return "{\"id\":\"" + id + "\",\"state\":{\"type\":\"ACTIVE\"},\"thread_metadata\":{\"name\":{\"id\":\"n-" + name
        + "\",\"text\":\"" + name + "\",\"update_time\":\"1700000000\"}}" + (viewer == null ? "" : ",\"viewer_metadata\":" + viewer)
        + "}";
  }

  @Test
  void theChannelListIsWhatsAppsListWithTheDevicesRoleInEach() {
    String json = "{\"data\":{\"xwa2_newsletter_subscribed\":[" + channel(CHANNEL.toString(), "Deals", "{\"mute\":\"OFF\",\"role\":\"OWNER\"}")
        + "," + channel("120363222222222222@newsletter", "News", "{\"mute\":\"ON\",\"role\":\"SUBSCRIBER\"}")
        + "," + channel("120363333333333333@newsletter", "Quiet", null)
        + "," + channel("120363444444444444@newsletter", "Muted", "{\"mute\":\"ON\"}") + "]}}";
    List<Newsletter> list = CobaltChannels.newsletters(reply(json));
    assertTrue(cobaltsOwnCount(json) < 3, "Cobalt 0.0.10's parser reads each value of data as one channel, not a list");
    JsonArray items = CobaltChannels.items(list);
    assertEquals(new JsonObject().put("channelId", CHANNEL.toString()).put("name", "Deals").put("role", "owner"), items.getJsonObject(0));
    assertEquals("subscriber", items.getJsonObject(1).getString("role"));
    assertEquals("unknown", items.getJsonObject(2).getString("role"), "a channel without viewer metadata has no role");
    assertEquals("unknown", items.getJsonObject(3).getString("role"), "nor one whose viewer metadata has none");

    String cobaltsShape = "{\"data\":{\"one\":" + channel(CHANNEL.toString(), "Deals", "{\"role\":\"ADMIN\"}") + "}}";
    assertEquals("admin", CobaltChannels.items(CobaltChannels.newsletters(reply(cobaltsShape))).getJsonObject(0).getString("role"));
    assertEquals(0, CobaltChannels.newsletters(reply("{\"data\":{}}")).size());
    EngineException refused = assertThrows(EngineException.class, () -> CobaltChannels.newsletters(
        Node.of("iq", Map.of("type", "error"), Node.of("error", Map.of("code", "500")))));
    assertEquals("ENGINE_ERROR", refused.code());
  }

  private static int cobaltsOwnCount(String json) {
    try {
      return SubscribedNewslettersResponse.ofJson(json).map(r -> r.newsletters().size()).orElse(0);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Test
  void aChannelBuiltWithCobaltsBuildersMapsToItsIdNameAndRole() {
    Newsletter admin = new NewsletterBuilder().jid(CHANNEL)
        .metadata(new NewsletterMetadataBuilder().name(new NewsletterNameBuilder().id("n").text("Deals").build()).build())
        .viewerMetadata(new NewsletterViewerMetadataBuilder().role(NewsletterViewerRole.ADMIN).build()).build();
    assertEquals(new JsonArray().add(new JsonObject().put("channelId", CHANNEL.toString()).put("name", "Deals").put("role", "admin")),
        CobaltChannels.items(List.of(admin)));
  }

  @Test
  void theListQueryIsWhatsAppWebsSubscribedChannelsQuery() {
    Node query = CobaltChannels.subscribedQuery();
    assertEquals("w:mex", query.attributes().getString("xmlns"));
    assertEquals("get", query.attributes().getString("type"));
    Node inner = query.findChild("query").orElseThrow();
    assertEquals(CobaltChannels.SUBSCRIBED_QUERY_ID, inner.attributes().getString("query_id"));
    assertEquals(NewsletterRequests.subscribedNewsletters(), inner.contentAsString().orElseThrow());
  }

  @Test
  void aTextPostIsTheConversationProtobufAsPlaintext() {
    Node post = CobaltChannels.textPost(CHANNEL, "3EB0ABCDEF", "20% off");
    assertEquals("message", post.description());
    assertEquals("text", post.attributes().getString("type"));
    assertEquals("3EB0ABCDEF", post.attributes().getString("id"));
    assertEquals(CHANNEL, post.attributes().getOptionalJid("to").orElseThrow());
    byte[] plaintext = post.findChild("plaintext").flatMap(Node::contentAsBytes).orElseThrow();
    // Field 1 (conversation), length-delimited: tag, then the length before the text.
    assertEquals(0x0A, plaintext[0]);
    assertEquals("20% off".length(), plaintext[1]);
    TextMessage text = assertInstanceOf(TextMessage.class, MessageContainerSpec.decode(plaintext).content());
    assertEquals("20% off", text.text());

    CobaltChannels.checkAck(Node.of("ack", Map.of("id", "3EB0ABCDEF", "class", "message")), "c");
    assertEquals("FORBIDDEN", assertThrows(EngineException.class,
        () -> CobaltChannels.checkAck(Node.of("ack", Map.of("error", "403")), "c")).code());
  }
}
