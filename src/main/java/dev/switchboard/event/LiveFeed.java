package dev.switchboard.event;

import dev.switchboard.kernel.Addresses;
import static io.vertx.core.http.HttpMethod.GET;

import dev.switchboard.kernel.Contexts;
import dev.switchboard.http.Access;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.kernel.Ids;
import dev.switchboard.kernel.Principal;
import dev.switchboard.http.RouteDoc;
import dev.switchboard.http.Schemas;
import dev.switchboard.tenant.ClientConfig;
import dev.switchboard.tenant.KeyService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket live feed {@code /api/events/ws}: one envelope per text frame, fed from the event bus
 * ({@code events.<clientId>} or every client's for the master key), so a subscriber on any node sees
 * the events of devices on every node. A subscriber that cannot keep up is closed, never buffered for.
 * A feed lives no longer than its credential: it is closed with {@link #UNAUTHORIZED} when its key or
 * token expires, and when its client's key changes (on any node: {@link KeyService#onChange}) and the
 * credential no longer passes.
 */
public final class LiveFeed {

  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
  public static final String PATH = "/api/events/ws";
  /** Close code for a subscriber too slow to keep up (1013: try again later). */
  public static final short TOO_SLOW = 1013;
  /** Close code for a feed whose key or token was revoked, replaced or expired (401 as in HTTP, in the application's 4000s). */
  public static final short UNAUTHORIZED = 4401;
  static final int WRITE_QUEUE_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final KeyService keys;
  /** Every subscription of this node, from before its upgrade until it ends. */
  private final Set<Subscription> open = ConcurrentHashMap.newKeySet();

  public LiveFeed(Vertx vertx, KeyService keys) {
    this.vertx = vertx;
    this.keys = keys;
    keys.onChange(this::keyChanged);
  }

  /** A client's key changed (null: any client's may have): its feeds check their credentials again. */
  private void keyChanged(String clientId) {
    for (Subscription subscription : open) {
      if (clientId == null || clientId.equals(subscription.principal.clientId())) {
        subscription.recheck();
      }
    }
  }

  private record Filter(String clientId, String deviceId, Set<String> events) {

    boolean matches(JsonObject envelope) {
      return (deviceId == null || deviceId.equals(envelope.getString("deviceId")))
          && (events == null || events.contains(envelope.getString("event")));
    }
  }

  public void register(ApiRoutes routes) {
    // Browsers cannot set headers on a WebSocket: ?token=<JWT> stands in for the Authorization header.
    routes.router().route(PATH).handler(ctx -> {
      // Authentication is asynchronous; the upgrade needs the request unread until then.
      ctx.request().pause();
      String token = ctx.queryParams().get("token");
      if (token != null && !token.isBlank()) {
        // URLs end up in logs and browser histories: only a short-lived token belongs there.
        if (!keys.isToken(token.trim())) {
          ctx.fail(ApiException.unauthorized("?token= takes a JWT from POST /api/auth/token, never an API key; "
              + "send a key in the x-api-key header"));
          return;
        }
        if (Auth.credential(ctx.request()) == null) {
          ctx.request().headers().set("Authorization", "Bearer " + token.trim());
        }
      }
      ctx.next();
    });
    routes.add(GET, PATH, Access.ANY, "events",
        "Live feed (WebSocket): x-api-key header or ?token=<JWT>; filters ?clientId= (master), ?deviceId=, ?events=a,b",
        RouteDoc.of()
            .query("token", Schemas.string(1, 4096), "a JWT from POST /api/auth/token, for browsers (never an API key)")
            .query("clientId", Schemas.id(), "only this client's events (master key; a client key sees its own)")
            .query("deviceId", Schemas.id(), "only this device's events")
            .query("events", new JsonObject().put("type", "string").put("pattern", "^[a-z_]+(,[a-z_]+)*$"),
                "comma-separated event names: " + String.join(", ", ClientConfig.EVENTS))
            .returnsRaw(101, "application/json", "Switching Protocols: the WebSocket, one JSON event per message")
            .errors(503),
        this::connect);
  }

  private void connect(RoutingContext ctx) {
    Principal principal = Auth.principal(ctx);
    Filter filter = filter(ctx, principal);
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("upgrade"))) {
      throw new ApiException(400, "VALIDATION_ERROR", "this is a WebSocket endpoint: send an Upgrade: websocket request");
    }
    // The subscription is in place before the upgrade is answered: on a clustered event bus a
    // consumer's registration is asynchronous, and a subscriber told "connected" earlier could miss
    // the first events published after it.
    Subscription subscription = new Subscription(filter, Auth.credential(ctx.request()), principal,
        vertx.getOrCreateContext());
    subscription.consumer.completion()
        .recover(e -> {
          log.warn("Live feed could not subscribe to the event bus: {}", e.toString());
          return Future.failedFuture(ApiException.unavailable("the live feed cannot subscribe right now", 1));
        })
        .compose(v -> ctx.request().toWebSocket())
        .onSuccess(subscription::attach)
        .onFailure(e -> {
          subscription.end();
          log.debug("Live feed subscription failed: {}", e.toString());
          if (!ctx.response().ended()) {
            ctx.fail(e instanceof ApiException api ? api
                : new ApiException(400, "VALIDATION_ERROR", "WebSocket upgrade failed: " + e.getMessage()));
          }
        });
  }

  private static Filter filter(RoutingContext ctx, Principal principal) {
    String clientId = ctx.queryParams().get("clientId");
    if (clientId != null) {
      Ids.require("clientId", clientId);
      if (!principal.isMaster() && !clientId.equals(principal.clientId())) {
        throw ApiException.unauthorized("this key is not valid for client '" + clientId + "'");
      }
    } else if (!principal.isMaster()) {
      clientId = principal.clientId();
    }
    if (!principal.allows("events:read")) {
      throw Auth.missingScope("events:read");
    }
    String deviceId = ctx.queryParams().get("deviceId");
    if (deviceId != null) {
      Ids.require("deviceId", deviceId);
    }
    if (principal.deviceIds() != null) {
      // A key limited to some devices follows one of them at a time.
      if (deviceId == null && principal.deviceIds().size() == 1) {
        deviceId = principal.deviceIds().iterator().next();
      } else if (deviceId == null || !principal.allowsDevice(deviceId)) {
        throw deviceId == null ? ApiException.forbidden("this key is limited to devices " + principal.deviceIds()
            + ": name one with ?deviceId=") : Auth.deviceNotAllowed(deviceId);
      }
    }
    String rawEvents = ctx.queryParams().get("events");
    Set<String> events = null;
    if (rawEvents != null) {
      events = Arrays.stream(rawEvents.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
      for (String e : events) {
        if (!ClientConfig.EVENTS.contains(e)) {
          throw ApiException.validation("events", "unknown event '" + e + "'; known: " + String.join(", ", ClientConfig.EVENTS));
        }
      }
      if (events.isEmpty()) {
        throw ApiException.validation("events", "events lists at least one event name");
      }
    }
    return new Filter(clientId, deviceId, events);
  }

  /**
   * One subscriber: its event-bus consumer, registered first, and its socket once upgraded; the
   * credential it was opened with and who that is. Everything but the constructor runs on the
   * context of the subscriber's connection.
   */
  private final class Subscription {

    private final Filter filter;
    private final String credential;
    private final Principal principal;
    private final Context context;
    private final MessageConsumer<JsonObject> consumer;
    private ServerWebSocket ws;
    private long expiry = -1;

    Subscription(Filter filter, String credential, Principal principal, Context context) {
      this.filter = filter;
      this.credential = credential;
      this.principal = principal;
      this.context = context;
      String address = filter.clientId() == null ? Addresses.ALL_EVENTS : Addresses.events(filter.clientId());
      this.consumer = vertx.eventBus().consumer(address, msg -> deliver(msg.body()));
      open.add(this);
    }

    void attach(ServerWebSocket socket) {
      socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
      socket.closeHandler(v -> end());
      socket.exceptionHandler(e -> end());
      // Frames from the subscriber carry nothing; pings are answered by Vert.x.
      socket.textMessageHandler(text -> { });
      ws = socket;
      if (principal.validUntil() != null) {
        long ms = Duration.between(Instant.now(), principal.validUntil()).toMillis();
        expiry = vertx.setTimer(Math.max(1, ms), id -> close(UNAUTHORIZED, "the key or token of this feed has expired"));
      }
      // A key change heard between the authentication and now found no socket to close.
      recheck();
    }

    /** Checks the credential again (from the key cache, which a change empties first) and closes the feed if it fails. */
    void recheck() {
      context.runOnContext(v -> {
        if (ws == null || ws.isClosed()) {
          return;
        }
        Contexts.onContext(context, keys.resolve(credential)).onFailure(e -> {
          if (e instanceof ApiException api && api.status() == 401) {
            close(UNAUTHORIZED, api.getMessage());
          } else {
            log.warn("Live feed of {} could not check its key again: {}", who(), e.toString());
          }
        });
      });
    }

    private void deliver(JsonObject envelope) {
      // Before the upgrade is answered nobody is listening yet: those events are not the subscriber's.
      if (ws == null || ws.isClosed() || !filter.matches(envelope)) {
        return;
      }
      if (ws.writeQueueFull()) {
        close(TOO_SLOW, "too slow: events arrived faster than this connection read them");
        return;
      }
      ws.writeTextMessage(envelope.encode());
    }

    private void close(short code, String reason) {
      if (ws.isClosed()) {
        return;
      }
      end();
      log.info("Live feed of {} closed with {}: {}", who(), code, reason);
      // A close frame's reason holds at most 123 bytes.
      ws.close(code, reason.length() > 123 ? reason.substring(0, 123) : reason);
    }

    void end() {
      open.remove(this);
      consumer.unregister();
      if (expiry >= 0) {
        vertx.cancelTimer(expiry);
      }
    }

    private String who() {
      return filter.clientId() == null ? "all clients" : filter.clientId();
    }
  }
}
