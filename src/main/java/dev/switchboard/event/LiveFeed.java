package dev.switchboard.event;

import static io.vertx.core.http.HttpMethod.GET;

import dev.switchboard.http.Access;
import dev.switchboard.http.ApiException;
import dev.switchboard.http.ApiRoutes;
import dev.switchboard.http.Auth;
import dev.switchboard.http.Ids;
import dev.switchboard.http.Principal;
import dev.switchboard.tenant.ClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket live feed {@code /api/events/ws}: one envelope per text frame, fed from the event bus
 * ({@code events.<clientId>} or every client's for the master key), so a subscriber on any node sees
 * the events of devices on every node. A subscriber that cannot keep up is closed, never buffered for.
 */
public final class LiveFeed {

  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
  public static final String PATH = "/api/events/ws";
  /** Close code for a subscriber too slow to keep up (1013: try again later). */
  public static final short TOO_SLOW = 1013;
  static final int WRITE_QUEUE_BYTES = 1024 * 1024;

  private final Vertx vertx;

  public LiveFeed(Vertx vertx) {
    this.vertx = vertx;
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
      if (token != null && !token.isBlank() && Auth.credential(ctx.request()) == null) {
        ctx.request().headers().set("Authorization", "Bearer " + token.trim());
      }
      ctx.next();
    });
    routes.add(GET, PATH, Access.ANY, "events",
        "Live feed (WebSocket): x-api-key header or ?token=<JWT>; filters ?clientId= (master), ?deviceId=, ?events=a,b",
        this::connect);
  }

  private void connect(RoutingContext ctx) {
    Filter filter = filter(ctx, Auth.principal(ctx));
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("upgrade"))) {
      throw new ApiException(400, "VALIDATION_ERROR", "this is a WebSocket endpoint: send an Upgrade: websocket request");
    }
    // The subscription is in place before the upgrade is answered: on a clustered event bus a
    // consumer's registration is asynchronous, and a subscriber told "connected" earlier could miss
    // the first events published after it.
    Subscription subscription = new Subscription(filter);
    subscription.consumer.completion()
        .recover(e -> {
          log.warn("Live feed could not subscribe to the event bus: {}", e.toString());
          return Future.failedFuture(ApiException.unavailable("the live feed cannot subscribe right now", 1));
        })
        .compose(v -> ctx.request().toWebSocket())
        .onSuccess(subscription::attach)
        .onFailure(e -> {
          subscription.consumer.unregister();
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
    String deviceId = ctx.queryParams().get("deviceId");
    if (deviceId != null) {
      Ids.require("deviceId", deviceId);
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

  /** One subscriber: its event-bus consumer, registered first, and its socket once upgraded. */
  private final class Subscription {

    private final Filter filter;
    private final MessageConsumer<JsonObject> consumer;
    private ServerWebSocket ws;

    Subscription(Filter filter) {
      this.filter = filter;
      String address = filter.clientId() == null ? Events.ALL : Events.address(filter.clientId());
      this.consumer = vertx.eventBus().consumer(address, msg -> deliver(msg.body()));
    }

    void attach(ServerWebSocket socket) {
      socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
      socket.closeHandler(v -> consumer.unregister());
      socket.exceptionHandler(e -> consumer.unregister());
      // Frames from the subscriber carry nothing; pings are answered by Vert.x.
      socket.textMessageHandler(text -> { });
      ws = socket;
    }

    private void deliver(JsonObject envelope) {
      // Before the upgrade is answered nobody is listening yet: those events are not the subscriber's.
      if (ws == null || ws.isClosed() || !filter.matches(envelope)) {
        return;
      }
      if (ws.writeQueueFull()) {
        consumer.unregister();
        log.info("Live feed subscriber of {} dropped: too slow", filter.clientId() == null ? "all clients" : filter.clientId());
        ws.close(TOO_SLOW, "too slow: events arrived faster than this connection read them");
        return;
      }
      ws.writeTextMessage(envelope.encode());
    }
  }
}
