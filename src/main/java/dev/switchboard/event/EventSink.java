package dev.switchboard.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Where device actors hand their events: one call per event of docs/api.md ({@code message},
 * {@code receipt}, {@code device_status}, ...). The sink wraps it in the envelope, applies the
 * client's event switches, makes it durable for webhooks and publishes it to the live feeds.
 * The future completes once the event is safe (committed), so a caller can acknowledge upstream.
 */
public interface EventSink {

  /**
   * {@code key}: the network's name for the event when it has one (see
   * {@link dev.switchboard.engine.EngineEvent#key}); the event id is derived from it, and an event
   * stored before under that id is neither stored nor published again.
   */
  Future<Void> emit(String clientId, String deviceId, String event, JsonObject data, String key);

  default Future<Void> emit(String clientId, String deviceId, String event, JsonObject data) {
    return emit(clientId, deviceId, event, data, null);
  }
}
