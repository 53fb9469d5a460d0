package dev.switchboard.cluster;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.TcpIpConfig;
import dev.switchboard.config.ConfigException;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Hazelcast configuration of a clustered node: {@code cluster.xml} from the working directory
 * (operators edit that one) or else the copy in the jar, then the node's own settings on top.
 */
public final class HazelcastConfigs {

  /** The member attribute that carries {@code SWITCHBOARD_NODE_NAME}: the registry of live node names. */
  static final String NODE_NAME_ATTRIBUTE = "switchboard.node";

  /**
   * Measured on Vert.x 5.0.10 / Hazelcast 5.3.8: a kill -9 is noticed in about a second. A member
   * that was frozen past the heartbeat deadline (SIGSTOP, a long GC, a paused VM) comes back as a
   * cluster of its own; the two halves each see the other's nodes as dead and take their devices in
   * turn until Hazelcast merges them, which by default it first tries after 300 s. The chaos bench
   * saw two minutes of that after a 20 s SIGSTOP. Merging is tried every 5 s instead; the frozen node
   * claims nothing for its first 30 s back (DeviceManager's quarantine), so the halves are one again
   * before it could.
   */
  static final Map<String, String> FAST_FAILURE_DETECTION = Map.of(
      "hazelcast.heartbeat.interval.seconds", "1",
      "hazelcast.max.no.heartbeat.seconds", "5",
      "hazelcast.heartbeat.failuredetector.type", "deadline",
      "hazelcast.wait.seconds.before.join", "0",
      "hazelcast.merge.first.run.delay.seconds", "5",
      "hazelcast.merge.next.run.delay.seconds", "5",
      "hazelcast.phone.home.enabled", "false",
      "hazelcast.logging.type", "slf4j");

  private static final int BUCKET4J_TYPE_IDS = 1_000;

  private HazelcastConfigs() {
  }

  public static Config load(dev.switchboard.config.Config node) {
    return load(node, Path.of("cluster.xml"));
  }

  /**
   * Reads {@code file} when it exists, else the classpath copy; sets this member's port, replaces the
   * TCP-IP member list with {@code SWITCHBOARD_CLUSTER_MEMBERS} when given, and fills in any fast
   * failure detection property the file leaves out.
   */
  public static Config load(dev.switchboard.config.Config node, Path file) {
    Config config = read(file);
    config.getNetworkConfig().setPort(node.clusterPort()).setPortAutoIncrement(false);
    List<String> members = node.clusterMembers();
    JoinConfig join = config.getNetworkConfig().getJoin();
    if (!members.isEmpty()) {
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      TcpIpConfig tcp = join.getTcpIpConfig().setEnabled(true).clear();
      // One by one: a range such as 127.0.0.1:5701-5710 crashes Hazelcast 5.3.8.
      members.forEach(tcp::addMember);
    }
    FAST_FAILURE_DETECTION.forEach((name, value) -> {
      if (config.getProperty(name) == null) {
        config.setProperty(name, value);
      }
    });
    config.getMemberAttributeConfig().setAttribute(NODE_NAME_ATTRIBUTE, node.nodeName());
    // Bucket4j's entry processors in its compact binary form instead of Java serialization.
    HazelcastProxyManager.addCustomSerializers(config.getSerializationConfig(), BUCKET4J_TYPE_IDS);
    return config;
  }

  private static Config read(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return new FileSystemXmlConfig(file.toFile());
      }
      if (HazelcastConfigs.class.getClassLoader().getResource("cluster.xml") == null) {
        throw new ConfigException("no cluster.xml in the working directory or on the classpath");
      }
      return new ClasspathXmlConfig("cluster.xml");
    } catch (FileNotFoundException e) {
      throw new ConfigException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof ConfigException) {
        throw e;
      }
      throw new ConfigException("invalid Hazelcast configuration in " + file + ": " + e.getMessage());
    }
  }
}
