package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.ALICE;
import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static dev.switchboard.engine.cobalt.CobaltFixtures.GROUP;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.node.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Receipts, presence, group changes and failures read from WhatsApp's stanzas (Cobalt's {@link Node}). */
class NodeEventsTest {

  private static List<EngineEvent> events(Node node) {
    return NodeEvents.of(node, SELF.withDevice(12));
  }

  @Test
  void deliveryAndReadReceiptsForEachListedMessage() {
    Node delivered = Node.of("receipt", Map.of("id", "M1", "from", ALICE, "t", "1763726400"),
        Node.of("list", Node.of("item", Map.of("id", "M2")), Node.of("item", Map.of("id", "M3"))));
    List<EngineEvent> events = events(delivered);
    assertEquals(List.of("M1", "M2", "M3"), events.stream().map(e -> e.data().getString("messageId")).toList());
    JsonObject first = events.getFirst().data();
    assertEquals("receipt", events.getFirst().type());
    assertEquals("DELIVERED", first.getString("status"));
    assertEquals("15550000002@s.whatsapp.net", first.getString("by"));
    assertEquals("2025-11-21T12:00:00Z", first.getString("timestamp"));

    Node read = Node.of("receipt", Map.of("id", "G1", "from", GROUP, "participant", BOB.withDevice(1), "type", "read"));
    JsonObject groupRead = events(read).getFirst().data();
    assertEquals("READ", groupRead.getString("status"));
    assertEquals("15550000003@s.whatsapp.net", groupRead.getString("by"));
    assertEquals("120363025246125486@g.us", groupRead.getString("chatId"));
    assertEquals("READ", events(Node.of("receipt", Map.of("id", "V1", "from", ALICE, "type", "played"))).getFirst().data().getString("status"));
  }

  @Test
  void receiptsAboutOurOwnDevicesAreNotEvents() {
    assertTrue(events(Node.of("receipt", Map.of("id", "M1", "from", ALICE, "type", "read-self"))).isEmpty());
    assertTrue(events(Node.of("receipt", Map.of("id", "M1", "from", ALICE, "type", "retry"))).isEmpty());
    assertTrue(events(Node.of("receipt", Map.of("id", "M1", "from", SELF.withDevice(2)))).isEmpty(), "our phone's delivery");
    assertTrue(events(Node.of("receipt", Map.of("id", "M1", "from", GROUP, "participant", SELF))).isEmpty());
  }

  @Test
  void presenceAndChatStates() {
    JsonObject online = events(Node.of("presence", Map.of("from", ALICE))).getFirst().data();
    assertEquals(Map.of("chatId", "15550000002@s.whatsapp.net", "from", "15550000002@s.whatsapp.net", "state", "available"), online.getMap());
    JsonObject offline = events(Node.of("presence", Map.of("from", ALICE, "type", "unavailable", "last", "1763726400"))).getFirst().data();
    assertEquals("unavailable", offline.getString("state"));
    assertEquals("2025-11-21T12:00:00Z", offline.getString("lastSeen"));
    assertTrue(events(Node.of("presence", Map.of("from", SELF))).isEmpty());

    assertEquals("composing", events(Node.of("chatstate", Map.of("from", ALICE), Node.of("composing"))).getFirst().data().getString("state"));
    assertEquals("recording", events(Node.of("chatstate", Map.of("from", ALICE), Node.of("composing", Map.of("media", "audio"))))
        .getFirst().data().getString("state"));
    JsonObject paused = events(Node.of("chatstate", Map.of("from", GROUP, "participant", BOB), Node.of("paused"))).getFirst().data();
    assertEquals("paused", paused.getString("state"));
    assertEquals("120363025246125486@g.us", paused.getString("chatId"));
    assertEquals("15550000003@s.whatsapp.net", paused.getString("from"));
  }

