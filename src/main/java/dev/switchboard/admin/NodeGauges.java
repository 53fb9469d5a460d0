package dev.switchboard.admin;

import dev.switchboard.device.DeviceStatus;
import dev.switchboard.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges that need the database: this node's devices by status, and the outbox depth and
 * webhook backlog of the whole cluster (the same figure on every node: take the max across nodes,
 * not the sum). Sampled every {@value #PERIOD_MS} ms, so a scrape never waits for a query.
 */
public final class NodeGauges {

  private static final Logger log = LoggerFactory.getLogger(NodeGauges.class);
  static final long PERIOD_MS = 10_000;

  private final Vertx vertx;
  private final Pool pool;
  private final String node;
  private final Map<DeviceStatus, AtomicLong> devices = new EnumMap<>(DeviceStatus.class);
  private final AtomicLong outbox = new AtomicLong();
  private final AtomicLong backlog = new AtomicLong();
  private long timer = -1;

  public NodeGauges(Vertx vertx, Pool pool, String node, Metrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.node = node;
    for (DeviceStatus status : DeviceStatus.values()) {
      AtomicLong count = new AtomicLong();
      devices.put(status, count);
      metrics.gauge("switchboard.devices", "devices whose lease this node holds, by status", "status", status.name(),
          count::get);
    }
    metrics.gauge("switchboard.outbox.depth", "outbound messages waiting to be sent, cluster-wide", null, null, outbox::get);
    metrics.gauge("switchboard.webhook.backlog", "webhook deliveries waiting or in flight, cluster-wide", null, null,
        backlog::get);
  }

  public Future<Void> start() {
    timer = vertx.setPeriodic(0, PERIOD_MS, id -> sample());
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void sample() {
    OverviewRepository.devicesByStatus(pool, node).onSuccess(counts -> devices.forEach((status, count) ->
        count.set(counts.getOrDefault(status.name(), 0L))));
    OverviewRepository.queue(pool).onSuccess(q -> outbox.set(q.queued()));
    OverviewRepository.webhookBacklog(pool).onSuccess(backlog::set)
        .onFailure(e -> log.debug("Gauges not sampled: {}", e.getMessage()));
  }
}
