package dev.switchboard.event;

import dev.switchboard.kernel.Addresses;
import dev.switchboard.kernel.Digests;
import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one event envelope of docs/api.md, and where events are published on the (clustered) event bus:
 * {@code events.<clientId>}, so live feeds on any node can subscribe to one client's events, and
 * {@link Addresses#ALL_EVENTS} for the master key's feed of every client.
 */
public final class Events {

  private Events() {
  }

  public static JsonObject envelope(String event, String clientId, String deviceId, JsonObject data) {
    return envelope(event, clientId, deviceId, data, null);
  }

  /** With a {@code key} from the network, the id is derived from it: the same event gets the same id. */
  public static JsonObject envelope(String event, String clientId, String deviceId, JsonObject data, String key) {
    return new JsonObject()
        .put("id", key == null ? newId() : keyedId(clientId, deviceId, event, key))
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

  /** {@code evt_} + the first 128 bits of SHA-256 over the client, device, event name and key. */
  static String keyedId(String clientId, String deviceId, String event, String key) {
    return "evt_" + HexFormat.of().formatHex(Digests.sha256(clientId, deviceId, event, key), 0, 16);
  }

  public static void publish(Vertx vertx, JsonObject envelope) {
    vertx.eventBus().publish(Addresses.events(envelope.getString("clientId")), envelope);
    vertx.eventBus().publish(Addresses.ALL_EVENTS, envelope);
  }

  /** A sink that only publishes on the event bus: no switches, nothing kept. */
  public static EventSink busOnly(Vertx vertx) {
    return (clientId, deviceId, event, data, key) -> {
      publish(vertx, envelope(event, clientId, deviceId, data, key));
      return Future.succeededFuture();
    };
  }
}
