package dev.switchboard.cluster;

import dev.switchboard.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The members of this node's cluster as the rest of the code sees them. A node started without
 * {@code --cluster} is a cluster of one that answers for itself alone. Every method here reads
 * local state and never blocks.
 */
public interface Cluster {

  /**
   * Creates this node's Vert.x: clustered over Hazelcast when {@code config.cluster()}, plain
   * otherwise. Reading {@code cluster.xml} blocks: call it before any event loop runs this node.
   */
  static Future<Cluster> start(Config config, VertxBuilder builder) {
    if (!config.cluster()) {
      return Future.succeededFuture(new LocalCluster(builder.build(), config.nodeName()));
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigs.load(config));
    return builder.withClusterManager(manager).buildClustered()
        .compose(vertx -> HazelcastCluster.joined(vertx, manager, config.nodeName()));
  }

  Vertx vertx();

  /** True when this node runs on Hazelcast (even while it is the only member). */
  boolean clustered();

  /** This node's id: its Hazelcast member UUID, which is also its Vert.x node id. */
  String nodeId();

  /** This node's {@code SWITCHBOARD_NODE_NAME}. */
  String nodeName();

  /** How many members the cluster has right now, this one included. */
  int size();

  /** The ids of the members, this one included. */
  List<String> nodeIds();

  /** Live members: node id to node name. A member leaves it as soon as Hazelcast removes it. */
  Map<String, String> liveNodes();

  /** The names of the live members, this one included, sorted. */
  Set<String> liveNodeNames();

  /**
   * Runs {@code listener} after every member join or leave, on the Vert.x context of the caller
   * (an event loop when called from a verticle), never on a Hazelcast thread.
   */
  void onMembershipChange(Runnable listener);
}
