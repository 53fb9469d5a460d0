package dev.switchboard;

import dev.switchboard.kernel.Version;
import dev.switchboard.admin.AdminApi;
import dev.switchboard.admin.NodeGauges;
import dev.switchboard.admin.Overview;
import dev.switchboard.tenant.AuthFailures;
import dev.switchboard.cluster.Cluster;
import dev.switchboard.tenant.RateLimits;
import dev.switchboard.config.Config;
import dev.switchboard.config.DbUrl;
import dev.switchboard.device.CredentialReader;
import dev.switchboard.device.AccountApi;
import dev.switchboard.device.DeviceApi;
import dev.switchboard.device.DeviceClient;
import dev.switchboard.device.DeviceManager;
import dev.switchboard.device.DeviceRuntime;
import dev.switchboard.device.StatusWriter;
import dev.switchboard.device.DeviceService;
import dev.switchboard.admin.Rebalancer;
import dev.switchboard.device.SessionApi;
import dev.switchboard.engine.WhatsAppEngine;
import dev.switchboard.event.DeliveryApi;
import dev.switchboard.event.EventDocs;
import dev.switchboard.event.EventPurge;
import dev.switchboard.event.EventService;
import dev.switchboard.event.LiveFeed;
import dev.switchboard.event.ReplySender;
import dev.switchboard.event.WebhookApi;
import dev.switchboard.event.WebhookDispatcher;
import dev.switchboard.event.Webhooks;
import dev.switchboard.http.ApiRouter;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.http.ConsoleRoutes;
import dev.switchboard.http.HealthApi;
import dev.switchboard.http.HttpVerticle;
import dev.switchboard.http.MetricsApi;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.http.SourceAddress;
import dev.switchboard.outbound.UrlGuard;
import dev.switchboard.message.MediaFetcher;
import dev.switchboard.message.ChangeApi;
import dev.switchboard.message.ChangeService;
import dev.switchboard.message.ChatApi;
import dev.switchboard.message.ChatService;
import dev.switchboard.message.MessageApi;
import dev.switchboard.message.UploadReader;
import dev.switchboard.message.MessageService;
import dev.switchboard.message.MessageStore;
import dev.switchboard.message.Quotas;
import dev.switchboard.message.SendScheduler;
import dev.switchboard.store.Db;
import dev.switchboard.store.EmbeddedDatabase;
import dev.switchboard.store.Migrations;
import dev.switchboard.store.UsageRollup;
import dev.switchboard.tenant.ClientChanges;
import dev.switchboard.tenant.ClientConfigCache;
import dev.switchboard.tenant.ClientService;
import dev.switchboard.tenant.KeyService;
import dev.switchboard.tenant.KeysApi;
import dev.switchboard.tenant.NamedKeys;
import dev.switchboard.tenant.Secrets;
import dev.switchboard.tenant.TenantApi;
import dev.switchboard.usage.UsageApi;
import dev.switchboard.usage.UsageService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One gateway node: config, then pools, then services, then the deployments; stopped in reverse. */
public final class Node {

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Config config;
  private final MeterRegistry registry;
  private Metrics metrics;
  private Cluster cluster;
  private Vertx vertx;
  private EmbeddedDatabase embedded;
  private Pool pool;
  private Lifecycle lifecycle;
  private DeviceManager devices;
  private MessageService messages;
  private EventService events;
  private int httpPort;
  private volatile ApiRoutes apiRoutes;

  private Node(Config config) {
    this.config = config;
    this.registry = Metrics.registry(config.metrics());
  }

  /**
   * Starts a node: Vert.x (clustered over Hazelcast with {@code --cluster true}), then the database
   * work that must block (starting the embedded server, migrations) on a worker thread, then the
   * services, before anything serves requests.
   */
  public static Future<Node> start(Config config) {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
      // Every JSON log line names its node (SWITCHBOARD_LOG_FORMAT=json); one node per process in production.
      logs.putProperty("node", config.nodeName());
    }
    Node node = new Node(config);
    Future<Cluster> cluster;
    try {
      cluster = Cluster.start(config, Metrics.vertxBuilder(node.registry,
          new VertxOptions().setPreferNativeTransport(true)));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return cluster
        .compose(joined -> {
          node.cluster = joined;
          node.vertx = joined.vertx();
          node.metrics = new Metrics(node.registry);
          if (node.vertx.isNativeTransportEnabled()) {
            log.info("Network I/O on the native transport");
          } else {
            log.warn("Network I/O on Java NIO, which costs more CPU per request: the native transport is unavailable ({})",
                String.valueOf(node.vertx.unavailableNativeTransportCause()));
          }
          return node.vertx.executeBlocking(() -> {
            UploadReader.removeLeftovers(config.dataDir());
            return node.prepareDatabase();
          });
        })
        .compose(node::startServices)
        .map(node)
        .onFailure(e -> {
          log.error("Node start failed: {}", e.toString());
          // Not on one of the Vert.x threads being closed.
          Thread.ofPlatform().name("switchboard-start-cleanup").start(node::stop);
        });
  }

