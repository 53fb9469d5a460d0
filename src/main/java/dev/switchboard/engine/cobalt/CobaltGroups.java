package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.model.chat.ChatSettingPolicy;
import it.auties.whatsapp.model.chat.GroupSetting;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.node.Node;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A group's metadata, settings and invites as Cobalt calls; like {@link CobaltCalls}, run on the
 * engine's executor. Cobalt completes a refused change normally, so every change is checked against
 * the group as WhatsApp reads it back (a raw metadata query, see {@link GroupNodes}).
 */
final class CobaltGroups {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Whatsapp wa;
  private final Supplier<Jid> self;

  CobaltGroups(Whatsapp wa, Supplier<Jid> self) {
    this.wa = wa;
    this.self = self;
  }

  CompletableFuture<JsonObject> metadata(String groupId) {
    return raw(group(groupId), groupId).thenApply(GroupNodes::metadata);
  }

  private CompletableFuture<Node> raw(Jid group, String groupId) {
    return wa.sendNode(GroupNodes.metadataQuery(group)).thenApply(reply -> GroupNodes.group(reply, groupId));
  }

  /**
   * Checks the device's rights on the group as read now, makes each change, then reads the group again:
   * a change WhatsApp did not apply fails here instead of looking like success.
   */
  CompletableFuture<Void> update(String groupId, String subject, String description, Boolean announce, Boolean locked) {
    Jid group = group(groupId);
    return raw(group, groupId).thenCompose(before -> {
      checkRights(before, groupId, subject != null || description != null, announce != null || locked != null);
      List<Supplier<CompletableFuture<?>>> changes = new ArrayList<>();
      if (subject != null) {
        changes.add(() -> wa.changeGroupSubject(group, subject));
      }
      if (description != null) {
        // Cobalt's changeGroupDescription names a cached previous id, so a second change would be refused.
        Node change = GroupNodes.descriptionChange(group, description, GroupNodes.descriptionId(before), newDescriptionId());
        changes.add(() -> wa.sendNode(change).thenAccept(reply -> GroupNodes.check(reply, "the description of " + groupId)));
      }
      if (announce != null) {
        changes.add(() -> wa.changeGroupSetting(group, GroupSetting.SEND_MESSAGES, policy(announce)));
      }
      if (locked != null) {
        changes.add(() -> wa.changeGroupSetting(group, GroupSetting.EDIT_GROUP_INFO, policy(locked)));
      }
      CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
      for (Supplier<CompletableFuture<?>> change : changes) {
        chain = chain.thenCompose(v -> change.get());
      }
      return chain.thenCompose(v -> raw(group, groupId))
          .thenAccept(after -> verify(GroupNodes.metadata(after), groupId, subject, description, announce, locked));
    });
  }

  /** Mirrors WhatsApp's rules, so a member is told 403 before anything is sent. */
  private void checkRights(Node group, String groupId, boolean info, boolean settings) {
    Boolean admin = GroupNodes.isAdmin(group, self.get());
    if (Boolean.FALSE.equals(admin) && (settings || info && group.hasNode("locked"))) {
      throw new EngineException("NOT_GROUP_ADMIN", settings ? "only admins change the settings of " + groupId
          : groupId + " is locked: only admins change its subject and description");
    }
  }

  static void verify(JsonObject after, String groupId, String subject, String description, Boolean announce, Boolean locked) {
    List<String> missed = new ArrayList<>();
    if (subject != null && !subject.equals(after.getString("subject"))) {
      missed.add("subject");
    }
    String wanted = description == null || description.isEmpty() ? null : description;
    if (description != null && !Objects.equals(wanted, after.getString("description"))) {
      missed.add("description");
    }
    if (announce != null && announce != after.getBoolean("announce")) {
      missed.add("announce");
    }
    if (locked != null && locked != after.getBoolean("locked")) {
      missed.add("locked");
    }
    if (!missed.isEmpty()) {
      throw new EngineException("ENGINE_ERROR", "WhatsApp did not apply " + String.join(", ", missed) + " to " + groupId);
    }
  }

  /** Revokes through Cobalt, which discards the new code: read it, and check that it changed. */
  CompletableFuture<String> revokeInvite(String groupId) {
    Jid group = group(groupId);
    return inviteCode(group, groupId).thenCompose(old -> wa.revokeGroupInvite(group)
        .thenCompose(v -> inviteCode(group, groupId))
        .thenApply(code -> {
          if (code.equals(old)) {
            throw new EngineException("ENGINE_ERROR", "WhatsApp did not revoke the invite code of " + groupId);
          }
          return code;
        }));
  }

  private CompletableFuture<String> inviteCode(Jid group, String groupId) {
    return wa.sendNode(GroupNodes.inviteQuery(group)).thenApply(reply -> GroupNodes.inviteCode(reply, groupId));
  }

  CompletableFuture<JsonObject> invitePreview(String code) {
    return wa.sendNode(GroupNodes.previewQuery(code)).thenApply(reply -> GroupNodes.preview(reply, code));
  }

  private static ChatSettingPolicy policy(boolean adminsOnly) {
    return adminsOnly ? ChatSettingPolicy.ADMINS : ChatSettingPolicy.ANYONE;
  }

  /** A description id as WhatsApp Web makes them: random hex. */
  private static String newDescriptionId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  static Jid group(String groupId) {
    Jid jid = CobaltJids.parse(groupId);
    if (!CobaltJids.isGroup(jid)) {
      throw new EngineException("VALIDATION_ERROR", "not a group id: " + groupId);
    }
    return jid;
  }
}
