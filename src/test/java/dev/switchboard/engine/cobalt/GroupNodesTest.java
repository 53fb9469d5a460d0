package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.ALICE;
import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static dev.switchboard.engine.cobalt.CobaltFixtures.GROUP;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.engine.EngineException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.node.Node;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The raw w:g2 stanzas the Cobalt adapter sends for group settings and invites, and what it reads from the answers. */
class GroupNodesTest {

  private static Node answer(Node... groupChildren) {
    Node group = Node.of("group", Map.of("id", GROUP.user(), "subject", "Team", "creator", SELF), groupChildren);
    return Node.of("iq", Map.of("type", "result", "from", GROUP), group);
  }

  private static Node error(String code) {
    return Node.of("iq", Map.of("type", "error"), Node.of("error", Map.of("code", code, "text", "refused")));
  }

  @Test
  void rawMetadataShowsTheDescriptionAnnounceAndLockedThatCobaltsParserMisreads() {
    Node reply = answer(Node.of("description", Map.of("id", "D1"), Node.of("body", "Rules".getBytes(StandardCharsets.UTF_8))),
        Node.of("announcement"), Node.of("locked"),
        Node.of("participant", Map.of("jid", SELF, "type", "superadmin")),
        Node.of("participant", Map.of("jid", ALICE, "type", "admin")),
        Node.of("participant", Map.of("jid", BOB)));
    Node group = GroupNodes.group(reply, GROUP.toString());
    JsonObject m = GroupNodes.metadata(group);
    assertEquals(GROUP.toString(), m.getString("groupId"));
    assertEquals("Team", m.getString("subject"));
    assertEquals(SELF.toString(), m.getString("owner"));
    assertEquals("Rules", m.getString("description"));
    assertEquals(true, m.getBoolean("announce"));
    assertEquals(true, m.getBoolean("locked"));
    assertEquals(3, m.getInteger("participantCount"));
    assertEquals(new JsonArray().add(SELF.toString()).add(ALICE.toString()), m.getJsonArray("admins"));
    assertEquals("D1", GroupNodes.descriptionId(group));
    assertEquals(true, GroupNodes.isAdmin(group, SELF));
    assertEquals(false, GroupNodes.isAdmin(group, BOB));
    assertNull(GroupNodes.isAdmin(group, Jid.of("15550000009")), "not listed: unknown");

    JsonObject open = GroupNodes.metadata(GroupNodes.group(answer(Node.of("participant", Map.of("jid", SELF))), "g"));
    assertEquals(false, open.getBoolean("announce"));
    assertEquals(false, open.getBoolean("locked"));
    assertNull(open.getString("description"));
  }

  @Test
  void aLidGroupFindsTheDeviceByItsPhoneNumber() {
    Node group = GroupNodes.group(answer(Node.of("participant", Map.of("jid", Jid.of("987654321@lid"),
        "phone_number", SELF, "type", "admin"))), "g");
    assertEquals(true, GroupNodes.isAdmin(group, SELF));
  }

  @Test
  void whatsAppsRefusalsBecomeTheApisCodesInsteadOfSuccess() {
    assertEquals("NOT_GROUP_ADMIN", assertThrows(EngineException.class, () -> GroupNodes.check(error("403"), "x")).code());
    assertEquals("NOT_GROUP_ADMIN", assertThrows(EngineException.class, () -> GroupNodes.check(error("401"), "x")).code());
    assertEquals("NOT_FOUND", assertThrows(EngineException.class, () -> GroupNodes.group(error("404"), "g")).code());
    assertEquals("ENGINE_ERROR", assertThrows(EngineException.class, () -> GroupNodes.check(error("500"), "x")).code());
    for (String revoked : new String[] {"401", "404", "406", "410"}) {
      assertEquals("NOT_FOUND", assertThrows(EngineException.class, () -> GroupNodes.preview(error(revoked), "abc")).code());
    }
    GroupNodes.check(Node.of("iq", Map.of("type", "result")), "x");
  }

  @Test
  void theDescriptionChangeNamesTheDescriptionItReplaces() {
    Node set = GroupNodes.descriptionChange(GROUP, "New rules", "D1", "N2");
    assertEquals("iq", set.description());
    assertEquals("set", set.attributes().getString("type"));
    assertEquals("w:g2", set.attributes().getString("xmlns"));
    assertEquals(GROUP, set.attributes().getOptionalJid("to").orElseThrow());
    Node description = set.findChild("description").orElseThrow();
    assertEquals("N2", description.attributes().getString("id"));
    assertEquals("D1", description.attributes().getString("prev"));
    assertEquals("New rules", description.findChild("body").flatMap(Node::contentAsString).orElseThrow());

    Node delete = GroupNodes.descriptionChange(GROUP, "", "D1", "N3").findChild("description").orElseThrow();
    assertEquals("true", delete.attributes().getString("delete"));
    assertEquals("D1", delete.attributes().getString("prev"));
    assertFalse(delete.hasNode("body"));
    assertFalse(delete.attributes().hasKey("id"));
  }

  @Test
  void anInvitePreviewReadsTheGroupItWouldJoin() {
    Node query = GroupNodes.previewQuery("AbCdEf123456");
    assertEquals("get", query.attributes().getString("type"));
    assertEquals("g.us", query.attributes().getString("to"));
    assertEquals("AbCdEf123456", query.findChild("invite").orElseThrow().attributes().getString("code"));

    Node reply = Node.of("iq", Map.of("type", "result"), Node.of("group", Map.of("id", GROUP.user(), "subject", "Club", "size", "5"),
        Node.of("description", Map.of("id", "D1"), Node.of("body", "Welcome".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(new JsonObject().put("groupId", GROUP.toString()).put("subject", "Club").put("participantCount", 5)
        .put("description", "Welcome"), GroupNodes.preview(reply, "AbCdEf123456"));
    assertEquals("NEWCODE1", GroupNodes.inviteCode(Node.of("iq", Map.of("type", "result"),
        Node.of("invite", Map.of("code", "NEWCODE1"))), "g"));
  }

  @Test
  void aChangeWhatsAppDidNotApplyFails() {
    JsonObject after = new JsonObject().put("subject", "Team").put("description", "Rules").put("announce", false).put("locked", true);
    CobaltGroups.verify(after, "g", "Team", "Rules", false, true);
    EngineException e = assertThrows(EngineException.class, () -> CobaltGroups.verify(after, "g", "Other", null, true, null));
    assertEquals("ENGINE_ERROR", e.code());
    assertEquals("WhatsApp did not apply subject, announce to g", e.getMessage());
    assertThrows(EngineException.class, () -> CobaltGroups.verify(after, "g", null, "", null, null), "an empty description removes it");
  }
}
