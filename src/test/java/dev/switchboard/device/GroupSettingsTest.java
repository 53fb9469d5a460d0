package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.event.Receiver;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A group's subject, description and settings (admins only, as WhatsApp rules them), sending in an announce
 * group, and revoking and previewing invites, through the real simulator.
 */
class GroupSettingsTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode("--send-rate", "0");

  private static final String C = "/api/clients/gs/devices/";

  @Test
  void aMemberCannotChangeTheSettingsAndAnAdminsChangesAreSeenByTheNetworkAndInTheMetadata() throws Exception {
    try (Receiver receiver = new Receiver()) {
      settingsChanges(receiver);
    }
  }

  private void settingsChanges(Receiver receiver) {
    String key = bed.api().clientWithKey("gs");
    assertEquals(200, bed.api().put("/api/clients/gs/config", key, new JsonObject().put("webhookUrl", receiver.url())).status());
    Devices.link(bed.api(), bed.sim(), key, "gs", "admin", "15553330001");
    Devices.link(bed.api(), bed.sim(), key, "gs", "member", "15553330002");
    String groupId = group(key, "15553330002", "15553339999");

    Api.Response denied = bed.api().patch(C + "member/groups/" + groupId, key, new JsonObject().put("announce", true));
    assertEquals(403, denied.status(), denied.toString());
    assertEquals("NOT_GROUP_ADMIN", denied.errorCode());

    Api.Response changed = bed.api().patch(C + "admin/groups/" + groupId, key, new JsonObject().put("subject", "Night shift")
        .put("description", "Swaps go here").put("announce", true).put("locked", true));
    assertEquals(202, changed.status(), changed.toString());
    JsonObject network = bed.sim().get("/sim/groups/" + groupId).json();
    JsonObject seen = bed.api().get(C + "admin/groups/" + groupId, key).data();
    for (JsonObject m : new JsonObject[] {network, seen}) {
      assertEquals("Night shift", m.getString("subject"), m.encode());
      assertEquals("Swaps go here", m.getString("description"), m.encode());
      assertEquals(true, m.getBoolean("announce"), m.encode());
      assertEquals(true, m.getBoolean("locked"), m.encode());
    }
    // The other member's device hears each change, in the words of the group_update event.
    Set<String> heard = Wait.until("the member's group_update events", 10_000, () -> receiver.hits("group_update").stream()
        .map(Receiver.Hit::json).filter(e -> "member".equals(e.getString("deviceId")))
        .map(e -> e.getJsonObject("data")).filter(d -> groupId.equals(d.getString("groupId")) && !"create".equals(d.getString("action")))
        .map(d -> d.getString("action") + "=" + d.getValue(d.getString("action")))
        .collect(Collectors.toSet()), h -> h.size() == 4);
    assertEquals(Set.of("subject=Night shift", "description=Swaps go here", "announce=true", "restrict=true"), heard);
    Api.Response lockedOut = bed.api().patch(C + "member/groups/" + groupId, key, new JsonObject().put("subject", "Mine"));
    assertEquals(403, lockedOut.status(), "a locked group's subject is for admins: " + lockedOut);
    assertEquals("NOT_GROUP_ADMIN", lockedOut.errorCode());

    assertEquals(202, bed.api().patch(C + "admin/groups/" + groupId, key, new JsonObject().put("description", "")
        .put("locked", false)).status());
    JsonObject after = bed.sim().get("/sim/groups/" + groupId).json();
    assertEquals(null, after.getString("description"), "an empty description removes it");
    assertEquals(false, after.getBoolean("locked"));
    assertEquals(202, bed.api().patch(C + "member/groups/" + groupId, key, new JsonObject().put("subject", "Ours")).status(),
        "in an unlocked group every member edits the subject, as on WhatsApp");

    for (JsonObject bad : new JsonObject[] {new JsonObject(), new JsonObject().put("announce", "yes"),
        new JsonObject().put("subject", " "), new JsonObject().put("owner", "me")}) {
      Api.Response r = bed.api().patch(C + "admin/groups/" + groupId, key, bad);
      assertEquals(400, r.status(), bad.encode() + ": " + r);
    }
    Api.Response unknown = bed.api().patch(C + "admin/groups/120363000000000001@g.us", key, new JsonObject().put("locked", true));
    assertEquals(404, unknown.status(), unknown.toString());
  }

  @Test
  void inAnAnnounceGroupAMembersMessageFailsAndAnAdminsGoesThrough() {
    String key = bed.api().clientWithKey("gsa");
    String d = "/api/clients/gsa/devices/";
    Devices.link(bed.api(), bed.sim(), key, "gsa", "admin", "15553331001");
    Devices.link(bed.api(), bed.sim(), key, "gsa", "member", "15553331002");
    Api.Response created = bed.api().post(d + "admin/groups", key, new JsonObject().put("subject", "News")
        .put("participants", new JsonArray().add("15553331002").add("15553331999")));
    String groupId = created.data().getString("groupId");
    assertEquals(202, bed.api().patch(d + "admin/groups/" + groupId, key, new JsonObject().put("announce", true)).status());

    String memberId = send(key, d + "member", groupId, "may I?");
    JsonObject failed = Wait.until("the member's message to fail", 10_000,
        () -> bed.api().get(d + "member/messages/" + memberId, key).data(), m -> "FAILED".equals(m.getString("status")));
    assertTrue(failed.getString("error").contains("admins"), failed.encode());
    String adminId = send(key, d + "admin", groupId, "shift starts at 9");
    Wait.until("the admin's message at the person", 10_000,
        () -> bed.sim().received("15553331999").encode(), s -> s.contains(adminId));
    assertTrue(!bed.sim().received("15553331999").encode().contains(memberId), "the member's message was delivered");
  }

  @Test
  void aRevokedInviteNoLongerPreviewsAndTheNewOnePreviewsWithoutJoining() {
    String key = bed.api().clientWithKey("gsi");
    String d = "/api/clients/gsi/devices/";
    Devices.link(bed.api(), bed.sim(), key, "gsi", "admin", "15553332001");
    Devices.link(bed.api(), bed.sim(), key, "gsi", "member", "15553332002");
    Devices.link(bed.api(), bed.sim(), key, "gsi", "outsider", "15553332003");
    Api.Response created = bed.api().post(d + "admin/groups", key, new JsonObject().put("subject", "Club")
        .put("participants", new JsonArray().add("15553332002")));
    String groupId = created.data().getString("groupId");
    String old = bed.api().get(d + "admin/groups/" + groupId + "/invite", key).data().getString("code");

    JsonObject before = bed.api().get(d + "outsider/groups/invites/" + old, key).data();
    assertEquals(groupId, before.getString("groupId"));
    assertEquals("Club", before.getString("subject"));
    assertEquals(2, before.getInteger("participantCount"));

    Api.Response memberRevoke = bed.api().post(d + "member/groups/" + groupId + "/invite/revoke", key, null);
    assertEquals(403, memberRevoke.status(), memberRevoke.toString());
    Api.Response revoked = bed.api().post(d + "admin/groups/" + groupId + "/invite/revoke", key, null);
    assertEquals(200, revoked.status(), revoked.toString());
    String fresh = revoked.data().getString("code");
    assertNotEquals(old, fresh);
    assertEquals("https://chat.whatsapp.com/" + fresh, revoked.data().getString("url"));
    assertEquals(fresh, bed.api().get(d + "admin/groups/" + groupId + "/invite", key).data().getString("code"));

    Api.Response dead = bed.api().get(d + "outsider/groups/invites/" + old, key);
    assertEquals(404, dead.status(), dead.toString());
    JsonObject preview = bed.api().get(d + "outsider/groups/invites/" + fresh, key).data();
    assertEquals(groupId, preview.getString("groupId"));
    assertEquals(2, preview.getInteger("participantCount"));
    assertEquals(2, bed.sim().get("/sim/groups/" + groupId).json().getInteger("participantCount"), "a preview does not join");
    assertEquals(404, bed.api().get(d + "outsider/groups/" + groupId, key).status());
    assertEquals(400, bed.api().get(d + "outsider/groups/invites/no!", key).status());
    Api.Response joined = bed.api().post(d + "outsider/groups/join", key, new JsonObject().put("invite", old));
    assertEquals(404, joined.status(), "the old code no longer joins: " + joined);
  }

  private static String group(String key, String... participants) {
    JsonArray people = new JsonArray();
    for (String p : participants) {
      people.add(p);
    }
    Api.Response created = bed.api().post(C + "admin/groups", key, new JsonObject().put("subject", "Team").put("participants", people));
    assertEquals(201, created.status(), created.toString());
    return created.data().getString("groupId");
  }

  private static String send(String key, String device, String to, String text) {
    Api.Response r = bed.api().post(device + "/messages/text", key, new JsonObject().put("to", to).put("text", text));
    assertEquals(202, r.status(), r.toString());
    return r.data().getString("messageId");
  }
}
