package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Dirs;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.PostgresProcess;
import dev.switchboard.support.Sim;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default deployment, one node on its own embedded PostgreSQL, comes back from a {@code kill -9}
 * on the first start: the server the dead node left is stopped (by the watchdog at once, or by the
 * next start when the watchdog died too) and nothing accepted is lost or doubled.
 */
class EmbeddedCrashTest {

  static final int SENDS = 200;
  static final String PHONE = "15557660000";

  private Path dataDir;
  private Path log;

  @BeforeEach
  void dirs() throws Exception {
    dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "embedded-crash-");
    log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
  }

  @AfterEach
  void cleanUp() {
    // Whatever a failed assertion left running on the directory.
    LeftoverServer.stop(dataDir.resolve("postgres"));
    Dirs.deleteAfterStop(dataDir);
  }

  @Test
  void aNodeKilledOnItsOwnDatabaseIsHealthyWithinFifteenSecondsAndSendsEachAcceptedMessageOnce() throws Exception {
    try (Sim sim = new Sim(20_000)) {
      int port = NodeProcess.freePort();
      List<String> paced = List.of("--send-rate", "100");
      NodeProcess node = NodeProcess.startOnOwnDatabase(port, dataDir, sim.url(), "own-db", log, paced);
      List<String> accepted = new ArrayList<>();
      String key;
      try (Api api = new Api(port)) {
        key = api.clientWithKey("owner");
        Devices.link(api, sim, key, "owner", "d", "15557650000");
        for (int i = 0; i < SENDS; i++) {
          Api.Response r = api.post("/api/clients/owner/devices/d/messages/text", key,
              new JsonObject().put("to", PHONE).put("text", "before the crash #" + i));
          assertEquals(202, r.status(), r.toString());
          accepted.add(r.data().getString("messageId"));
        }
      }
      node.kill9();
      assertTrue(sim.received(PHONE).size() < SENDS, "the kill came while sends were still queued");

      long started = System.nanoTime();
      NodeProcess again = NodeProcess.startOnOwnDatabase(port, dataDir, sim.url(), "own-db", log, paced);
      try {
        long healthyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(healthyMs < 15_000, "healthy " + healthyMs + " ms after the restart, on the first try");
        try (Api api = new Api(port)) {
          // CONNECTED again from the stored credentials: no QR was scanned after the kill.
          Devices.awaitStatus(api, key, "owner", "d", "CONNECTED");
          Wait.until("every accepted send delivered", 60_000, () -> sim.received(PHONE).size(), n -> n >= SENDS);
          Map<String, Integer> seen = new HashMap<>();
          sim.received(PHONE).forEach(o -> seen.merge(((JsonObject) o).getString("messageId"), 1, Integer::sum));
          for (String id : accepted) {
            assertEquals(1, seen.getOrDefault(id, 0), "message " + id + " arrived exactly once");
          }
          assertEquals(SENDS, seen.size(), "nothing arrived that was not accepted");
          assertEquals(0, sim.stats().getInteger("conflicts"), "the session was never held twice");
        }
      } finally {
        again.terminate();
      }
    }
  }

  @Test
  void aServerLeftByANodeWhoseWatchdogDiedTooIsStoppedByTheNextStart() throws Exception {
    try (Sim sim = new Sim(20_000)) {
      int port = NodeProcess.freePort();
      NodeProcess node = NodeProcess.startOnOwnDatabase(port, dataDir, sim.url(), "orphan", log, List.of());
      String key;
      try (Api api = new Api(port)) {
        key = api.clientWithKey("kept");
      }
      // As if the whole process tree but the server went (a kill of the node's process group that
      // PostgreSQL, a daemon of its own, escaped).
      ProcessHandle.of(node.pid()).orElseThrow().children().forEach(ProcessHandle::destroyForcibly);
      node.kill9();
      long server = LeftoverServer.pidOf(dataDir.resolve("postgres")).orElseThrow();
      Thread.sleep(1_000);
      assertTrue(ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false), "the dead node's server still runs");

      long started = System.nanoTime();
      NodeProcess again = NodeProcess.startOnOwnDatabase(port, dataDir, sim.url(), "orphan", log, List.of());
      try {
        long healthyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(healthyMs < 15_000, "healthy " + healthyMs + " ms after the restart, on the first try");
        assertTrue(Files.readString(log).contains("left by a process that died: stopping it"), "the log says what happened");
        try (Api api = new Api(port)) {
          assertEquals(200, api.get("/api/clients/kept", key).status(), "the data survived");
        }
      } finally {
        again.terminate();
      }
    }
  }

  @Test
  void aSecondNodeOnTheSameDataDirectoryRefusesWithOneLineAndHarmsNothing() throws Exception {
    try (Sim sim = new Sim(20_000)) {
      int port = NodeProcess.freePort();
      NodeProcess first = NodeProcess.startOnOwnDatabase(port, dataDir, sim.url(), "first", log, List.of());
      try {
        Path secondLog = dataDir.resolveSibling(dataDir.getFileName() + "-second.log");
        Process second = new ProcessBuilder(NodeProcess.command(NodeProcess.freePort(),
            List.of("--data-dir", dataDir.toString()), sim.url(), "second", List.of("-Xmx256m")))
            .redirectErrorStream(true).redirectOutput(secondLog.toFile()).start();
        assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second node gave up");
        assertEquals(2, second.exitValue());
        String out = Files.readString(secondLog);
        assertTrue(out.contains("switchboard: the data directory " + dataDir + " is in use by another Switchboard process (pid "
            + first.pid() + ")"), out);
        try (Api api = new Api(port)) {
          assertEquals(200, api.get("/api/health", null).status(), "the first node is untouched");
          api.clientWithKey("still-writing");
        }
      } finally {
        first.terminate();
      }
    }
  }

  @Test
  void thePostgresSubcommandKilledWithKill9StartsAgainOnItsDirectory() throws Exception {
    Path pgLog = dataDir.resolveSibling(dataDir.getFileName() + "-pg.log");
    PostgresProcess pg = PostgresProcess.start(dataDir, pgLog);
    pg.kill9();
    long started = System.nanoTime();
    try (PostgresProcess again = PostgresProcess.start(dataDir, pgLog)) {
      long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(readyMs < 15_000, "listening " + readyMs + " ms after the restart");
      Optional<Long> server = LeftoverServer.pidOf(dataDir.resolve("postgres"));
      assertTrue(server.isPresent() && LeftoverServer.isPostgresOn(ProcessHandle.of(server.get()).orElseThrow(),
          dataDir.resolve("postgres")), "a server of its own runs on the directory");
    }
  }
}
