package dev.switchboard.tenant;

import dev.switchboard.kernel.Addresses;
import dev.switchboard.cluster.Buckets;
import dev.switchboard.cluster.Cluster;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.http.Auth;
import io.github.bucket4j.ConsumptionProbe;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key guessing is throttled (docs/api.md, Abuse limits). Every presented credential that does not resolve
 * takes a token from its source address's bucket of {@link #LIMIT} a minute, a Bucket4j bucket like
 * the rate limits' (cluster-wide on Hazelcast). The failure that empties the bucket blocks the address
 * until the bucket refills: then every authenticated route answers 429 before the credential is even
 * looked at, valid or not. The node that blocks an address publishes it on the event bus, so every
 * node checks blocks in its own memory and no request waits on Hazelcast for it; a node that missed
 * the publication (it joined later) blocks the address at its next failure, which finds the bucket empty.
 * IPv6 addresses count per /64, the block a single host usually holds.
 */
public final class AuthFailures implements Auth.Guard {

  private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);

  /** Failed authentications an address may make in a minute; the next attempt is refused. */
  public static final int LIMIT = 20;
  /** The failure in a minute that goes to the audit log of the client whose key prefix was tried. */
  static final int AUDITED = 5;

  private final Buckets buckets;
  private final Pool pool;
  private final FailureLog failures = new FailureLog();
  /** Blocked address keys and when (System.nanoTime) their block ends. */
  private final Map<String, Long> blocked = new ConcurrentHashMap<>();
  private final Vertx vertx;

  private AuthFailures(Vertx vertx, Buckets buckets, Pool pool) {
    this.vertx = vertx;
    this.buckets = buckets;
    this.pool = pool;
  }

  /** Counts in the buckets of {@code cluster} ({@link Buckets#of}); writes audit entries with {@code pool}. */
  public static AuthFailures create(Cluster cluster, Pool pool) {
    AuthFailures guard = new AuthFailures(cluster.vertx(), Buckets.of(cluster), pool);
    cluster.vertx().eventBus().<JsonObject>consumer(Addresses.AUTH_BLOCKED, msg -> guard.block(msg.body().getString("key"),
        TimeUnit.SECONDS.toNanos(msg.body().getLong("seconds", 0L))));
    cluster.vertx().setPeriodic(FailureLog.PERIOD_MS, id -> {
      guard.failures.summarise();
      long now = System.nanoTime();
      guard.blocked.values().removeIf(until -> until - now <= 0);
    });
    return guard;
  }

  @Override
  public Future<Void> check(String address) {
    if (address == null) {
      return Future.succeededFuture();
    }
    Long until = blocked.get(key(address));
    long left = until == null ? 0 : until - System.nanoTime();
    return left > 0 ? Future.failedFuture(refusal(RateLimits.seconds(left))) : Future.succeededFuture();
  }

  @Override
  public Future<Void> failed(String address, String credential) {
    if (address == null) {
      return Future.succeededFuture();
    }
    String key = key(address);
    String prefix = ApiKeys.prefix(credential);
    failures.failed(key, prefix);
    return buckets.tryConsume("authfail:" + key, LIMIT).transform(ar -> {
      if (ar.failed()) {
        // Not counted this once (Hazelcast busy or leaving): the attempt is still refused with its 401.
        log.debug("Failed authentication from {} not counted: {}", address, ar.cause().toString());
        return Future.succeededFuture();
      }
      return counted(key, address, prefix, ar.result());
    });
  }

  private Future<Void> counted(String key, String address, String prefix, ConsumptionProbe probe) {
    long count = LIMIT - probe.getRemainingTokens();
    if (probe.isConsumed() && probe.getRemainingTokens() > 0) {
      if (count == AUDITED) {
        audit(prefix, "auth.failed", address, new JsonObject().put("failuresThisMinute", count));
      }
      return Future.succeededFuture();
    }
    // The failure that emptied the bucket blocks the address until it refills; so does a later one
    // that found it empty on a node that had not heard of the block.
    long nanos = probe.isConsumed() ? probe.getNanosToWaitForReset() : probe.getNanosToWaitForRefill();
    int seconds = Math.max(1, RateLimits.seconds(nanos));
    block(key, TimeUnit.SECONDS.toNanos(seconds));
    vertx.eventBus().publish(Addresses.AUTH_BLOCKED, new JsonObject().put("key", key).put("seconds", seconds));
    if (!probe.isConsumed()) {
      return Future.failedFuture(refusal(seconds));
    }
    log.warn("Address {} blocked for {} s: {} failed authentications within a minute (last key prefix {})",
        address, seconds, LIMIT, FailureLog.printable(prefix));
    audit(prefix, "auth.blocked", address, new JsonObject().put("failuresThisMinute", LIMIT)
        .put("blockedForSeconds", seconds));
    return Future.succeededFuture();
  }

  private void block(String key, long nanos) {
    if (key != null && nanos > 0) {
      long until = System.nanoTime() + nanos;
      blocked.merge(key, until, (a, b) -> b - a > 0 ? b : a);
    }
  }

  /** Only client keys have a prefix stored with their client; anything else has no audit log to land in. */
  private void audit(String prefix, String action, String address, JsonObject details) {
    if (prefix.startsWith("sb_") && prefix.length() == 7) {
      AuditLog.recordForKeyPrefix(pool, prefix, action, address, details.put("prefix", prefix))
          .onFailure(e -> log.warn("Could not audit {} from {}: {}", action, address, e.toString()));
    }
  }

  private static ApiException refusal(int seconds) {
    return new ApiException(429, "RATE_LIMITED",
        "too many failed authentications from this address; retry in " + seconds + " s",
        new JsonObject().put("limit", LIMIT).put("retryAfterSeconds", seconds), seconds);
  }

  /** The address as counted: itself for IPv4, its /64 for IPv6. */
  static String key(String address) {
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(address);
    if (!(ip instanceof Inet6Address)) {
      return address;
    }
    byte[] bytes = Arrays.copyOf(ip.getAddress(), 16);
    Arrays.fill(bytes, 8, 16, (byte) 0);
    return NetUtil.bytesToIpAddress(bytes) + "/64";
  }
}
