package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.OutboundMessage;
import dev.switchboard.engine.SessionSpec;
import dev.switchboard.engine.simulator.SimulatorEngine;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateway-like engines, each carrying its devices over one multiplexed WebSocket, on a simulator
 * that may hold three sockets: more devices than its open-file budget allows sockets link and talk,
 * each session keeps its own semantics, and the budget still counts the sockets of the one process.
 */
@ExtendWith(VertxExtension.class)
class MultiplexedSessionsTest {

  private static final int PER_ENGINE = 20;
  private static final String ALICE = "972500000301";

  private SimulatorFixture fixture;
  private SimulatorEngine first;
  private SimulatorEngine second;

  @BeforeEach
  void start(Vertx vertx) {
    fixture = SimulatorFixture.start(vertx, SimulatorOptions.onPort(0).withQrIntervalMs(20_000).withMaxSessions(3), 1);
    first = fixture.engine;
    second = new SimulatorEngine(vertx, "http://127.0.0.1:" + fixture.server.port(), 1);
  }

  @AfterEach
  void stop() {
    Await.result(second.close());
    fixture.stop();
  }

  @Test
  void manyDevicesOverTwoConnectionsLinkTalkOnceAndConflictWhileTheBudgetCountsSockets(Vertx vertx) throws Exception {
    List<TestDevice> onFirst = link(first, "1555000");
    List<TestDevice> onSecond = link(second, "1555100");
    JsonObject stats = fixture.sim.stats();
    assertEquals(2 * PER_ENGINE, stats.getInteger("connectedSessions"), stats.encode());
    assertEquals(2, stats.getInteger("openSessions"), "two sockets, the only files the sessions take: " + stats);
    assertEquals(2, stats.getInteger("muxConnections"));
    assertEquals(2 * PER_ENGINE, stats.getInteger("muxSessions"));

    // A device on one connection writes to a device on the other, and sends the same id again: delivered once.
    TestDevice sender = onFirst.get(3);
    TestDevice receiver = onSecond.get(7);
    String to = phone("1555100", 7) + "@s.whatsapp.net";
    for (int i = 0; i < 2; i++) {
      sender.await(sender.session().send(new OutboundMessage("MUX1", to, "text", new JsonObject().put("text", "across"))));
    }
    assertEquals("across", receiver.listener().event("message", e -> "MUX1".equals(e.data().getString("messageId")))
        .data().getString("text"));
    sender.listener().event("receipt", e -> "MUX1".equals(e.data().getString("messageId")));
    RecordingListener.sleep(300);
    assertEquals(1, receiver.listener().events.stream().filter(e -> "MUX1".equals(e.data().getString("messageId"))).count(),
        "delivered once");
    assertEquals(1, fixture.sim.stats().getInteger("duplicatesDropped"));
    assertTrue(onSecond.stream().filter(d -> d != receiver).allMatch(d -> d.listener().events.isEmpty()),
        "no other session on that connection saw it");

    // A disconnect fault ends that one session; its neighbours on the socket keep working.
    fixture.sim.ok("/sim/faults", new JsonObject().put("phone", phone("1555100", 7)).put("kind", "disconnect"));
    assertFalse(receiver.listener().disconnected().loggedOut());
    fixture.sim.sendAs(ALICE, new JsonObject().put("to", phone("1555100", 8)).put("text", "neighbour"));
    assertEquals("neighbour", onSecond.get(8).listener().event("message").data().getString("text"));
    assertTrue(onSecond.get(8).listener().disconnects.isEmpty());

    // The same credential connected from the other connection, as a node taking a device over: a conflict.
    TestDevice moved = TestDevice.open(second, new MemoryCredentialStore(onFirst.get(0).store().credentials()));
    assertEquals(phone("1555000", 0), moved.listener().connected());
    assertEquals("replaced", onFirst.get(0).listener().disconnected().reason());
    assertEquals(1, fixture.sim.stats().getInteger("conflicts"));

    // The budget counts sockets of this one process: the third socket is taken, the fourth refused,
    // be it a device's own socket or another multiplexed connection.
    SimulatorEngine plain = new SimulatorEngine(vertx, "http://127.0.0.1:" + fixture.server.port());
    TestDevice.linked(plain, fixture.sim, "15552000001");
    SimulatorEngine third = new SimulatorEngine(vertx, "http://127.0.0.1:" + fixture.server.port(), 1);
    Throwable refused = null;
    try {
      third.open(new SessionSpec("acme", "phone-x", "acme/phone-x"), new MemoryCredentialStore(), new RecordingListener())
          .await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      refused = e;
    }
    assertNotNull(refused, "a fourth socket is refused");
    assertTrue(refused.getMessage().contains("refused the connection (503)") && refused.getMessage().contains("--max-sessions=3"),
        refused.getMessage());
    Await.result(third.close());
    // Sessions over the connections already open are not files: they still link.
    TestDevice.linked(first, fixture.sim, "15552000002");
    assertEquals(3, fixture.sim.stats().getInteger("openSessions"));

    // One connection goes away (its node died): every session on it ends, and what one of them had not
    // acknowledged comes again when the device resumes over the other connection.
    TestDevice slow = onSecond.get(9);
    slow.listener().acknowledge = false;
    fixture.sim.sendAs(ALICE, new JsonObject().put("to", phone("1555100", 9)).put("text", "kept").put("messageId", "KEPT1"));
    EngineEvent unacked = slow.listener().event("message", e -> "KEPT1".equals(e.data().getString("messageId")));
    Await.result(second.close());
    slow.listener().disconnected();
    RecordingListener.sleep(300);
    JsonObject after = fixture.sim.stats();
    assertEquals(1, after.getInteger("muxConnections"), after.encode());
    assertEquals(2, after.getInteger("openSessions"), after.encode());
    TestDevice resumed = TestDevice.open(first, slow.store());
    EngineEvent again = resumed.listener().event("message", e -> "KEPT1".equals(e.data().getString("messageId")));
    assertEquals(unacked.key(), again.key(), "redelivered with its key");
    Await.result(plain.close());
  }

