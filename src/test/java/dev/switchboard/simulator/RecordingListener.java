package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.fail;

import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.EngineListener;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Everything a session reported, for a test thread to wait on. */
public final class RecordingListener implements EngineListener {

  public record Disconnect(String reason, boolean loggedOut) {
  }

  private static final long WAIT_MS = 10_000;

  public final List<String> qrs = new CopyOnWriteArrayList<>();
  public final List<String> connections = new CopyOnWriteArrayList<>();
  public final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
  public final List<EngineEvent> events = new CopyOnWriteArrayList<>();
  public final List<String> wrongThread = new CopyOnWriteArrayList<>();
  /** False: events are reported as not made durable, so the engine does not acknowledge them. */
  public volatile boolean acknowledge = true;

  @Override
  public void onQr(String qr, Instant expiresAt) {
    checkThread("onQr");
    qrs.add(qr);
  }

  @Override
  public void onConnected(String phoneNumber) {
    checkThread("onConnected");
    connections.add(phoneNumber);
  }

  @Override
  public void onDisconnected(String reason, boolean loggedOut) {
    checkThread("onDisconnected");
    disconnects.add(new Disconnect(reason, loggedOut));
  }

  @Override
  public io.vertx.core.Future<Void> onEvent(EngineEvent event) {
    checkThread("onEvent");
    events.add(event);
    return acknowledge ? io.vertx.core.Future.succeededFuture() : io.vertx.core.Future.failedFuture("not stored");
  }

  private void checkThread(String callback) {
    if (Vertx.currentContext() == null) {
      wrongThread.add(callback);
    }
  }

  public String qr(int index) {
    return await(qrs, index, "QR #" + index);
  }

  public String connected() {
    return await(connections, 0, "connection");
  }

  public Disconnect disconnected() {
    return await(disconnects, 0, "disconnect");
  }

  public EngineEvent event(String type) {
    return event(type, e -> true);
  }

  public EngineEvent event(String type, Predicate<EngineEvent> match) {
    return awaitMatch(events, e -> e.type().equals(type) && match.test(e), type + " event");
  }

  private static <T> T await(List<T> list, int index, String what) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (list.size() <= index) {
      if (System.currentTimeMillis() > deadline) {
        return fail("no " + what + " within " + WAIT_MS + " ms");
      }
      pause();
    }
    return list.get(index);
  }

  private static <T> T awaitMatch(List<T> list, Predicate<T> match, String what) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      for (T t : List.copyOf(list)) {
        if (match.test(t)) {
          return t;
        }
      }
      pause();
    }
    return fail("no " + what + " within " + WAIT_MS + " ms; got " + list);
  }

  /** Lets a test show that something did not arrive. */
  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void pause() {
    sleep(10);
  }
}
