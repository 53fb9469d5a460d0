package dev.switchboard.cluster;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets of N requests per minute, refilled all at once every minute. They live in this
 * node's memory, or in a Hazelcast map shared by the whole cluster.
 */
public interface Buckets {

  String MAP = "switchboard.ratelimits";

  /** Takes one token from the bucket {@code name}, which allows {@code perMinute} requests a minute. */
  Future<ConsumptionProbe> tryConsume(String name, int perMinute);

  static Buckets of(Cluster cluster) {
    return cluster instanceof HazelcastCluster hz ? new Shared(hz) : new Local();
  }

  static Bandwidth perMinute(int limit) {
    return Bandwidth.builder().capacity(limit).refillIntervally(limit, Duration.ofMinutes(1)).build();
  }

  /**
   * One node: Bucket4j's lock-free buckets in memory. A bucket whose limit changed starts again full.
   * Once there are many (one per source address that failed to authenticate), full ones are dropped
   * every few seconds: a full bucket is the same as none.
   */
  final class Local implements Buckets {

    static final int SWEEP_ABOVE = 10_000;
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Limited(int perMinute, Bucket bucket) {
    }

    private final Map<String, Limited> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    @Override
    public Future<ConsumptionProbe> tryConsume(String name, int perMinute) {
      Limited limited = buckets.compute(name, (n, old) -> old != null && old.perMinute() == perMinute ? old
          : new Limited(perMinute, Bucket.builder().addLimit(perMinute(perMinute)).build()));
      if (buckets.size() > SWEEP_ABOVE) {
        sweep();
      }
      return Future.succeededFuture(limited.bucket().tryConsumeAndReturnRemaining(1));
    }

    private void sweep() {
      long last = lastSweep.get();
      long now = System.nanoTime();
      if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
        buckets.values().removeIf(l -> l.bucket().getAvailableTokens() >= l.perMinute());
      }
    }
  }

  /**
   * Buckets in a Hazelcast map, changed by entry processors on the owner of the key, so every node
   * takes from the same bucket. Asynchronous all the way: no event loop waits on Hazelcast.
   * The limit is part of the key: a new limit means a new bucket on every node at once, and the
   * old one expires by itself.
   */
  final class Shared implements Buckets {

    private final Vertx vertx;
    private final AsyncProxyManager<String> proxies;

    Shared(HazelcastCluster cluster) {
      this.vertx = cluster.vertx();
      this.proxies = Bucket4jHazelcast.<String>entryProcessorBasedBuilder(cluster.hazelcast().getMap(MAP))
          .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
          .build()
          .asAsync();
    }

    @Override
    public Future<ConsumptionProbe> tryConsume(String name, int perMinute) {
      Context context = vertx.getOrCreateContext();
      BucketConfiguration configuration = BucketConfiguration.builder().addLimit(perMinute(perMinute)).build();
      CompletableFuture<ConsumptionProbe> probe = proxies.builder()
          .build(name + "@" + perMinute, () -> CompletableFuture.completedFuture(configuration))
          .tryConsumeAndReturnRemaining(1);
      return Future.fromCompletionStage(probe, context);
    }
  }
}
