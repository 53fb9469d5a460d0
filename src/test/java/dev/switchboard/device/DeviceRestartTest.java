package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.Node;
import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A restarted node resumes every linked device from stored credentials, without a new QR. */
class DeviceRestartTest {

  @RegisterExtension
  final TestBed bed = TestBed.database().withSim(20_000);

  @Test
  void aGracefulRestartResumesLinkedDevicesWithoutAQr() {
    Node first = TestNode.start(TestNode.config(bed.db(), "--sim-url", bed.sim().url()));
    String key;
    try (Api api = new Api(first.httpPort())) {
      key = api.clientWithKey("rs");
      Devices.link(api, bed.sim(), key, "rs", "a", "15550007001");
      Devices.link(api, bed.sim(), key, "rs", "b", "15550007002");
    } finally {
      TestNode.stop(first);
    }
    Node second = TestNode.start(TestNode.config(bed.db(), "--sim-url", bed.sim().url()));
    try (Api api = new Api(second.httpPort())) {
      Devices.awaitStatus(api, key, "rs", "a", "CONNECTED");
      Devices.awaitStatus(api, key, "rs", "b", "CONNECTED");
      assertEquals(0, bed.sim().stats().getInteger("conflicts"));
    } finally {
      TestNode.stop(second);
    }
  }

  @Test
  void aKilledNodeProcessResumesLinkedDevicesWithoutAQr() throws Exception {
    NodeProcess node = bed.startProcess("killed");
    int port = node.port();
    String key;
    try (Api api = new Api(port)) {
      key = api.clientWithKey("k9");
      for (int i = 0; i < 3; i++) {
        Devices.link(api, bed.sim(), key, "k9", "d" + i, "1555000810" + i);
      }
    }
    node.kill9();
    NodeProcess again = bed.startProcess("killed");
    try (Api api = new Api(port)) {
      for (int i = 0; i < 3; i++) {
        Devices.awaitStatus(api, key, "k9", "d" + i, "CONNECTED");
      }
      assertEquals(0, bed.sim().stats().getInteger("conflicts"), "no session ran twice at once");
    } finally {
      again.terminate();
    }
  }
}
