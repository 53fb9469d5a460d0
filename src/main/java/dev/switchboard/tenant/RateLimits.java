package dev.switchboard.tenant;

import dev.switchboard.cluster.Buckets;
import dev.switchboard.cluster.Cluster;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.http.Auth;
import dev.switchboard.kernel.Principal;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/**
 * Requests per minute per key (docs/api.md, Operations): a client's key (and every token it issued) shares
 * one bucket named after the client, the master key has one of its own with a higher limit. Over the
 * limit is 429 {@code RATE_LIMITED} with {@code Retry-After}; every authenticated response carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds).
 * A client's limit is its {@code rateLimitPerMinute}, read through the {@link ClientConfigCache}, so a
 * new limit holds on every node as soon as it is saved.
 */
public final class RateLimits implements Auth.Admission {

  private final Buckets buckets;
  private final ClientConfigCache configs;
  private final int masterLimit;
  private final Metrics metrics;

  RateLimits(Buckets buckets, ClientConfigCache configs, int masterLimit) {
    this(buckets, configs, masterLimit, Metrics.off());
  }

  RateLimits(Buckets buckets, ClientConfigCache configs, int masterLimit, Metrics metrics) {
    this.buckets = buckets;
    this.configs = configs;
    this.masterLimit = masterLimit;
    this.metrics = metrics;
  }

  /** Cluster-wide buckets when {@code cluster} runs on Hazelcast, this node's memory otherwise. */
  public static RateLimits create(Cluster cluster, ClientConfigCache configs, int masterLimit, Metrics metrics) {
    return new RateLimits(Buckets.of(cluster), configs, masterLimit, metrics);
  }

  /** Requests per minute allowed to the principal; a client that no longer exists has the default. */
  Future<Integer> limit(Principal principal) {
    if (principal.isMaster()) {
      return Future.succeededFuture(masterLimit);
    }
    return configs.get(principal.clientId())
        .map(config -> config.map(ClientConfig::effectiveRateLimit).orElse(ClientConfig.DEFAULT_RATE_LIMIT));
  }

  @Override
  public Future<Void> admit(RoutingContext ctx, Principal principal) {
    Future<Integer> limit = limit(principal);
    String bucket = principal.isMaster() ? "master" : "client:" + principal.clientId();
    return limit.compose(perMinute -> buckets.tryConsume(bucket, perMinute).compose(probe -> {
      headers(ctx.response(), perMinute, probe);
      if (probe.isConsumed()) {
        return Future.succeededFuture();
      }
      int retryAfter = seconds(probe.getNanosToWaitForRefill());
      metrics.rateLimited();
      return Future.failedFuture(new ApiException(429, "RATE_LIMITED",
          "rate limit of " + perMinute + " requests per minute reached; retry in " + retryAfter + " s",
          new JsonObject().put("limit", perMinute).put("retryAfterSeconds", retryAfter), retryAfter));
    }));
  }

  private static void headers(HttpServerResponse response, int limit, ConsumptionProbe probe) {
    response.putHeader("RateLimit-Limit", String.valueOf(limit))
        .putHeader("RateLimit-Remaining", String.valueOf(Math.max(0, probe.getRemainingTokens())))
        .putHeader("RateLimit-Reset", String.valueOf(seconds(probe.getNanosToWaitForReset())));
  }

  /** Whole seconds, rounded up: a client that waits that long is not refused again for the same reason. */
  static int seconds(long nanos) {
    return (int) Math.max(0, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
  }
}