  private DbUrl prepareDatabase() {
    DbUrl db;
    if (config.dbUrl() == null) {
      embedded = EmbeddedDatabase.start(config.dataDir(), 0);
      db = embedded.url();
    } else {
      db = DbUrl.parse(config.dbUrl());
    }
    Migrations.apply(db);
    return db;
  }

  private Future<Void> startServices(DbUrl db) {
    lifecycle = new Lifecycle(vertx);
    pool = Db.pool(vertx, db, 16);
    // The request path's own connections (key lookups, accepting sends), apart from device and webhook work.
    Pool requestPool = Db.pool(vertx, db, 6, "switchboard-requests");
    Pool leasePool = Db.pool(vertx, db, 2, "switchboard-leases");
    Pool renewalPool = Db.pool(vertx, db, 1, "switchboard-renewals");
    // Outcomes and outbox claims: writes that are redone, with the same ids, when a crash forgets them.
    Pool redoablePool = Db.redoablePool(vertx, db, 2, "switchboard-redoable");
    return Secrets.bootstrap(pool, config.masterKey())
        .compose(secrets -> {
          ClientChanges changes = new ClientChanges(requestPool, Db.subscriber(vertx, db));
          KeyService keys = new KeyService(vertx, requestPool, secrets, changes);
          return lifecycle.start("keys", changes::start, () -> keys.close().eventually(changes::close)).map(keys);
        })
        .compose(keys -> Engines.create(vertx, config).compose(engine -> {
          lifecycle.onStop("engine", engine::close);
          return wire(keys, engine, requestPool, leasePool, renewalPool, redoablePool);
        }))
        .onSuccess(v -> log.info("Switchboard {} node '{}' listening on port {}", Version.version(),
            config.nodeName(), httpPort));
  }

