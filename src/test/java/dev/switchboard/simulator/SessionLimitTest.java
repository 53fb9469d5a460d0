package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.SessionSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator's cap on device connections: the one past it is refused at once, with the reason. */
@ExtendWith(VertxExtension.class)
class SessionLimitTest {

  private static final String FIRST = "15550000101";
  private static final String SECOND = "15550000102";
  private static final String THIRD = "15550000103";
  private static final String ALICE = "972500000101";

  private SimulatorFixture fixture;

  @BeforeEach
  void start(Vertx vertx) {
    fixture = SimulatorFixture.start(vertx, SimulatorOptions.onPort(0).withQrIntervalMs(150).withMaxSessions(2));
  }

  @AfterEach
  void stop() {
    fixture.stop();
  }

  @Test
  void theDeviceBeyondTheLimitIsRefusedAtOnceWhileTheControlApiAndLinkedDevicesWork() throws Exception {
    TestDevice first = TestDevice.linked(fixture.engine, fixture.sim, FIRST);
    TestDevice second = TestDevice.linked(fixture.engine, fixture.sim, SECOND);

    long t0 = System.nanoTime();
    Future<?> third = fixture.engine.open(new SessionSpec("acme", "phone-3", "acme/phone-3"),
        new MemoryCredentialStore(), new RecordingListener());
    Throwable refused = null;
    try {
      third.await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      refused = e;
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(refused != null, "the third device is refused, not connected");
    assertTrue(ms < 2_000, "refused in " + ms + " ms, not after a timeout");
    assertTrue(refused.getMessage().contains("refused the connection (503)")
        && refused.getMessage().contains("--max-sessions=2"), refused.getMessage());

    JsonObject stats = fixture.sim.stats();
    assertEquals(2, stats.getInteger("openSessions"));
    assertEquals(2, stats.getInteger("maxSessions"));
    assertEquals(1, stats.getLong("refusedSessions"));
    fixture.sim.sendAs(ALICE, new JsonObject().put("to", FIRST).put("text", "still here"));
    assertTrue(first.listener().event("message").data().encode().contains("still here"), "the linked device still gets messages");

    // A session that goes away makes room for the next.
    Await.result(second.session().disconnect());
    RecordingListener.sleep(300);
    TestDevice.linked(fixture.engine, fixture.sim, THIRD);
  }
}
