package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Node;
import dev.switchboard.config.Config;
import dev.switchboard.support.Api;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no database configured, a node keeps its state in the embedded PostgreSQL under its data dir. */
class NodeRestartTest {

  @Test
  void stateSurvivesARestartOfTheEmbeddedDatabase(@TempDir Path dataDir) {
    Config config = Config.load(List.of("--http-port", "0", "--data-dir", dataDir.toString(), "--engine", "simulator", "--sim-port", "0"),
        Map.of());
    Node first = TestNode.start(config);
    String masterHash;
    String key;
    try (Api api = new Api(first.httpPort())) {
      masterHash = masterHash(first);
      assertEquals("on", TestDatabase.setting(first.pool(), "fsync"), "the product's embedded database is durable");
      assertEquals("on", TestDatabase.setting(first.pool(), "synchronous_commit"));
      assertEquals("5s", TestDatabase.setting(first.pool(), "autovacuum_naptime"), "queue tables are looked at every 5 s");
      assertEquals("off", TestDatabase.setting(first.pool(), "wal_init_zero"), "new WAL segments are not zero-filled while commits wait");
      assertTrue(masterHash.length() > 20, "a master key was generated and only its hash stored");
      TestNode.await(first.pool().preparedQuery("UPDATE settings SET value = $1 WHERE name = 'master_key_sha256'")
          .execute(io.vertx.sqlclient.Tuple.of(java.util.Base64.getEncoder().encodeToString(
              dev.switchboard.tenant.ApiKeys.hash(TestNode.MASTER)))));
    } finally {
      TestNode.stop(first);
    }
    assertTrue(Files.isDirectory(dataDir.resolve("postgres")));

    Node second = TestNode.start(config);
    try (Api api = new Api(second.httpPort())) {
      key = api.clientWithKey("survivor");
      api.put("/api/clients/survivor/config", key, new JsonObject().put("webhookUrl", "https://example.com/hook"));
    } finally {
      TestNode.stop(second);
    }

    Node third = TestNode.start(config);
    try (Api api = new Api(third.httpPort())) {
      assertEquals(200, api.get("/api/clients/survivor", key).status(), "the client key still works");
      assertEquals("https://example.com/hook", api.get("/api/clients/survivor/config", key).data().getString("webhookUrl"));
      assertEquals(200, api.get("/api/health", null).status());
    } finally {
      TestNode.stop(third);
    }
  }

  private static String masterHash(Node node) {
    return TestNode.await(node.pool().query("SELECT value FROM settings WHERE name = 'master_key_sha256'").execute())
        .iterator().next().getString("value");
  }
}
