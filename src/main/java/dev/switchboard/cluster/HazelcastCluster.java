package dev.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.switchboard.config.ConfigException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership from Hazelcast. Each member carries its node name as a member attribute, so the
 * registry of live node names is exactly the member list: nothing to clean up when a member dies,
 * and reading it is a local call.
 */
final class HazelcastCluster implements Cluster {

  private static final Logger log = LoggerFactory.getLogger(HazelcastCluster.class);

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final String nodeName;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  private HazelcastCluster(Vertx vertx, HazelcastInstance hazelcast, String nodeName) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.nodeName = nodeName;
  }

  /**
   * Wraps a joined member; fails when another live member already uses this node name. Creating a
   * distributed map's proxy can wait on other members, so the rate-limit map is created here, on a
   * worker thread, before any request needs it.
   */
  static Future<Cluster> joined(Vertx vertx, HazelcastClusterManager manager, String nodeName) {
    HazelcastCluster cluster = new HazelcastCluster(vertx, manager.getHazelcastInstance(), nodeName);
    long sameName = cluster.members().stream()
        .filter(m -> nodeName.equals(m.getAttribute(HazelcastConfigs.NODE_NAME_ATTRIBUTE))).count();
    if (sameName > 1) {
      // Device leases are held by node name: two members with one name would both think they own a device.
      return vertx.close().transform(ar -> Future.failedFuture(new ConfigException(
          "another live cluster member is already named '" + nodeName + "'; set a unique SWITCHBOARD_NODE_NAME")));
    }
    cluster.hazelcast.getCluster().addMembershipListener(cluster.new Listener());
    log.info("Joined the cluster as '{}' ({}): {} member(s) {}", nodeName, cluster.nodeId(), cluster.size(),
        cluster.liveNodeNames());
    return vertx.executeBlocking(() -> cluster.hazelcast.getMap(Buckets.MAP)).map(cluster);
  }

  HazelcastInstance hazelcast() {
    return hazelcast;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public String nodeId() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public String nodeName() {
    return nodeName;
  }

  @Override
  public int size() {
    return members().size();
  }

  @Override
  public List<String> nodeIds() {
    return members().stream().map(m -> m.getUuid().toString()).toList();
  }

  @Override
  public Map<String, String> liveNodes() {
    Map<String, String> nodes = new LinkedHashMap<>();
    for (Member m : members()) {
      String name = m.getAttribute(HazelcastConfigs.NODE_NAME_ATTRIBUTE);
      nodes.put(m.getUuid().toString(), name == null ? m.getUuid().toString() : name);
    }
    return Collections.unmodifiableMap(nodes);
  }

  @Override
  public Set<String> liveNodeNames() {
    return Collections.unmodifiableSet(new TreeSet<>(liveNodes().values()));
  }

  @Override
  public void onMembershipChange(Runnable listener) {
    Context context = vertx.getOrCreateContext();
    listeners.add(() -> context.runOnContext(v -> listener.run()));
  }

  /** Empty once this member has left (shutdown): it is then a member of nothing. */
  private Set<Member> members() {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return Set.of();
    }
    return hazelcast.getCluster().getMembers();
  }

  private final class Listener implements MembershipListener {

    @Override
    public void memberAdded(MembershipEvent event) {
      changed("joined", event);
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      changed("left", event);
    }

    private void changed(String what, MembershipEvent event) {
      log.info("Cluster member '{}' {}: {} member(s) now", event.getMember().getAttribute(HazelcastConfigs.NODE_NAME_ATTRIBUTE),
          what, event.getMembers().size());
      listeners.forEach(Runnable::run);
    }
  }
}
