package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Group operations by a device outside the group, or without admin rights, are 404 and 403, never a 502. */
class GroupAccessTest {

  @Test
  void aGroupTheDeviceIsNotInIsNotFoundAndAdminOnlyActionsOfAMemberAreForbidden() {
    try (Sim sim = new Sim(20_000)) {
      Node node = TestNode.start(TestNode.config(TestDatabase.newDatabase(), "--sim-url", sim.url()));
      try (Api api = new Api(node.httpPort())) {
        String key = api.clientWithKey("grp");
        Devices.link(api, sim, key, "grp", "owner", "15554440001");
        Devices.link(api, sim, key, "grp", "outsider", "15554440002");
        String owner = "/api/clients/grp/devices/owner/groups";
        String outsider = "/api/clients/grp/devices/outsider/groups/";
        Api.Response created = api.post(owner, key, new JsonObject().put("subject", "Team")
            .put("participants", new JsonArray().add("15554449999")));
        assertEquals(201, created.status(), created.toString());
        String groupId = created.data().getString("groupId");

        for (Api.Response r : new Api.Response[] {api.get(outsider + groupId, key), api.get(outsider + groupId + "/invite", key),
            api.post(outsider + groupId + "/participants", key, new JsonObject().put("add", new JsonArray().add("15554448888"))),
            api.post(outsider + groupId + "/leave", key, null)}) {
          assertEquals(404, r.status(), r.toString());
          assertEquals("NOT_FOUND", r.errorCode());
        }

        Api.Response added = api.post(owner + "/" + groupId + "/participants", key,
            new JsonObject().put("add", new JsonArray().add("15554440002")));
        assertEquals(200, added.status(), added.toString());
        Api.Response invite = api.get(outsider + groupId + "/invite", key);
        assertEquals(403, invite.status(), invite.toString());
        assertEquals("NOT_GROUP_ADMIN", invite.errorCode());
        assertEquals(200, api.get(outsider + groupId, key).status(), "a member reads the metadata");
      } finally {
        TestNode.stop(node);
      }
    }
  }
}