  /** Services and their routes, then the background parts and the HTTP servers, in the order they stop in reverse. */
  private Future<Void> wire(KeyService keys, WhatsAppEngine engine, Pool requestPool, Pool leasePool, Pool renewalPool,
      Pool redoablePool) {
    UrlGuard urls = new UrlGuard(config.allowPrivateUrls());
    ClientService clients = new ClientService(pool, keys.changes(), keys, urls);
    ClientConfigCache configs = new ClientConfigCache(pool, keys.changes());
    // Auto-replies go through the same durable outbox as every send.
    ReplySender replies = (clientId, deviceId, chatJid, text) ->
        messages.sendText(clientId, deviceId, chatJid, text).mapEmpty();
    Webhooks webhooks = new Webhooks(vertx, pool, keys.changes(), urls);
    // Stats counts (usage_minutes), written once a second; on stop, after the writes that count them.
    UsageRollup usage = new UsageRollup(vertx, pool);
    lifecycle.onStop("stats counts", usage::flush);
    events = new EventService(vertx, pool, redoablePool, configs, webhooks, replies, usage);
    lifecycle.onStop("events", events::flush);
    MessageStore messageStore = new MessageStore(vertx, pool, redoablePool, metrics, usage);
    // Outcomes of sends that went out just before the devices stopped: written, not resent later.
    lifecycle.onStop("message store", messageStore::flush);
    devices = new DeviceManager(vertx, new DeviceRuntime(pool, leasePool, renewalPool, engine, events, config.sendRate(), configs,
        messageStore, new StatusWriter(pool), new CredentialReader(pool), metrics), config.nodeName(),
        DeviceManager.budget(config.maxSessions()), config.maxOpenings());
    DeviceClient deviceClient = new DeviceClient(vertx, requestPool, config.nodeName(), devices::runsHere);
    DeviceService deviceService = new DeviceService(vertx, pool, clients, devices, deviceClient);
    clients.beforeDelete(deviceService::deleteAll);
    long mediaMax = config.mediaMaxMb() * 1024L * 1024L;
    // A 202 never queues behind device outboxes and webhooks: sends are written on the request pool.
    Quotas quotas = new Quotas(vertx, requestPool, configs);
    lifecycle.onStop("usage counts", quotas::flush);
    messages = new MessageService(vertx, pool, requestPool, deviceService, messageStore,
        new MediaFetcher(vertx, urls, (int) mediaMax), quotas);
    // The router tries its routes in this order, a regular expression each: sends, the busiest, come first.
    List<Consumer<ApiRoutes>> modules = List.of(new HealthApi(pool, config.nodeName(), cluster::size)::register,
        new MessageApi(messages, mediaMax)::register,
        new ChangeApi(new ChangeService(pool, deviceService))::register,
        new ChatApi(new ChatService(pool, deviceService))::register,
        new TenantApi(clients, keys)::register,
        new KeysApi(new NamedKeys(pool, keys.changes(), keys))::register,
        new DeviceApi(deviceService)::register,
        new SessionApi(deviceService, deviceClient)::register,
        new AccountApi(deviceService, deviceClient)::register,
        new AdminApi(new Overview(cluster, pool), new Rebalancer(vertx, pool, devices))::register,
        new DeliveryApi(events)::register,
        new WebhookApi(webhooks)::register,
        routes -> routes.webhooks(EventDocs.webhooks(), EventDocs.schemas()),
        new LiveFeed(vertx, keys)::register,
        new UsageApi(new UsageService(pool))::register,
        new MetricsApi(metrics)::register,
        new ConsoleRoutes()::register);
    if (cluster.clustered()) {
      devices.membership(cluster::liveNodeNames);
      cluster.onMembershipChange(devices::reconcile);
    }
    RateLimits limits = RateLimits.create(cluster, configs, config.masterRateLimit(), metrics);
    // Every admitted request of a client key counts toward its month's API requests (C/usage).
    Auth.Admission admission = (ctx, principal) -> limits.admit(ctx, principal).onSuccess(v -> {
      if (!principal.isMaster()) {
        quotas.request(principal.clientId());
      }
    });
    Auth auth = new Auth(keys::resolve, admission,
        AuthFailures.create(cluster, pool), new SourceAddress(config.trustedProxies()));
    return lifecycle.deploy("webhook dispatcher", () -> new WebhookDispatcher(events, urls, config.nodeName(), metrics), 1)
        .compose(id -> lifecycle.deploy("event purge", () -> new EventPurge(pool), 1))
        .compose(id -> lifecycle.start("device router", deviceClient::listen, deviceClient::close))
        .compose(v -> lifecycle.start("devices", devices::start, devices::close))
        .compose(v -> {
          NodeGauges gauges = new NodeGauges(vertx, pool, config.nodeName(), metrics);
          return lifecycle.start("gauges", gauges::start, gauges::stop);
        })
        .compose(v -> lifecycle.deploy("send scheduler", () -> new SendScheduler(pool, deviceService), 1))
        .compose(id -> serveHttp(auth, modules));
  }

  /** One HTTP verticle per core; Vert.x shares the port between them (a random one for port 0). */
  private Future<Void> serveHttp(Auth auth, List<Consumer<ApiRoutes>> modules) {
    List<HttpVerticle> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    return lifecycle.deploy("http", () -> {
      HttpVerticle server = new HttpVerticle(config.httpPort(), () -> {
        ApiRoutes routes = ApiRouter.build(vertx, auth, modules);
        apiRoutes = routes;
        return routes.router();
      });
      servers.add(server);
      return server;
    }, Runtime.getRuntime().availableProcessors())
        .onSuccess(id -> httpPort = servers.get(0).actualPort())
        .mapEmpty();
  }

  public int httpPort() {
    return httpPort;
  }

  /** The routes of one of this node's HTTP verticles (they all build the same table). */
  public ApiRoutes apiRoutes() {
    return apiRoutes;
  }

  public MessageService messages() {
    return messages;
  }

  public DeviceManager devices() {
    return devices;
  }

  public EventService events() {
    return events;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** This node's view of the cluster (a cluster of one without {@code --cluster}). */
  public Cluster cluster() {
    return cluster;
  }

  public Pool pool() {
    return pool;
  }

  public Config config() {
    return config;
  }

  /**
   * Stops every part in the reverse order of their start (serving first, then the devices, then flushing
   * what is kept in memory), closes Vert.x, then the embedded database.
   * Blocking: call it from a plain thread (a shutdown hook, a test), never from an event loop.
   */
  public void stop() {
    if (lifecycle != null) {
      lifecycle.stopAll();
    }
    try {
      if (vertx != null) {
        // Clustered: leaves Hazelcast gracefully, so the others see this member go at once.
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
