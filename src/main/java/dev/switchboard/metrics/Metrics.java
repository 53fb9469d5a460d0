package dev.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Supplier;

/**
 * The node's meters: one registry per node, handed to Vert.x (HTTP server, event bus, pools, JVM)
 * and to the services that count the gateway's own events. No meter has a client or device label:
 * with thousands of clients that would be thousands of series per meter; per-client figures come
 * from the stats API. Switched off ({@link #off()}), every meter is a no-op and Vert.x collects nothing.
 */
public final class Metrics {

  /** Webhook latency buckets, in seconds: a webhook's answer within a timeout of 10 s. */
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final Counter sent;
  private final Counter failed;
  private final Counter received;
  private final Counter webhookDelivered;
  private final Counter webhookFailed;
  private final Counter webhookRetried;
  private final Timer webhookLatency;
  private final Counter reconnects;
  private final Counter leaseLosses;
  private final Counter takeovers;
  private final Counter rateLimited;

  /**
   * The gateway's meters on {@code registry}, made once Vert.x has been built on it (Vert.x adds its
   * filters to the registry then, and a filter must come before the meters).
   */
  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    this.prometheus = registry instanceof PrometheusMeterRegistry p ? p : null;
    sent = counter("switchboard.messages.sent", "messages the devices of this node sent");
    failed = counter("switchboard.messages.failed", "messages that could not be sent");
    received = counter("switchboard.messages.received", "inbound messages stored (redeliveries not counted)");
    webhookDelivered = delivery("delivered");
    webhookFailed = delivery("failed");
    webhookRetried = delivery("retried");
    webhookLatency = Timer.builder("switchboard.webhook.latency")
        .description("time from a webhook request to its answer").serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    reconnects = counter("switchboard.device.reconnects", "device sessions lost and reconnected");
    leaseLosses = counter("switchboard.device.lease.losses", "devices stopped here because another node took their lease");
    takeovers = counter("switchboard.device.takeovers", "devices this node took over from a node that stopped renewing");
    rateLimited = counter("switchboard.requests.rate.limited", "requests answered 429 RATE_LIMITED");
  }

  /** A registry kept for Prometheus, or with {@code enabled} false one where every meter is a no-op. */
  public static MeterRegistry registry(boolean enabled) {
    // A composite registry without registries records nothing.
    return enabled ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : new CompositeMeterRegistry();
  }

  /** Meters that record nothing. */
  public static Metrics off() {
    return new Metrics(registry(false));
  }

  public boolean enabled() {
    return prometheus != null;
  }

  /**
   * A Vert.x builder that reports to this registry: HTTP server requests by method, route template
   * and status, event-bus traffic (not by address: device addresses name clients), the SQL pools by
   * name, and the JVM (memory, GC, threads, CPU).
   */
  public static VertxBuilder vertxBuilder(MeterRegistry registry, VertxOptions options) {
    if (!(registry instanceof PrometheusMeterRegistry)) {
      return Vertx.builder().with(options);
    }
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_ROUTE, Label.HTTP_CODE, Label.EB_SIDE, Label.EB_FAILURE,
            Label.POOL_TYPE, Label.POOL_NAME, Label.CLIENT_NAME, Label.NAMESPACE))
        // HTTP client pools are named after the host they call: a webhook endpoint per client. One series for all.
        .addLabelMatch(new Match().setDomain(MetricsDomain.NAMED_POOLS).setLabel("pool_name").setType(MatchType.REGEX)
            .setValue(".*:[0-9]+").setAlias("remote"))
        .addLabelMatch(new Match().setDomain(MetricsDomain.NAMED_POOLS).setLabel("pool_name").setType(MatchType.REGEX)
            .setValue(".*")));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Everything in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  public void sent(int messages) {
    sent.increment(messages);
  }

  public void failed() {
    failed.increment();
  }

  public void received(int messages) {
    received.increment(messages);
  }

  public void webhookDelivered(Duration latency) {
    webhookDelivered.increment();
    webhookLatency.record(latency);
  }

  /** A failed attempt: {@code final} when it went to the dead letters, retried later otherwise. */
  public void webhookFailed(Duration latency, boolean dead) {
    (dead ? webhookFailed : webhookRetried).increment();
    if (latency != null) {
      webhookLatency.record(latency);
    }
  }

  public void reconnect() {
    reconnects.increment();
  }

  public void leaseLost() {
    leaseLosses.increment();
  }

  public void tookOver(int devices) {
    takeovers.increment(devices);
  }

  public void rateLimited() {
    rateLimited.increment();
  }

  /** A gauge read at each scrape; {@code value} must be cheap and never block (a sampled figure). */
  public void gauge(String name, String description, String tagKey, String tagValue, Supplier<Number> value) {
    Gauge.Builder<Supplier<Number>> gauge = Gauge.builder(name, value).description(description);
    if (tagKey != null) {
      gauge.tag(tagKey, tagValue);
    }
    gauge.register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private Counter delivery(String outcome) {
    return Counter.builder("switchboard.webhook.deliveries").description("webhook delivery attempts by outcome")
        .tag("outcome", outcome).register(registry);
  }
}
