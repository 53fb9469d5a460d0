package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.ALICE;
import static dev.switchboard.engine.cobalt.CobaltFixtures.BOB;
import static dev.switchboard.engine.cobalt.CobaltFixtures.GROUP;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.chat.ChatMetadata;
import it.auties.whatsapp.model.chat.ChatMetadataBuilder;
import it.auties.whatsapp.model.chat.ChatParticipant;
import it.auties.whatsapp.model.chat.ChatRole;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cobalt's group metadata in the shapes the simulator answers with. */
class GroupMapperTest {

  private static ChatMetadata metadata() {
    LinkedHashSet<ChatParticipant> participants = new LinkedHashSet<>();
    participants.add(ChatParticipant.ofGroup(SELF, ChatRole.FOUNDER));
    participants.add(ChatParticipant.ofGroup(ALICE, ChatRole.ADMIN));
    participants.add(ChatParticipant.ofGroup(BOB, ChatRole.USER));
    return new ChatMetadataBuilder().jid(GROUP).subject("Team").founderJid(SELF).description("Rules")
        .participants(participants).build();
  }

  @Test
  void metadataAndSummary() {
    JsonObject m = GroupMapper.metadata(metadata());
    assertEquals("120363025246125486@g.us", m.getString("groupId"));
    assertEquals("Team", m.getString("subject"));
    assertEquals(SELF.toString(), m.getString("owner"));
    assertEquals("Rules", m.getString("description"));
    assertEquals(3, m.getInteger("participantCount"));
    assertEquals(new JsonObject().put("jid", BOB.toString()).put("phone", "15550000003").put("admin", false),
        m.getJsonArray("participants").getJsonObject(2));
    assertEquals(new JsonArray().add(SELF.toString()).add(ALICE.toString()), m.getJsonArray("admins"));
    assertEquals(new JsonObject().put("groupId", "120363025246125486@g.us").put("subject", "Team").put("participantCount", 3),
        GroupMapper.summary(metadata()));
  }

  @Test
  void participantResultsSayWhatWasApplied() {
    JsonArray items = GroupMapper.participantResults(List.of(ALICE, BOB), List.of(BOB.withDevice(0)));
    assertEquals(new JsonObject().put("jid", ALICE.toString()).put("status", "400"), items.getJsonObject(0));
    assertEquals(new JsonObject().put("jid", BOB.toString()).put("status", "200"), items.getJsonObject(1));
    assertEquals("400", GroupMapper.participantResults(List.of(ALICE), null).getJsonObject(0).getString("status"),
        "Cobalt answers null when nothing needed changing");
  }
}
