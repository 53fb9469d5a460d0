package dev.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin overview on one node: its devices, a dead owner's leftover lease, the queue, per-client rows. */
class AdminOverviewTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode();

  @Test
  void showsNodesWithTheirDevicesTheQueueAndEveryClient() throws Exception {
    String key = bed.api().clientWithKey("ops");
    bed.api().clientWithKey("idle");
    Api.Response created = bed.api().post("/api/clients/ops/devices", key, new JsonObject().put("deviceId", "waiting"));
    assertEquals(201, created.status(), created.toString());
    for (int i = 0; i < 2; i++) {
      Api.Response sent = bed.api().post("/api/clients/ops/devices/waiting/messages/text", key,
          new JsonObject().put("to", "15550001234").put("text", "queued until the device is linked " + i));
      assertEquals(202, sent.status(), sent.toString());
    }
    // A device still leased by a node that is gone: shown under that node, as not live.
    sql("INSERT INTO devices (client_id, device_id, session_key, status, desired_state, owner_node, lease_until)"
        + " VALUES ('ops', 'orphan', 'sk-orphan', 'CONNECTED', 'STOPPED', 'ghost', now() + interval '5 minutes')");

    Api.Response forClient = bed.api().get("/api/admin/overview", key);
    assertEquals(403, forClient.status(), forClient.toString());

    JsonObject overview = Wait.until("the device leased by test-node", 10_000,
        () -> bed.api().get("/api/admin/overview", TestNode.MASTER).data(),
        o -> node(o, "test-node").getLong("deviceCount") == 1);
    assertEquals("test-node", overview.getString("node"));
    assertEquals(1, overview.getInteger("clusterSize"));

    JsonObject self = node(overview, "test-node");
    assertTrue(self.getBoolean("live"));
    assertTrue(self.getBoolean("self"));
    JsonObject device = self.getJsonArray("devices").getJsonObject(0);
    assertEquals("ops", device.getString("clientId"));
    assertEquals("waiting", device.getString("deviceId"));
    JsonObject ghost = node(overview, "ghost");
    assertFalse(ghost.getBoolean("live"));
    assertEquals(1, ghost.getLong("deviceCount"));
    assertEquals("orphan", ghost.getJsonArray("devices").getJsonObject(0).getString("deviceId"));

    JsonObject devices = overview.getJsonObject("devices");
    assertEquals(2, devices.getLong("total"));
    assertEquals(1, devices.getJsonObject("byStatus").getLong("CONNECTED"));
    assertEquals(0, devices.getJsonObject("byStatus").getLong("LOGGED_OUT"));
    assertEquals(2, overview.getLong("outboundQueue"));
    assertEquals(0, overview.getLong("scheduledMessages"));

    JsonArray clients = overview.getJsonArray("clients");
    assertEquals(2, clients.size());
    JsonObject ops = clients.getJsonObject(1);
    assertEquals("ops", ops.getString("clientId"));
    assertEquals(2, ops.getLong("devices"));
    assertEquals(1, ops.getLong("connectedDevices"));
    assertEquals(2, ops.getLong("queuedMessages"));
    assertEquals(0, clients.getJsonObject(0).getLong("queuedMessages"));

    JsonObject webhooks = overview.getJsonObject("webhooks");
    assertTrue(webhooks.containsKey("backlog") && webhooks.containsKey("failed"), webhooks.encode());
    if (tableExists("webhook_deliveries")) {
      assertEquals(0, webhooks.getLong("backlog"));
      assertEquals(0, ops.getLong("webhookBacklog"));
    } else {
      // Before the events migration: reported as unknown, not as an error.
      assertEquals(null, webhooks.getValue("backlog"));
      assertEquals(null, webhooks.getValue("failed"));
      assertEquals(null, ops.getValue("webhookBacklog"));
    }
  }

  private static JsonObject node(JsonObject overview, String name) {
    for (Object o : overview.getJsonArray("nodes")) {
      if (name.equals(((JsonObject) o).getString("name"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no node " + name + " in " + overview.getJsonArray("nodes"));
  }

  private static Connection connect() throws SQLException {
    DbUrl url = DbUrl.parse(bed.db());
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private static boolean tableExists(String table) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
