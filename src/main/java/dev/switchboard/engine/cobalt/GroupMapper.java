package dev.switchboard.engine.cobalt;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.chat.ChatMetadata;
import it.auties.whatsapp.model.chat.ChatParticipant;
import it.auties.whatsapp.model.chat.ChatRole;
import it.auties.whatsapp.model.jid.Jid;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Cobalt's group metadata in the shapes of {@code EngineSession}: metadata, summaries, participant results. */
final class GroupMapper {

  private GroupMapper() {
  }

  static JsonObject metadata(ChatMetadata m) {
    JsonArray participants = new JsonArray();
    JsonArray admins = new JsonArray();
    for (ChatParticipant p : m.participants()) {
      boolean admin = p.role() == ChatRole.ADMIN || p.role() == ChatRole.FOUNDER;
      String jid = CobaltJids.format(p.jid());
      participants.add(new JsonObject().put("jid", jid).put("phone", CobaltJids.phone(p.jid())).put("admin", admin));
      if (admin) {
        admins.add(jid);
      }
    }
    JsonObject out = new JsonObject()
        .put("groupId", CobaltJids.format(m.jid()))
        .put("subject", m.subject())
        .put("owner", m.founder().map(CobaltJids::format).orElse(null))
        .put("participants", participants)
        .put("admins", admins)
        .put("participantCount", participants.size());
    m.description().ifPresent(d -> out.put("description", d));
    return out;
  }

  static JsonObject summary(ChatMetadata m) {
    return new JsonObject().put("groupId", CobaltJids.format(m.jid())).put("subject", m.subject())
        .put("participantCount", m.participants().size());
  }

  /**
   * One item per requested participant. Cobalt 0.0.10 only says which changes WhatsApp applied
   * ({@code 200}); the rest were refused or needed no change (already a member, not an admin...),
   * which it does not tell apart: {@code 400}.
   */
  static JsonArray participantResults(List<Jid> requested, Collection<Jid> applied) {
    Set<String> done = applied == null ? Set.of()
        : applied.stream().map(j -> j.toSimpleJid().user()).collect(Collectors.toSet());
    JsonArray items = new JsonArray();
    for (Jid jid : requested) {
      items.add(new JsonObject().put("jid", CobaltJids.format(jid)).put("status", done.contains(jid.user()) ? "200" : "400"));
    }
    return items;
  }
}
