package dev.switchboard.cluster;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A node without {@code --cluster}: the only member there is. Its membership never changes. */
final class LocalCluster implements Cluster {

  private final Vertx vertx;
  private final String nodeId = UUID.randomUUID().toString();
  private final String nodeName;

  LocalCluster(Vertx vertx, String nodeName) {
    this.vertx = vertx;
    this.nodeName = nodeName;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public boolean clustered() {
    return false;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public String nodeName() {
    return nodeName;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public List<String> nodeIds() {
    return List.of(nodeId);
  }

  @Override
  public Map<String, String> liveNodes() {
    return Map.of(nodeId, nodeName);
  }

  @Override
  public Set<String> liveNodeNames() {
    return Set.of(nodeName);
  }

  @Override
  public void onMembershipChange(Runnable listener) {
    // A cluster of one never changes.
  }
}
