package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hazelcast.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a node's settings land in the Hazelcast configuration read from cluster.xml. */
class HazelcastConfigsTest {

  @TempDir
  Path dir;

  @Test
  void membersPortNameAndFastFailureDetectionComeFromTheNodesSettings() {
    dev.switchboard.config.Config node = TestNode.config(null, "--cluster", "true", "--cluster-port", "5801",
        "--cluster-members", "10.0.0.1:5801, node-b:5802", "--node-name", "alpha");
    Config hz = HazelcastConfigs.load(node, dir.resolve("absent.xml"));
    assertEquals("switchboard", hz.getClusterName(), "the classpath copy");
    assertEquals(5801, hz.getNetworkConfig().getPort());
    assertFalse(hz.getNetworkConfig().isPortAutoIncrement());
    assertEquals(List.of("10.0.0.1:5801", "node-b:5802"), hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertFalse(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertEquals("alpha", hz.getMemberAttributeConfig().getAttribute(HazelcastConfigs.NODE_NAME_ATTRIBUTE));
    assertEquals("5", hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("deadline", hz.getProperty("hazelcast.heartbeat.failuredetector.type"));
  }

  @Test
  void aFileInTheWorkingDirectoryWinsAndKeepsItsOwnMembersAndTuning() throws Exception {
    Path file = dir.resolve("cluster.xml");
    Files.writeString(file, """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <cluster-name>ops-edited</cluster-name>
          <properties><property name="hazelcast.max.no.heartbeat.seconds">12</property></properties>
          <network><join><tcp-ip enabled="true"><member>192.168.1.5:5701</member></tcp-ip></join></network>
        </hazelcast>""");
    Config hz = HazelcastConfigs.load(TestNode.config(null, "--cluster", "true"), file);
    assertEquals("ops-edited", hz.getClusterName());
    assertEquals(List.of("192.168.1.5:5701"), hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals("12", hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("1", hz.getProperty("hazelcast.heartbeat.interval.seconds"), "filled in where the file is silent");
    assertEquals(5701, hz.getNetworkConfig().getPort());
  }

  @Test
  void aBrokenFileStopsTheNodeWithOneClearLine() throws Exception {
    Path file = dir.resolve("cluster.xml");
    Files.writeString(file, "<hazelcast><network><port>not a port</port></network></hazelcast>");
    ConfigException e = assertThrows(ConfigException.class,
        () -> HazelcastConfigs.load(TestNode.config(null, "--cluster", "true"), file));
    assertEquals(true, e.getMessage().contains("cluster.xml"), e.getMessage());
  }
}
