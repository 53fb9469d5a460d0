package dev.switchboard.device;

import dev.switchboard.kernel.LogIds;
import org.slf4j.event.Level;
import dev.switchboard.kernel.Addresses;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.SessionBudget;
import dev.switchboard.kernel.StallWatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's device actors: claims a device's lease (a new fencing epoch) before deploying
 * its verticle, renews the leases it holds, stops at once a device whose lease it lost, and on a
 * periodic reconcile brings up every device that should be connected and has no live owner. It runs
 * no more devices than its {@link SessionBudget} allows (each holds a socket to WhatsApp): the next
 * one is refused with a message naming the limit, and the reconcile claims only as many as fit.
 */
public final class DeviceManager {

  private static final Logger log = LoggerFactory.getLogger(DeviceManager.class);
  static final long RENEW_MS = DeviceRepository.LEASE_SECONDS * 1000L / 3;
  static final long RECONCILE_MS = 3_000;
  static final int RECONCILE_BATCH = 20_000;
  /** How long the process may stand still before the node counts itself as having been frozen. */
  static final long STALL_MS = 5_000;
  static final long QUARANTINE_MS = 2L * DeviceRepository.LEASE_SECONDS * 1000L;
  /**
   * Descriptors kept for everything but device sockets: the database pools (tens), the connections of
   * API callers and webhook and media clients (hundreds under load), Hazelcast, jars and logs.
   */
  static final int FILE_RESERVE = 1024;
  private static final long FULL_LOG_MS = 60_000;

  private final Vertx vertx;
  private final Pool pool;
  private final Pool renewals;
  private final DeviceRuntime runtime;
  private final String node;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> starting = new ConcurrentHashMap<>();
  private long renewTimer = -1;
  private long reconcileTimer = -1;
  private volatile boolean closing;
  /** The reconcile under way; one at a time, so a device is never claimed twice by this node. */
  private Future<Void> reconciling;
  private volatile long lastRenewed = System.currentTimeMillis();
  private final StallWatch stalls = new StallWatch("switchboard-stall-watch");
  private final Openings openings;
  private volatile long quarantinedUntil;
  /** False until the first reconcile after start, which also takes back the leases this node held before a restart. */
  private volatile boolean reconciledOnce;
  private volatile Supplier<Collection<String>> liveNodes = () -> null;
  private final SessionBudget budget;
  private volatile long fullLoggedAt;

  record Running(DeviceRepository.Lease lease, String deploymentId) {
  }

  /** {@code maxOpenings}: device connections opened at once ({@link Openings}). */
  public DeviceManager(Vertx vertx, DeviceRuntime runtime, String node, SessionBudget budget, int maxOpenings) {
    this.vertx = vertx;
    this.openings = new Openings(maxOpenings);
    this.pool = runtime.leases();
    this.renewals = runtime.renewals();
    this.runtime = runtime;
    this.node = node;
    this.budget = budget;
  }

  /** A node's budget: {@code maxSessions} (0: none) and the process's open-file limit less {@link #FILE_RESERVE}. */
  public static SessionBudget budget(int maxSessions) {
    return SessionBudget.of("this node", "SWITCHBOARD_MAX_SESSIONS", maxSessions, FILE_RESERVE,
        "the database pools, HTTP connections, Hazelcast and files");
  }

  /** Why this node would not start the device now when it is the one to run it, or null. */
  public String refusal(String clientId, String deviceId) {
    Collection<String> nodes = liveNodes.get();
    if (nodes != null && !node.equals(Placement.owner(clientId, deviceId, nodes))) {
      return null;
    }
    String k = key(clientId, deviceId);
    return running.containsKey(k) || starting.containsKey(k) ? null : budget.refusal(sessions() + 1);
  }

  /** Whether this node runs the device's actor now. */
  public boolean runsHere(String clientId, String deviceId) {
    return running.containsKey(key(clientId, deviceId));
  }

  /** Device sessions held or being started here. */
  private int sessions() {
    return running.size() + starting.size();
  }

