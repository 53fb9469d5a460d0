package dev.switchboard.http;

import static io.vertx.core.http.HttpMethod.GET;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.metrics.Metrics;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /metrics}: this node's meters in the Prometheus text format, for the master key. */
public final class MetricsApi {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Metrics metrics;

  public MetricsApi(Metrics metrics) {
    this.metrics = metrics;
  }

  public void register(ApiRoutes routes) {
    routes.add(GET, "/metrics", Access.MASTER, "operations",
        "This node's metrics in the Prometheus text format: JVM, HTTP server, event bus, database pools and the "
            + "gateway's own (messages, webhook deliveries and latency, devices, queues, reconnects, rate limits)",
        RouteDoc.of().returnsRaw(200, "text/plain", "the Prometheus text exposition format 0.0.4").errors(404),
        this::scrape);
  }

  private void scrape(RoutingContext ctx) {
    if (!metrics.enabled()) {
      ctx.fail(new ApiException(404, "NOT_FOUND", "metrics are switched off on this node (SWITCHBOARD_METRICS)"));
      return;
    }
    // Rendering walks every meter: a few milliseconds, off the event loop.
    ctx.vertx().executeBlocking(metrics::scrape, false)
        .onSuccess(text -> ctx.response().putHeader("content-type", CONTENT_TYPE).end(text))
        .onFailure(ctx::fail);
  }
}
