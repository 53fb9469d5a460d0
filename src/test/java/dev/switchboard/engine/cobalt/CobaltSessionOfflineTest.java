package dev.switchboard.engine.cobalt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.OutboundMessage;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.simulator.MemoryCredentialStore;
import dev.switchboard.simulator.RecordingListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.api.ClientType;
import it.auties.whatsapp.controller.Keys;
import it.auties.whatsapp.controller.KeysSpec;
import it.auties.whatsapp.controller.Store;
import it.auties.whatsapp.controller.StoreSpec;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.UnknownHostException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Cobalt engine's session lifecycle when WhatsApp cannot be reached: bounded, reported, never silent. */
class CobaltSessionOfflineTest {

  private static final Path COBALT_HOME = Path.of(System.getProperty("user.home"), ".cobalt");
  private static final boolean COBALT_HOME_EXISTED = Files.exists(COBALT_HOME);
  private static Vertx vertx;
  private static CobaltEngine engine;

  @BeforeAll
  static void start() {
    assumeFalse(whatsappResolves(), "this machine can reach WhatsApp; the test needs it unreachable");
    vertx = Vertx.vertx();
    engine = new CobaltEngine(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (engine != null) {
      engine.close().await(20, TimeUnit.SECONDS);
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private static boolean whatsappResolves() {
    try {
      InetAddress.getByName("web.whatsapp.com");
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static SessionSpec spec(UUID id) {
    return new SessionSpec("acme", "d-" + id.toString().substring(0, 8), id.toString());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) throws Exception {
    try {
      f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void aNewSessionReportsThatWhatsAppCannotBeReached() throws Exception {
    MemoryCredentialStore store = new MemoryCredentialStore();
    RecordingListener listener = new RecordingListener();
    EngineSession session = await(engine.open(spec(UUID.randomUUID()), store, listener));

    // Refusals that need no network come at once, with the port's codes.
    EngineException pairing = assertInstanceOf(EngineException.class, failure(session.requestPairingCode("972501234567")));
    assertEquals("NOT_SUPPORTED", pairing.code());
    assertTrue(pairing.getMessage().contains("QR"), pairing.getMessage());
    EngineException send = assertInstanceOf(EngineException.class, failure(session.send(
        new OutboundMessage("MSG1", "972501234567@s.whatsapp.net", "text", new JsonObject().put("text", "hi")))));
    assertEquals("DEVICE_NOT_CONNECTED", send.code());

    RecordingListener.Disconnect d = awaitDisconnect(listener);
    assertFalse(d.loggedOut(), "an unreachable network is retried, not a logout");
    assertTrue(d.reason().startsWith("cannot reach WhatsApp"), d.reason());
    assertTrue(d.reason().contains("web.whatsapp.com"), d.reason());
    assertTrue(listener.qrs.isEmpty());
    assertTrue(listener.wrongThread.isEmpty(), "listener calls come on the session's context: " + listener.wrongThread);
    assertNull(store.credentials(), "nothing is stored for a session the phone never linked");
    // After the report the session is over; disconnect is harmless.
    await(session.disconnect());
    assertEquals(1, listener.disconnects.size(), "reported once");
  }

  @Test
  void aStoredSessionResumesFromItsCredentialsAndLogoutForgetsThem() throws Exception {
    UUID id = UUID.randomUUID();
    Keys keys = Keys.of(id, null, null, ClientType.WEB);
    Store cobaltStore = Store.of(id, null, null, ClientType.WEB);
    byte[] stored = CredentialFormat.pack(KeysSpec.encode(keys), StoreSpec.encode(cobaltStore));
    MemoryCredentialStore store = new MemoryCredentialStore(stored);
    RecordingListener listener = new RecordingListener();
    EngineSession session = await(engine.open(spec(id), store, listener));
    RecordingListener.Disconnect d = awaitDisconnect(listener);
    assertTrue(d.reason().startsWith("cannot reach WhatsApp"), d.reason());
    Keys kept = KeysSpec.decode(CredentialFormat.unpack(store.credentials()).keys());
    assertEquals(keys.registrationId(), kept.registrationId(), "the stored session is kept for the next attempt");
    assertArrayEquals(keys.identityKeyPair().privateKey(), kept.identityKeyPair().privateKey());

    await(session.logout());
    assertNull(store.credentials(), "logout forgets the credentials even when WhatsApp could not be told");
    if (!COBALT_HOME_EXISTED) {
      assertFalse(Files.exists(COBALT_HOME), "Cobalt wrote nothing under the home directory");
    }
  }

  @Test
  void credentialsOfAnotherEngineFailTheOpenWithAClearReason() throws Exception {
    MemoryCredentialStore store = new MemoryCredentialStore("{\"simulator\":true}".getBytes());
    Throwable e = failure(engine.open(spec(UUID.randomUUID()), store, new RecordingListener()));
    EngineException ee = assertInstanceOf(EngineException.class, e);
    assertTrue(ee.getMessage().contains("not Cobalt credentials"), ee.getMessage());
  }

  private static RecordingListener.Disconnect awaitDisconnect(RecordingListener listener) throws InterruptedException {
    long deadline = System.currentTimeMillis() + CobaltOptions.defaults().connectTimeout().toMillis() + 15_000;
    while (listener.disconnects.isEmpty()) {
      assertTrue(System.currentTimeMillis() < deadline, "the session reported its failure in time");
      Thread.sleep(50);
    }
    return listener.disconnects.getFirst();
  }
}
