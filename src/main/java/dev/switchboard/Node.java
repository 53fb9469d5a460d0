package dev.switchboard;

import dev.switchboard.config.Config;
import dev.switchboard.config.DbUrl;
import dev.switchboard.device.DeviceApi;
import dev.switchboard.device.DeviceManager;
import dev.switchboard.device.DeviceRuntime;
import dev.switchboard.device.DeviceService;
import dev.switchboard.engine.Engines;
import dev.switchboard.engine.WhatsAppEngine;
import dev.switchboard.device.DeviceVerticle;
import dev.switchboard.event.DeliveryApi;
import dev.switchboard.event.EventService;
import dev.switchboard.event.LiveFeed;
import dev.switchboard.event.ReplySender;
import dev.switchboard.event.WebhookDispatcher;
import dev.switchboard.http.ApiRouter;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.http.HealthApi;
import dev.switchboard.http.HttpVerticle;
import dev.switchboard.http.UrlGuard;
import dev.switchboard.store.Db;
import dev.switchboard.store.EmbeddedDatabase;
import dev.switchboard.store.Migrations;
import dev.switchboard.tenant.ClientConfigCache;
import dev.switchboard.tenant.ClientService;
import dev.switchboard.tenant.KeyService;
import dev.switchboard.tenant.Secrets;
import dev.switchboard.tenant.TenantApi;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One gateway node: its database, its services and its HTTP verticles, started and stopped in order. */
public final class Node {

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Config config;
  private Vertx vertx;
  private EmbeddedDatabase embedded;
  private Pool pool;
  private KeyService keys;
  private WhatsAppEngine engine;
  private DeviceManager devices;
  private EventService events;
  private String dispatcherDeployment;
  private int httpPort;
  private volatile ApiRoutes apiRoutes;

  private Node(Config config) {
    this.config = config;
  }

  /**
   * Starts a node. The database work that must block (starting the embedded server, migrations)
   * runs on a worker thread before anything serves requests.
   */
  public static Future<Node> start(Config config) {
    Node node = new Node(config);
    node.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    return node.vertx.executeBlocking(node::prepareDatabase)
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
    pool = Db.pool(vertx, db, 16);
    return Secrets.bootstrap(pool, config.masterKey())
        .compose(secrets -> {
          keys = new KeyService(vertx, pool, secrets);
          return Engines.create(vertx, config);
        })
        .compose(created -> {
          engine = created;
          UrlGuard urls = new UrlGuard(config.allowPrivateUrls());
          ClientService clients = new ClientService(pool, keys, urls);
          ClientConfigCache configs = new ClientConfigCache(vertx, pool);
          clients.onChange(configs::invalidate);
          events = new EventService(vertx, pool, configs, deviceReplies());
          devices = new DeviceManager(vertx, new DeviceRuntime(pool, engine, events), config.nodeName());
          DeviceService deviceService = new DeviceService(vertx, pool, clients, devices);
          clients.beforeDelete(deviceService::deleteAll);
          HealthApi health = new HealthApi(pool, config.nodeName(), () -> 1);
          List<Consumer<ApiRoutes>> modules = List.of(health::register, new TenantApi(clients, keys)::register,
              new DeviceApi(deviceService)::register, new DeliveryApi(vertx, events)::register,
              new LiveFeed(vertx)::register);
          return vertx.deployVerticle(new WebhookDispatcher(events, urls, config.nodeName()))
              .onSuccess(id -> dispatcherDeployment = id)
              .compose(id -> devices.start())
              .compose(v -> serveHttp(new Auth(keys::resolve), modules));
        })
        .onSuccess(v -> log.info("Switchboard {} node '{}' listening on port {}", Version.version(),
            config.nodeName(), httpPort));
  }

  /** Auto-replies go straight to the device actor for now (the messaging package will queue them durably). */
  private ReplySender deviceReplies() {
    return (clientId, deviceId, chatJid, text) -> vertx.eventBus()
        .request(DeviceVerticle.address(clientId, deviceId),
            new JsonObject().put("op", "sendText").put("to", chatJid).put("text", text),
            new DeliveryOptions().setSendTimeout(10_000))
        .mapEmpty();
  }

  /** One HTTP verticle per core; Vert.x shares the port between them (port 0 included). */
  private Future<Void> serveHttp(Auth auth, List<Consumer<ApiRoutes>> modules) {
    List<HttpVerticle> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      HttpVerticle server = new HttpVerticle(config.httpPort(), () -> {
        ApiRoutes routes = ApiRouter.build(vertx, auth, modules);
        apiRoutes = routes;
        return routes.router();
      });
      servers.add(server);
      return server;
    }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
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

  public DeviceManager devices() {
    return devices;
  }

  public EventService events() {
    return events;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public Config config() {
    return config;
  }

  /**
   * Stops serving, flushes what is kept in memory, closes Vert.x, then the embedded database.
   * Blocking: call it from a plain thread (a shutdown hook, a test), never from an event loop.
   */
  public void stop() {
    try {
      if (devices != null) {
        devices.close().await(30, TimeUnit.SECONDS);
      }
      if (events != null) {
        events.flush().await(10, TimeUnit.SECONDS);
      }
      if (dispatcherDeployment != null) {
        vertx.undeploy(dispatcherDeployment).await(10, TimeUnit.SECONDS);
      }
      if (engine != null) {
        engine.close().await(10, TimeUnit.SECONDS);
      }
      if (keys != null) {
        keys.close().await(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.warn("Could not flush key usage on shutdown: {}", e.toString());
    }
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
