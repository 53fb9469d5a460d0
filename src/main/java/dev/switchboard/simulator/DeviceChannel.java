package dev.switchboard.simulator;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What one device session talks through: a WebSocket of its own ({@link SocketChannel}), as a real
 * linked device holds, or one session of a WebSocket that carries many ({@link MuxConnection}). The
 * channel hands the session's frames to its {@link DeviceLink} and tells it once when the session ends.
 */
interface DeviceChannel {

  /** Sends one frame to the device; completes when it is written (fails quietly once the session ended). */
  Future<Void> write(JsonObject frame);

  /** Ends the session from the network's side; the link hears {@link DeviceLink#onClosed()} once, later. */
  void close();
}
