package dev.switchboard.event;

import dev.switchboard.http.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one event envelope of API.md, and where events are published on the (clustered) event bus:
 * {@code events.<clientId>}, so live feeds on any node can subscribe to one client's events, and
 * {@link #ALL} for the master key's feed of every client.
 */
public final class Events {

  /** Every client's events; the colon cannot occur in a client id, so no client can shadow it. */
  public static final String ALL = "events:all";

  private Events() {
  }

  public static String address(String clientId) {
    return "events." + clientId;
  }

  public static JsonObject envelope(String event, String clientId, String deviceId, JsonObject data) {
    return new JsonObject()
        .put("id", newId())
        .put("event", event)
        .put("clientId", clientId)
        .put("deviceId", deviceId)
        .put("timestamp", Times.iso(Instant.now()))
        .put("data", data);
  }

  /**
   * {@code evt_} + 128 random bits in hex. Ids must be unique, not secret, so this skips the
   * SecureRandom (and its lock) behind {@code UUID.randomUUID()} on the hot path.
   */
  static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "evt_" + HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
  }

  public static void publish(Vertx vertx, JsonObject envelope) {
    vertx.eventBus().publish(address(envelope.getString("clientId")), envelope);
    vertx.eventBus().publish(ALL, envelope);
  }

  /** A sink that only publishes on the event bus: no switches, nothing kept. */
  public static EventSink busOnly(Vertx vertx) {
    return (clientId, deviceId, event, data) -> {
      publish(vertx, envelope(event, clientId, deviceId, data));
      return Future.succeededFuture();
    };
  }
}