  public String node() {
    return node;
  }

  /** Where the live members come from (the cluster); without it, only expired leases change hands. */
  public void membership(Supplier<Collection<String>> liveNodes) {
    this.liveNodes = liveNodes;
  }

  private DeviceRepository.Membership live() {
    Collection<String> nodes = liveNodes.get();
    return nodes == null ? DeviceRepository.Membership.unknown() : DeviceRepository.Membership.of(nodes);
  }

  /** The live members as seen now, or null when not clustered. */
  public Collection<String> liveNodes() {
    return liveNodes.get();
  }

  /** Asks every node (this one included) to reconcile now rather than at its next tick. */
  public void reconcileEverywhere() {
    vertx.eventBus().publish(Addresses.RECONCILE, node);
  }

  /** Brings up the devices that should be connected, then keeps leases and placement in shape. */
  public Future<Void> start() {
    log.info("Devices: {}", budget.describe());
    vertx.eventBus().consumer(Addresses.RECONCILE, msg -> reconcile());
    // Rebalancing asks the owner of a device to hand it to another node.
    vertx.eventBus().<io.vertx.core.json.JsonObject>consumer(Addresses.node(node), msg -> {
      var b = msg.body();
      handOff(b.getString("clientId"), b.getString("deviceId"), b.getString("to"))
          .onSuccess(v -> {
            vertx.eventBus().publish(Addresses.RECONCILE, node);
            msg.reply(b);
          })
          .onFailure(e -> msg.fail(500, String.valueOf(e.getMessage())));
    });
    renewTimer = vertx.setPeriodic(RENEW_MS, id -> renew());
    reconcileTimer = vertx.setPeriodic(RECONCILE_MS, id -> reconcileTick());
    return reconcile();
  }

  private static String key(String clientId, String deviceId) {
    return clientId + "/" + deviceId;
  }

  /**
   * Brings a device up where it belongs: here when this node is its first-ranked live node (or
   * membership is unknown), else on that node, which is asked to reconcile now.
   */
  public Future<Void> place(String clientId, String deviceId) {
    Collection<String> nodes = liveNodes.get();
    if (nodes == null || node.equals(Placement.owner(clientId, deviceId, nodes))) {
      return run(clientId, deviceId);
    }
    reconcileEverywhere();
    return Future.succeededFuture();
  }

  /** Claims and runs one device here; a no-op when it already runs here or another live node owns it. */
  public Future<Void> run(String clientId, String deviceId) {
    String k = key(clientId, deviceId);
    if (closing || running.containsKey(k)) {
      return Future.succeededFuture();
    }
    Future<Void> already = starting.get(k);
    if (already != null) {
      return already;
    }
    String full = budget.refusal(sessions() + 1);
    if (full != null) {
      return Future.failedFuture(ApiException.unavailable(full, 30));
    }
    return starting.computeIfAbsent(k, ignored -> DeviceRepository.claim(pool, clientId, deviceId, node, live())
        .compose(lease -> lease == null ? Future.<Void>succeededFuture() : deploy(lease))
        .onComplete(ar -> starting.remove(k)));
  }

  private Future<Void> deploy(DeviceRepository.Lease lease) {
    String k = key(lease.clientId(), lease.deviceId());
    return vertx.deployVerticle(new DeviceVerticle(lease, runtime, openings)).map(id -> {
      // Two claims racing on this node (reconcile and an API call) leave two actors: the newer epoch stays.
      Running mine = new Running(lease, id);
      Running before = running.put(k, mine);
      if (before != null && before.lease().epoch() > lease.epoch()) {
        running.put(k, before);
        vertx.undeploy(id);
      } else if (before != null) {
        vertx.undeploy(before.deploymentId());
      }
      return (Void) null;
    });
  }

  /** Stops the device's actor here, keeping its credentials and its lease (which lapses unless renewed). */
  public Future<Void> stopDevice(String clientId, String deviceId) {
    Running r = running.remove(key(clientId, deviceId));
    return r == null ? Future.succeededFuture() : vertx.undeploy(r.deploymentId()).recover(e -> Future.succeededFuture());
  }

