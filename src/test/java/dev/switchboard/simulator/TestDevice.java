package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.engine.EngineSession;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.engine.WhatsAppEngine;
import io.vertx.core.json.JsonObject;

/** One gateway device in a test: its credential store, what its session reported, and the session. */
public record TestDevice(MemoryCredentialStore store, RecordingListener listener, EngineSession session) {

  /** Opens a session on {@code store}: it resumes when the store holds credentials, else it links. */
  public static TestDevice open(WhatsAppEngine engine, MemoryCredentialStore store) {
    RecordingListener listener = new RecordingListener();
    EngineSession session = Await.result(
        engine.open(new SessionSpec("acme", "phone-1", "acme/phone-1"), store, listener));
    return new TestDevice(store, listener, session);
  }

  /** Opens a fresh session and links it as {@code phone} by scanning its first QR. */
  public static TestDevice linked(WhatsAppEngine engine, SimControl sim, String phone) {
    TestDevice device = open(engine, new MemoryCredentialStore());
    sim.ok("/sim/pair", new JsonObject().put("qr", device.listener().qr(0)).put("phone", phone));
    assertEquals(phone, device.listener().connected());
    return device;
  }

  public <T> T await(io.vertx.core.Future<T> future) {
    return Await.result(future);
  }
}
