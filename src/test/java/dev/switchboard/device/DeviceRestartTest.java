package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A restarted node resumes every linked device from stored credentials, without a new QR. */
@ExtendWith(VertxExtension.class)
class DeviceRestartTest {

  @Test
  void aGracefulRestartResumesLinkedDevicesWithoutAQr() {
    try (Sim sim = new Sim(20_000)) {
      String db = TestDatabase.newDatabase();
      Node first = TestNode.start(TestNode.config(db, "--sim-url", sim.url()));
      String key;
      try (Api api = new Api(first.httpPort())) {
        key = api.clientWithKey("rs");
        Devices.link(api, sim, key, "rs", "a", "15550007001");
        Devices.link(api, sim, key, "rs", "b", "15550007002");
      } finally {
        TestNode.stop(first);
      }
      Node second = TestNode.start(TestNode.config(db, "--sim-url", sim.url()));
      try (Api api = new Api(second.httpPort())) {
        Devices.awaitStatus(api, key, "rs", "a", "CONNECTED");
        Devices.awaitStatus(api, key, "rs", "b", "CONNECTED");
        assertEquals(0, sim.stats().getInteger("conflicts"));
      } finally {
        TestNode.stop(second);
      }
    }
  }

  @Test
  void aKilledNodeProcessResumesLinkedDevicesWithoutAQr() throws Exception {
    try (Sim sim = new Sim(20_000)) {
      String db = TestDatabase.newDatabase();
      Path log = Path.of("target", "node-kill9-" + System.nanoTime() + ".log");
      int port = NodeProcess.freePort();
      NodeProcess node = NodeProcess.start(port, db, sim.url(), "killed", log);
      String key;
      try (Api api = new Api(port)) {
        key = api.clientWithKey("k9");
        for (int i = 0; i < 3; i++) {
          Devices.link(api, sim, key, "k9", "d" + i, "1555000810" + i);
        }
      }
      node.kill9();
      NodeProcess again = NodeProcess.start(port, db, sim.url(), "killed", log);
      try (Api api = new Api(port)) {
        for (int i = 0; i < 3; i++) {
          Devices.awaitStatus(api, key, "k9", "d" + i, "CONNECTED");
        }
        assertEquals(0, sim.stats().getInteger("conflicts"), "no session ran twice at once");
      } finally {
        again.terminate();
      }
    }
  }
}