  @Test
  void theMultiplexedWireOpensSessionsByHelloEndsThemOneByOneAndClosesOnAFrameWithoutASession(Vertx vertx) {
    WebSocketClient client = vertx.createWebSocketClient();
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket ws = Await.result(client.connect(fixture.server.port(), "127.0.0.1", SimulatorServer.MUX_PATH));
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    // A frame for a session that was never opened is not a hello: ignored, no session appears.
    ws.writeTextMessage(new JsonObject().put("s", 1).put("id", 1).put("op", "contacts").encode());
    ws.writeTextMessage(new JsonObject().put("s", 1).put("id", 2).put("op", "hello").encode());
    ws.writeTextMessage(new JsonObject().put("s", "two").put("id", 1).put("op", "hello").encode());
    JsonObject answer = await(frames, f -> Integer.valueOf(2).equals(f.getValue("id")));
    assertEquals(1, answer.getInteger("s"));
    assertTrue(answer.getJsonObject("result").getBoolean("linking"));
    await(frames, f -> "two".equals(f.getValue("s")) && "qr".equals(f.getString("push")));
    assertTrue(frames.stream().noneMatch(f -> Integer.valueOf(1).equals(f.getValue("id")) && Integer.valueOf(1).equals(f.getValue("s"))),
        "the frame before hello got no answer: " + frames);
    assertEquals(2, fixture.sim.stats().getInteger("linkingSessions"));
    assertEquals(2, fixture.sim.stats().getInteger("muxSessions"));

    // The device ends one session; the other lives on, on the same socket.
    ws.writeTextMessage(new JsonObject().put("s", 1).put("end", true).encode());
    RecordingListener.sleep(200);
    JsonObject stats = fixture.sim.stats();
    assertEquals(1, stats.getInteger("linkingSessions"), stats.encode());
    assertEquals(1, stats.getInteger("muxSessions"));
    ws.writeTextMessage(new JsonObject().put("s", "two").put("id", 2).put("op", "pair_code").put("phone", "15553000001").encode());
    assertTrue(await(frames, f -> "two".equals(f.getValue("s")) && Integer.valueOf(2).equals(f.getValue("id"))).getBoolean("ok"));

    // A frame that names no session is a broken client: the socket closes with 1003, ending its sessions.
    ws.writeTextMessage(new JsonObject().put("id", 3).put("op", "contacts").encode());
    long deadline = System.currentTimeMillis() + 5_000;
    while (!ws.isClosed() && System.currentTimeMillis() < deadline) {
      RecordingListener.sleep(10);
    }
    assertEquals((short) 1003, ws.closeStatusCode());
    RecordingListener.sleep(200);
    stats = fixture.sim.stats();
    assertEquals(0, stats.getInteger("muxConnections"), stats.encode());
    assertEquals(0, stats.getInteger("linkingSessions"));
    assertEquals(0, stats.getInteger("openSessions"));
    Await.result(client.close());
  }

  private static JsonObject await(List<JsonObject> frames, Predicate<JsonObject> match) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      for (JsonObject f : frames) {
        if (match.test(f)) {
          return f;
        }
      }
      RecordingListener.sleep(10);
    }
    return fail("no such frame within 5 s: " + frames);
  }

  private List<TestDevice> link(SimulatorEngine engine, String prefix) {
    List<TestDevice> devices = new ArrayList<>();
    for (int i = 0; i < PER_ENGINE; i++) {
      devices.add(TestDevice.linked(engine, fixture.sim, phone(prefix, i)));
    }
    return devices;
  }

  private static String phone(String prefix, int i) {
    return prefix + String.format("%04d", i);
  }
}