  /**
   * The periodic reconcile. When the process stood still for a while (a long pause, a stopped VM),
   * its leases may be gone and its view of the cluster is stale, so it stops its devices and claims
   * nothing until the view has had time to heal. A busy event loop that runs this tick late is not
   * such a freeze: {@link StallWatch} tells them apart.
   */
  private void reconcileTick() {
    long stall = stalls.longestStallMs();
    if (stall > STALL_MS) {
      quarantine("the process stood still for " + stall + " ms");
    }
    reconcile();
  }

  private void quarantine(String why) {
    quarantinedUntil = System.currentTimeMillis() + QUARANTINE_MS;
    log.error("This node was stalled ({}); stopping all {} device(s) and claiming none for {} s", why, running.size(),
        QUARANTINE_MS / 1000);
    stopAll();
  }

  private void stopAll() {
    for (Running r : List.copyOf(running.values())) {
      stopDevice(r.lease().clientId(), r.lease().deviceId());
    }
  }

  /** Claims, in batches, whatever should be connected and has no live owner, and runs it here. */
  public Future<Void> reconcile() {
    if (closing || System.currentTimeMillis() < quarantinedUntil) {
      return Future.succeededFuture();
    }
    if (reconciling != null) {
      return reconciling;
    }
    DeviceRepository.Membership live = live();
    List<String> members = live.nodes() == null ? null : List.of(live.nodes());
    boolean first = !reconciledOnce;
    reconciling = DeviceRepository.claimable(pool, node, live, RECONCILE_BATCH, first).compose(rows -> {
      reconciledOnce = true;
      // Ours already (a restart or a handoff), or ownerless and this node ranks first for it.
      // Each wanted device is marked as starting here first: an API call starting it at this moment
      // (a registration) then waits for this claim instead of claiming it a second time.
      Promise<Void> claimed = Promise.promise();
      List<String[]> mine = rows.stream()
          .filter(row -> !running.containsKey(key(row[0], row[1])) && !starting.containsKey(key(row[0], row[1])))
          .filter(row -> members == null || node.equals(row[2]) || node.equals(Placement.owner(row[0], row[1], members)))
          .toList();
      int room = budget.room(sessions());
      if (mine.size() > room) {
        full(mine.size() - room);
      }
      List<String[]> wanted = mine.stream().limit(room)
          .filter(row -> starting.putIfAbsent(key(row[0], row[1]), claimed.future()) == null)
          .toList();
      if (wanted.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      claimed.future().onComplete(ar -> wanted.forEach(row -> starting.remove(key(row[0], row[1]), claimed.future())));
      return DeviceRepository.claimMany(pool, wanted, node, live).compose(leases -> {
        List<Future<Void>> deploys = new ArrayList<>();
        for (DeviceRepository.Lease lease : leases) {
          deploys.add(deploy(lease).recover(e -> {
            LogIds.device(log, Level.WARN, lease.clientId(), lease.deviceId()).log("Device {}/{} could not start: {}", lease.clientId(), lease.deviceId(), e.getMessage());
            return Future.succeededFuture();
          }));
        }
        if (!leases.isEmpty() && reconciledOnce) {
          // After the first reconcile, what this node claims had a lease that ran out elsewhere.
          runtime.metrics().tookOver(leases.size());
        }
        if (!leases.isEmpty()) {
          log.info("Claimed {} device(s); {} run here", leases.size(), running.size() + leases.size());
        }
        return Future.join(deploys).<Void>mapEmpty();
      }).onComplete(ar -> claimed.tryComplete());
    }).recover(e -> {
      log.warn("Reconcile failed: {}", e.getMessage());
      return Future.<Void>succeededFuture();
    }).onComplete(ar -> reconciling = null);
    Future<Void> current = reconciling;
    if (current.isComplete()) {
      reconciling = null;
    }
    return current;
  }

  /** Says, at most once a minute, that devices wait because this node holds all the sessions it may. */
  private void full(int waiting) {
    long now = System.currentTimeMillis();
    if (now - fullLoggedAt >= FULL_LOG_MS) {
      fullLoggedAt = now;
      log.warn("{} device(s) wait for room on this node: {}", waiting, budget.refusal(sessions() + 1));
    }
  }

  private void renew() {
    if (closing || running.isEmpty()) {
      lastRenewed = System.currentTimeMillis();
      return;
    }
    long silent = System.currentTimeMillis() - lastRenewed;
    if (silent > DeviceRepository.LEASE_SECONDS * 1000L - RENEW_MS) {
      // The leases run out before the next tick and another node may then take these devices: stop them first.
      // The renewals failed (the database is out of reach) while this node ran on time, so its view of the
      // cluster is sound: it claims its devices again, under new epochs, as soon as the database is back.
      // A node that was frozen instead is caught by the reconcile tick, which also stops it claiming.
      log.error("No lease renewal for {} ms; stopping all {} device(s) before their leases run out", silent, running.size());
      stopAll();
    }
    // Only devices running before the renewal started can be judged by it: one claimed meanwhile is not in its result.
    Map<String, Running> before = Map.copyOf(running);
    long started = System.currentTimeMillis();
    List<String[]> mine = before.values().stream().map(r -> new String[] {r.lease().clientId(), r.lease().deviceId()}).toList();
    DeviceRepository.renew(renewals, node, mine).onSuccess(held -> {
      lastRenewed = started;
      Set<String> still = new HashSet<>();
      for (DeviceRepository.Lease l : held) {
        still.add(key(l.clientId(), l.deviceId()) + "#" + l.epoch());
      }
      before.forEach((k, r) -> {
        if (!still.contains(k + "#" + r.lease().epoch()) && running.get(k) == r) {
          log.warn("Lost the lease of device {} (epoch {}); stopping it now", k, r.lease().epoch());
          runtime.metrics().leaseLost();
          stopDevice(r.lease().clientId(), r.lease().deviceId());
        }
      });
    }).onFailure(e -> log.warn("Lease renewal failed: {}", e.getMessage()));
  }

  /**
   * Graceful shutdown: stop claiming, stop every actor (credentials stay) and hand each device to
   * its next-ranked live node, which takes it at once; alone, just release the leases.
   */
  public Future<Void> close() {
    closing = true;
    stalls.close();
    vertx.cancelTimer(renewTimer);
    vertx.cancelTimer(reconcileTimer);
    Collection<String> nodes = liveNodes.get();
    List<String> others = nodes == null ? List.of() : nodes.stream().filter(n -> !n.equals(node)).toList();
    List<Future<Void>> stops = new ArrayList<>();
    for (Running r : List.copyOf(running.values())) {
      String clientId = r.lease().clientId();
      String deviceId = r.lease().deviceId();
      stops.add(handOff(clientId, deviceId, others.isEmpty() ? null : Placement.owner(clientId, deviceId, others))
          .recover(e -> Future.succeededFuture()));
    }
    return Future.join(stops).<Void>mapEmpty().onComplete(ar -> {
      if (!others.isEmpty()) {
        reconcileEverywhere();
      }
      log.info("Stopped {} device(s){}", stops.size(), others.isEmpty() ? "" : ", handed over to " + others);
    });
  }

  /** Stops a device here and gives it to {@code target} (null: release it to whoever claims it). */
  public Future<Void> handOff(String clientId, String deviceId, String target) {
    Running r = running.remove(key(clientId, deviceId));
    if (r == null) {
      return Future.succeededFuture();
    }
    Future<Void> undeployed = vertx.undeploy(r.deploymentId()).recover(e -> Future.succeededFuture());
    return target == null ? undeployed.compose(v -> DeviceRepository.release(pool, r.lease()))
        : undeployed.compose(v -> DeviceRepository.handOff(pool, r.lease(), target)).mapEmpty();
  }
}
