package dev.switchboard.engine.simulator;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@link SimulatorSession} talks through: a WebSocket of its own ({@link #socket}), or one
 * session of a WebSocket shared by many ({@link Multiplexer}). The wire hands the session its frames
 * ({@link SimulatorSession#onFrame}) and tells it once that the session ended ({@link SimulatorSession#onClosed}),
 * on the session's context.
 */
interface Wire {

  /** Sends one frame; a frame sent after the session ended is dropped. */
  void write(JsonObject frame);

  /** Ends the session from the gateway's side; the session hears {@code onClosed} afterwards. */
  Future<Void> close();

  /** A session on a WebSocket of its own; the socket belongs to the session's context. */
  static Wire socket(WebSocket ws, SimulatorSession session) {
    Logger log = LoggerFactory.getLogger(Wire.class);
    ws.textMessageHandler(text -> {
      JsonObject frame;
      try {
        frame = new JsonObject(text);
      } catch (DecodeException e) {
        log.warn("unreadable frame from the simulator");
        return;
      }
      session.onFrame(frame);
    });
    ws.exceptionHandler(err -> log.debug("simulator socket error", err));
    ws.closeHandler(v -> session.onClosed(null));
    return new Wire() {
      @Override
      public void write(JsonObject frame) {
        ws.writeTextMessage(frame.encode());
      }

      @Override
      public Future<Void> close() {
        return ws.close();
      }
    };
  }
}
