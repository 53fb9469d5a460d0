package dev.switchboard.engine.cobalt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.simulator.MemoryCredentialStore;
import dev.switchboard.simulator.RecordingListener;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A network that swallows the connection without an answer (a black-hole proxy here) must not
 * leave a device hanging: the supervisor cuts the attempt at the connect timeout and says so.
 */
class CobaltConnectTimeoutTest {

  @Test
  void aConnectionThatNeverAnswersEndsAtTheConnectTimeout() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (!blackHole.isClosed()) {
          try {
            held.add(blackHole.accept());
          } catch (IOException closed) {
            return;
          }
        }
      });
      CobaltEngine engine = new CobaltEngine(vertx, CobaltOptions.defaults()
          .withProxy(URI.create("http://127.0.0.1:" + blackHole.getLocalPort()))
          .withConnectTimeout(Duration.ofSeconds(2)));
      RecordingListener listener = new RecordingListener();
      MemoryCredentialStore store = new MemoryCredentialStore();
      long started = System.currentTimeMillis();
      UUID id = UUID.randomUUID();
      EngineSession session = engine.open(new SessionSpec("acme", "hang", id.toString()), store, listener)
          .await(20, TimeUnit.SECONDS);
      while (listener.disconnects.isEmpty()) {
        assertTrue(System.currentTimeMillis() - started < 20_000, "the attempt was cut in time");
        Thread.sleep(50);
      }
      long took = System.currentTimeMillis() - started;
      RecordingListener.Disconnect d = listener.disconnects.getFirst();
      assertTrue(d.reason().startsWith("WhatsApp did not answer within 2 s"), d.reason());
      assertFalse(d.loggedOut());
      assertTrue(took >= 1_900, "not before the timeout: " + took + " ms");
      assertFalse(held.isEmpty(), "the connection did go out, and hung");
      assertTrue(listener.qrs.isEmpty());
      session.disconnect().await(10, TimeUnit.SECONDS);
      engine.close().await(20, TimeUnit.SECONDS);
    } finally {
      for (Socket s : held) {
        s.close();
      }
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }
}
