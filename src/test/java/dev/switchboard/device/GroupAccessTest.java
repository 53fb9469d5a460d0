package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.TestBed;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Group operations by a device outside the group, or without admin rights, are 404 and 403, never a 502. */
class GroupAccessTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode();

  @Test
  void aGroupTheDeviceIsNotInIsNotFoundAndAdminOnlyActionsOfAMemberAreForbidden() {
    String key = bed.api().clientWithKey("grp");
    Devices.link(bed.api(), bed.sim(), key, "grp", "owner", "15554440001");
    Devices.link(bed.api(), bed.sim(), key, "grp", "outsider", "15554440002");
    String owner = "/api/clients/grp/devices/owner/groups";
    String outsider = "/api/clients/grp/devices/outsider/groups/";
    Api.Response created = bed.api().post(owner, key, new JsonObject().put("subject", "Team")
        .put("participants", new JsonArray().add("15554449999")));
    assertEquals(201, created.status(), created.toString());
    String groupId = created.data().getString("groupId");

    for (Api.Response r : new Api.Response[] {bed.api().get(outsider + groupId, key), bed.api().get(outsider + groupId + "/invite", key),
        bed.api().post(outsider + groupId + "/participants", key, new JsonObject().put("add", new JsonArray().add("15554448888"))),
        bed.api().post(outsider + groupId + "/leave", key, null)}) {
      assertEquals(404, r.status(), r.toString());
      assertEquals("NOT_FOUND", r.errorCode());
    }

    Api.Response added = bed.api().post(owner + "/" + groupId + "/participants", key,
        new JsonObject().put("add", new JsonArray().add("15554440002")));
    assertEquals(200, added.status(), added.toString());
    Api.Response invite = bed.api().get(outsider + groupId + "/invite", key);
    assertEquals(403, invite.status(), invite.toString());
    assertEquals("NOT_GROUP_ADMIN", invite.errorCode());
    assertEquals(200, bed.api().get(outsider + groupId, key).status(), "a member reads the metadata");
  }
}
