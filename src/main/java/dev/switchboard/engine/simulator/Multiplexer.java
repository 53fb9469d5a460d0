package dev.switchboard.engine.simulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few WebSockets to the simulator's {@code /sim/mux} that carry all of an engine's device sessions,
 * so that a node with thousands of devices holds a few sockets (open files) on the simulator instead
 * of one each. Every session keeps its own semantics: the simulator runs each as a session of its own
 * (protocol on {@code dev.switchboard.simulator.MuxConnection}); a frame carries the session's number
 * {@code "s"}, and {@code {"s", "end": true}} ends one session. When a connection breaks, every
 * session on it ends as its own socket would, and the device actors reconnect them as usual.
 *
 * <p>New sessions go to the connections in turn; a connection is opened when first needed and again
 * after it broke. Each connection runs on a context of its own (a verticle), and hands each session
 * its frames on the session's context, in order.
 */
final class Multiplexer {

  private static final Logger LOG = LoggerFactory.getLogger(Multiplexer.class);

  private final Vertx vertx;
  private final Supplier<Future<WebSocket>> connect;
  private final List<Future<Connection>> slots = new ArrayList<>();
  private int next;

  /** {@code connect} opens a WebSocket to {@code /sim/mux} on the calling context. */
  Multiplexer(Vertx vertx, int connections, Supplier<Future<WebSocket>> connect) {
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1");
    }
    this.vertx = vertx;
    this.connect = connect;
    for (int i = 0; i < connections; i++) {
      slots.add(null);
    }
  }

  /** A wire for a new session, whose frames are handled on {@code ctx}; fails when the simulator cannot be reached. */
  Future<Function<SimulatorSession, Wire>> wire(Context ctx) {
    return slot().map(connection -> session -> connection.attach(session, ctx));
  }

  private synchronized Future<Connection> slot() {
    int i = next;
    next = (next + 1) % slots.size();
    Future<Connection> connection = slots.get(i);
    if (connection == null || connection.failed() || connection.succeeded() && connection.result().closed) {
      Connection opening = new Connection();
      connection = vertx.deployVerticle(opening).map(id -> opening);
      slots.set(i, connection);
    }
    return connection;
  }

  Future<Void> close() {
    List<Future<?>> stopping = new ArrayList<>();
    synchronized (this) {
      for (Future<Connection> slot : slots) {
        if (slot != null && slot.succeeded() && !slot.result().closed) {
          stopping.add(vertx.undeploy(slot.result().deploymentID()).recover(err -> Future.succeededFuture()));
        }
      }
    }
    return Future.join(stopping).mapEmpty();
  }

  /** One multiplexed WebSocket and the sessions on it. */
  private final class Connection extends VerticleBase {

    private final AtomicLong lastId = new AtomicLong();
    private final Map<Long, Channel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile WebSocket ws;

    @Override
    public Future<?> start() {
      // Opened here so that the socket belongs to this verticle's context, not to a device's.
      return connect.get().onSuccess(socket -> {
        ws = socket;
        ws.textMessageHandler(this::onText);
        ws.exceptionHandler(err -> LOG.debug("simulator socket error", err));
        ws.closeHandler(v -> onSocketClosed());
      });
    }

    @Override
    public Future<?> stop() {
      return closed ? Future.succeededFuture() : ws.close();
    }

    Wire attach(SimulatorSession session, Context ctx) {
      Channel channel = new Channel(lastId.incrementAndGet(), session, ctx);
      channels.put(channel.id, channel);
      if (closed) {
        // The socket closed meanwhile, perhaps before it saw this channel: end it here (ending twice is harmless).
        channels.remove(channel.id);
        channel.ended(null);
      }
      return channel;
    }

    private void onText(String text) {
      JsonObject frame;
      try {
        frame = new JsonObject(text);
      } catch (DecodeException e) {
        LOG.warn("unreadable frame from the simulator");
        return;
      }
      Channel channel = frame.remove("s") instanceof Number n ? channels.get(n.longValue()) : null;
      if (channel == null) {
        return;
      }
      if (Boolean.TRUE.equals(frame.getValue("end"))) {
        channels.remove(channel.id);
        channel.ended(frame.getString("reason"));
      } else {
        channel.ctx.runOnContext(v -> channel.session.onFrame(frame));
      }
    }

    private void onSocketClosed() {
      closed = true;
      List<Channel> ending = new ArrayList<>(channels.values());
      channels.clear();
      ending.forEach(c -> c.ended(null));
      vertx.undeploy(deploymentID()).onFailure(err -> LOG.debug("multiplexed connection already gone", err));
    }

    /** One session on the connection. */
    private final class Channel implements Wire {

      private final long id;
      private final SimulatorSession session;
      private final Context ctx;
      private final AtomicBoolean ended = new AtomicBoolean();

      Channel(long id, SimulatorSession session, Context ctx) {
        this.id = id;
        this.session = session;
        this.ctx = ctx;
      }

      @Override
      public void write(JsonObject frame) {
        if (!ended.get() && !closed) {
          ws.writeTextMessage(frame.put("s", id).encode());
        }
      }

      @Override
      public Future<Void> close() {
        if (ended.compareAndSet(false, true)) {
          channels.remove(id);
          if (!closed) {
            ws.writeTextMessage(new JsonObject().put("s", id).put("end", true).encode());
          }
          ctx.runOnContext(v -> session.onClosed(null));
        }
        return Future.succeededFuture();
      }

      /** The network ended the session, or the socket closed: the session hears it after its frames. */
      void ended(String reason) {
        if (ended.compareAndSet(false, true)) {
          ctx.runOnContext(v -> session.onClosed(reason));
        }
      }
    }
  }
}
