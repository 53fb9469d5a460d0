package dev.switchboard.admin;

import dev.switchboard.cluster.Cluster;
import dev.switchboard.device.DeviceStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The cluster, its devices, queues and clients at a glance: what {@code GET /api/admin/overview} answers. */
public final class Overview {

  /** Devices listed per node; {@code deviceCount} still counts them all. */
  static final int DEVICES_PER_NODE = 500;

  private final Cluster cluster;
  private final Pool pool;

  public Overview(Cluster cluster, Pool pool) {
    this.cluster = cluster;
    this.pool = pool;
  }

  public Future<JsonObject> get() {
    Future<List<OverviewRepository.OwnedDevice>> owned = OverviewRepository.owned(pool, DEVICES_PER_NODE);
    Future<Map<String, Long>> byStatus = OverviewRepository.devicesByStatus(pool);
    Future<OverviewRepository.Queue> queue = OverviewRepository.queue(pool);
    Future<List<OverviewRepository.ClientRow>> clients = OverviewRepository.clients(pool);
    Future<Map<String, OverviewRepository.WebhookCounts>> webhooks = OverviewRepository.webhooks(pool);
    return Future.all(owned, byStatus, queue, clients, webhooks).map(all -> new JsonObject()
        .put("node", cluster.nodeName())
        .put("clusterSize", cluster.size())
        .put("nodes", nodes(owned.result()))
        .put("devices", devices(byStatus.result()))
        .put("outboundQueue", queue.result().queued())
        .put("scheduledMessages", queue.result().scheduled())
        .put("webhooks", webhookTotals(webhooks.result()))
        .put("clients", clients(clients.result(), webhooks.result())));
  }

  /** Every live node, with the devices it holds a live lease on; a dead node still holding leases shows as not live. */
  private JsonArray nodes(List<OverviewRepository.OwnedDevice> owned) {
    Map<String, JsonObject> nodes = new TreeMap<>();
    for (String name : cluster.liveNodeNames()) {
      nodes.put(name, node(name, true));
    }
    for (OverviewRepository.OwnedDevice d : owned) {
      JsonObject node = nodes.computeIfAbsent(d.node(), name -> node(name, false));
      node.put("deviceCount", d.owned());
      node.getJsonArray("devices").add(new JsonObject().put("clientId", d.clientId()).put("deviceId", d.deviceId())
          .put("name", d.name()).put("status", d.status()));
      node.put("devicesTruncated", d.owned() > node.getJsonArray("devices").size());
    }
    return new JsonArray(List.copyOf(nodes.values()));
  }

  private JsonObject node(String name, boolean live) {
    return new JsonObject().put("name", name).put("live", live).put("self", name.equals(cluster.nodeName()))
        .put("deviceCount", 0L).put("devices", new JsonArray()).put("devicesTruncated", false);
  }

  private static JsonObject devices(Map<String, Long> byStatus) {
    Map<String, Object> counts = new LinkedHashMap<>();
    for (DeviceStatus s : DeviceStatus.values()) {
      counts.put(s.name(), byStatus.getOrDefault(s.name(), 0L));
    }
    byStatus.forEach(counts::putIfAbsent);
    return new JsonObject().put("total", byStatus.values().stream().mapToLong(Long::longValue).sum())
        .put("byStatus", new JsonObject(counts));
  }

  private static JsonObject webhookTotals(Map<String, OverviewRepository.WebhookCounts> webhooks) {
    if (webhooks == null) {
      return new JsonObject().putNull("backlog").putNull("failed");
    }
    return new JsonObject()
        .put("backlog", webhooks.values().stream().mapToLong(OverviewRepository.WebhookCounts::backlog).sum())
        .put("failed", webhooks.values().stream().mapToLong(OverviewRepository.WebhookCounts::failed).sum());
  }

  private static JsonArray clients(List<OverviewRepository.ClientRow> rows,
      Map<String, OverviewRepository.WebhookCounts> webhooks) {
    JsonArray out = new JsonArray();
    for (OverviewRepository.ClientRow c : rows) {
      OverviewRepository.WebhookCounts w = webhooks == null ? null
          : webhooks.getOrDefault(c.clientId(), new OverviewRepository.WebhookCounts(0, 0));
      out.add(new JsonObject()
          .put("clientId", c.clientId())
          .put("devices", c.devices())
          .put("connectedDevices", c.connected())
          .put("queuedMessages", c.queued())
          .put("webhookBacklog", w == null ? null : w.backlog())
          .put("webhookFailures", w == null ? null : w.failed()));
    }
    return out;
  }
}
