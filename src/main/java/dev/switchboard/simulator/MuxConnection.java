package dev.switchboard.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One WebSocket on {@code /sim/mux} that carries many device sessions, so that a gateway node with
 * thousands of devices holds a few sockets (open files) to the simulator instead of one per device.
 * Each session is a {@link DeviceLink} of its own and keeps every semantic of a session on its own
 * socket: hello and linking, conflicts (the newer connection of a credential wins, wherever it is),
 * kicks, faults, acknowledgements, and redelivery of what was unacknowledged when it ended.
 *
 * <p>Every frame in either direction is a frame of the {@link DeviceLink} protocol with one more
 * field, {@code "s"}: the session's number, chosen by the device side and never reused on the
 * connection. A {@code hello} on a number not in use opens a session; other frames for a number not
 * in use are ignored (the session just ended). {@code {"s", "end": true}} ends a session, sent by
 * either side; from the network it may carry a {@code reason}. When the socket closes, every session
 * on it ends, as their sockets would. Runs on the simulator's one context, like all its state.
 */
final class MuxConnection {

  /** Sessions one connection carries at most: beyond, a {@code hello} is answered with an {@code end}. */
  static final int MAX_SESSIONS = 50_000;

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final Network network;
  private final Map<Object, Session> sessions = new HashMap<>();
  private boolean closed;

  private MuxConnection(Vertx vertx, ServerWebSocket ws, Network network) {
    this.vertx = vertx;
    this.ws = ws;
    this.network = network;
  }

  /** Serves sessions on {@code ws}; {@code onClose} runs once the socket is closed, after its sessions ended. */
  static MuxConnection serve(Vertx vertx, ServerWebSocket ws, Network network, Consumer<MuxConnection> onClose) {
    MuxConnection mux = new MuxConnection(vertx, ws, network);
    ws.textMessageHandler(mux::onText);
    ws.exceptionHandler(e -> ws.close());
    ws.closeHandler(v -> {
      mux.closed = true;
      List<Session> ending = new ArrayList<>(mux.sessions.values());
      mux.sessions.clear();
      ending.forEach(s -> s.ended = true);
      ending.forEach(s -> s.link.onClosed());
      onClose.accept(mux);
    });
    return mux;
  }

  /** Sessions open on this connection now. */
  int sessionCount() {
    return sessions.size();
  }

  private void onText(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      ws.close((short) 1003, "frames are JSON objects");
      return;
    }
    Object id = frame.remove("s");
    if (!(id instanceof Number) && !(id instanceof String)) {
      ws.close((short) 1003, "every frame names its session in \"s\"");
      return;
    }
    Object key = id instanceof Number n ? (Object) n.longValue() : id;
    Session session = sessions.get(key);
    if (Boolean.TRUE.equals(frame.getValue("end"))) {
      if (session != null) {
        // The device closed the session, as it would close a socket of its own.
        sessions.remove(key);
        session.ended = true;
        session.link.onClosed();
      }
      return;
    }
    if (session == null) {
      if (!"hello".equals(frame.getValue("op"))) {
        return;
      }
      if (sessions.size() >= MAX_SESSIONS) {
        ws.writeTextMessage(new JsonObject().put("s", id).put("end", true).put("reason",
            "this connection already carries " + MAX_SESSIONS + " sessions, the most it takes; open another").encode());
        return;
      }
      session = new Session(key, id);
      sessions.put(key, session);
      session.link.start();
    }
    session.link.onFrame(frame);
  }

  /** One device session on the connection. */
  private final class Session implements DeviceChannel {

    private final Object key;
    private final Object id;
    private final DeviceLink link;
    private boolean ended;

    Session(Object key, Object id) {
      this.key = key;
      this.id = id;
      this.link = new DeviceLink(vertx, this, network);
    }

    @Override
    public Future<Void> write(JsonObject frame) {
      if (ended || closed) {
        return Future.failedFuture("the session has ended");
      }
      return ws.writeTextMessage(frame.put("s", id).encode());
    }

    @Override
    public void close() {
      if (ended) {
        return;
      }
      ended = true;
      sessions.remove(key);
      if (!closed) {
        ws.writeTextMessage(new JsonObject().put("s", id).put("end", true).encode());
      }
      // Later, as a socket's close handler runs after close(): the caller may be iterating the sessions.
      vertx.runOnContext(v -> link.onClosed());
    }
  }
}