  @Test
  void groupNotificationsNameTheParticipants() {
    Node added = gp2(Node.of("add", Node.of("participant", Map.of("jid", ALICE)), Node.of("participant", Map.of("jid", BOB))));
    EngineEvent event = events(added).getFirst();
    assertEquals("group_participants_update", event.type());
    assertEquals("add", event.data().getString("action"));
    assertEquals("120363025246125486@g.us", event.data().getString("groupId"));
    assertEquals(new JsonArray().add(ALICE.toString()).add(BOB.toString()), event.data().getJsonArray("participants"));
    assertEquals(ALICE.toString(), event.data().getString("by"));
    assertEquals("remove", events(gp2(Node.of("leave", Node.of("participant", Map.of("jid", ALICE))))).getFirst().data().getString("action"));
    assertEquals("promote", events(gp2(Node.of("promote", Node.of("participant", Map.of("jid", BOB))))).getFirst().data().getString("action"));
    assertEquals("demote", events(gp2(Node.of("demote", Node.of("participant", Map.of("jid", BOB))))).getFirst().data().getString("action"));

    EngineEvent subject = events(gp2(Node.of("subject", Map.of("subject", "Team 🚀")))).getFirst();
    assertEquals("group_update", subject.type());
    assertEquals("subject", subject.data().getString("action"));
    assertEquals("Team 🚀", subject.data().getString("subject"));
    EngineEvent created = events(gp2(Node.of("create", Node.of("group", Map.of("subject", "New"),
        Node.of("participant", Map.of("jid", ALICE)))))).getFirst();
    assertEquals("create", created.data().getString("action"));
    assertEquals("New", created.data().getString("subject"));
    assertEquals(new JsonArray().add(ALICE.toString()), created.data().getJsonArray("participants"));
    assertEquals(true, events(gp2(Node.of("announcement"))).getFirst().data().getBoolean("announce"));
    assertEquals(false, events(gp2(Node.of("unlocked"))).getFirst().data().getBoolean("restrict"));
    assertEquals("Rules", events(gp2(Node.of("description", Node.of("body", (Object) "Rules")))).getFirst().data().getString("description"));
    assertTrue(events(gp2(Node.of("picture"))).isEmpty());
    assertTrue(events(Node.of("notification", Map.of("from", GROUP, "type", "picture"))).isEmpty());
  }

  private static Node gp2(Node change) {
    return Node.of("notification", Map.of("from", GROUP, "type", "w:gp2", "participant", ALICE, "t", "1763726400"), change);
  }

  @Test
  void failuresTellALogoutFromABan() {
    assertTrue(NodeEvents.failureReason(Node.of("failure", Map.of("reason", "401"))).startsWith("logged out"));
    assertTrue(NodeEvents.failureReason(Node.of("failure", Map.of("reason", "403"))).startsWith("banned"));
    assertTrue(NodeEvents.failureReason(Node.of("stream:error", Map.of(), Node.of("conflict"))).contains("conflict"));
    assertTrue(NodeEvents.failureReason(Node.of("stream:error", Map.of("code", "515"))).contains("restart"));
    assertNull(NodeEvents.failureReason(Node.of("message", Map.of("from", ALICE))));
  }

  @Test
  void theGroupsAndCallStanzasWeSendAndRead() {
    Node response = Node.of("iq", Map.of("type", "result"), Node.of("groups",
        Node.of("group", Map.of("id", "120363025246125486", "subject", "Team"),
            Node.of("participant", Map.of("jid", ALICE)), Node.of("participant", Map.of("jid", BOB))),
        Node.of("group", Map.of("id", "120363000000000001", "subject", "Other"), Node.of("participant", Map.of("jid", ALICE)))));
    JsonArray groups = CobaltCalls.participating(response);
    assertEquals(new JsonObject().put("groupId", "120363025246125486@g.us").put("subject", "Team").put("participantCount", 2),
        groups.getJsonObject(0));
    assertEquals(2, groups.size());

    Node reject = CobaltCalls.rejectStanza(SELF, "CALL1", ALICE);
    assertEquals("call", reject.description());
    assertEquals(ALICE, reject.attributes().getRequiredJid("to"));
    Node inner = reject.findChild("reject").orElseThrow();
    assertEquals("CALL1", inner.attributes().getString("call-id"));
    assertEquals(ALICE, inner.attributes().getRequiredJid("call-creator"));
    assertEquals("0", inner.attributes().getString("count"));
  }

  @Test
  void jidsFromTheApi() {
    assertEquals(Jid.of("972501234567"), CobaltJids.parse("+972501234567"));
    assertEquals(GROUP, CobaltJids.parse("120363025246125486@g.us"));
    assertEquals("15550000002@s.whatsapp.net", CobaltJids.format(ALICE.withDevice(7)));
    assertTrue(CobaltJids.isGroup(GROUP));
  }
}
