package dev.switchboard.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** A device session on a WebSocket of its own: the session ends when the socket closes. */
final class SocketChannel implements DeviceChannel {

  private final ServerWebSocket ws;

  private SocketChannel(ServerWebSocket ws) {
    this.ws = ws;
  }

  /** Serves one device on {@code ws}; {@code onClose} runs once the socket (a file) is closed. */
  static void serve(Vertx vertx, ServerWebSocket ws, Network network, Runnable onClose) {
    DeviceLink link = new DeviceLink(vertx, new SocketChannel(ws), network);
    link.start();
    ws.textMessageHandler(text -> {
      JsonObject frame;
      try {
        frame = new JsonObject(text);
      } catch (DecodeException e) {
        ws.close((short) 1003, "frames are JSON objects");
        return;
      }
      link.onFrame(frame);
    });
    ws.exceptionHandler(e -> ws.close());
    ws.closeHandler(v -> {
      link.onClosed();
      onClose.run();
    });
  }

  @Override
  public Future<Void> write(JsonObject frame) {
    return ws.writeTextMessage(frame.encode());
  }

  @Override
  public void close() {
    ws.close();
  }
}
