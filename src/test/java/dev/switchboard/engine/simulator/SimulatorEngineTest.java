package dev.switchboard.engine.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineEvent;
import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.OutboundMessage;
import dev.switchboard.simulator.Await;
import dev.switchboard.simulator.MemoryCredentialStore;
import dev.switchboard.simulator.RecordingListener;
import dev.switchboard.simulator.SimControl;
import dev.switchboard.simulator.SimulatorFixture;
import dev.switchboard.simulator.SimulatorOptions;
import dev.switchboard.simulator.TestDevice;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator engine as the gateway uses it: linking, resuming, faults and messaging over real sockets. */
@ExtendWith(VertxExtension.class)
class SimulatorEngineTest {

  private static final String DEVICE = "15550000001";
  private static final String OTHER_DEVICE = "15550000002";
  private static final String ALICE = "972500000001";
  private static final String BOB = "966500000002";

  private SimulatorFixture fixture;
  private SimControl sim;
  private SimulatorEngine engine;

  /** The engine's multiplexed WebSockets; 0: one per device. */
  int connections() {
    return 0;
  }

  @BeforeEach
  void start(Vertx vertx) {
    fixture = SimulatorFixture.start(vertx, SimulatorOptions.onPort(0), connections());
    sim = fixture.sim;
    engine = fixture.engine;
  }

  @AfterEach
  void stop() {
    fixture.stop();
  }

  @Test
  void linksByQrAndStoresTheIssuedCredentials() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    assertNotNull(device.store().credentials());
    assertEquals(1, sim.stats().getInteger("connectedSessions"));
    assertTrue(device.listener().wrongThread.isEmpty(), "listener called off the Vert.x context");
  }

  @Test
  void anEventNotAcknowledgedComesAgainWithItsKeyOnTheNextConnectionAndNotAfterItsAcknowledged() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    device.listener().acknowledge = false;
    String id = sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("type", "text").put("text", "kept until stored"))
        .getString("messageId");
    EngineEvent first = device.listener().event("message", e -> id.equals(e.data().getString("messageId")));
    assertNotNull(first.key(), "the network names its events");
    sim.ok("/sim/faults", new JsonObject().put("phone", DEVICE).put("kind", "disconnect"));
    device.listener().disconnected();

    TestDevice again = TestDevice.open(engine, device.store());
    EngineEvent second = again.listener().event("message", e -> id.equals(e.data().getString("messageId")));
    assertEquals(first.key(), second.key(), "a redelivery carries the same key");
    assertEquals(first.data(), second.data());
    // Acknowledged this time (the listener stores it): a later connection does not get it again.
    RecordingListener.sleep(200);
    sim.ok("/sim/faults", new JsonObject().put("phone", DEVICE).put("kind", "disconnect"));
    again.listener().disconnected();
    TestDevice third = TestDevice.open(engine, device.store());
    assertEquals(DEVICE, third.listener().connected());
    RecordingListener.sleep(500);
    assertTrue(third.listener().events.stream().noneMatch(e -> id.equals(e.data().getString("messageId"))),
        "an acknowledged event is not delivered again");
  }

  @Test
  void openFailsWhenTheSimulatorIsUnreachable(Vertx vertx) {
    SimulatorEngine nowhere = new SimulatorEngine(vertx, "http://127.0.0.1:1", connections());
    EngineException unreachable = failure(() -> TestDevice.open(nowhere, new MemoryCredentialStore()));
    assertEquals("ENGINE_ERROR", unreachable.code());
    Await.result(nowhere.close());
  }

  @Test
  void linksByPairingCode() {
    TestDevice device = TestDevice.open(engine, new MemoryCredentialStore());
    String code = device.await(device.session().requestPairingCode(DEVICE));
    assertTrue(code.matches("[A-Z0-9]{4}-[A-Z0-9]{4}"), code);
    assertEquals(404, sim.post("/sim/pair-code", new JsonObject().put("code", "AAAA-AAAA").put("phone", DEVICE)).statusCode());
    sim.ok("/sim/pair-code", new JsonObject().put("code", code).put("phone", DEVICE));
    assertEquals(DEVICE, device.listener().connected());
    assertNotNull(device.store().credentials());
  }

  @Test
  void resumesFromStoredCredentialsWithoutQr() {
    TestDevice first = TestDevice.linked(engine, sim, DEVICE);
    first.await(first.session().disconnect());
    TestDevice again = TestDevice.open(engine, first.store());
    assertEquals(DEVICE, again.listener().connected());
    assertTrue(again.listener().qrs.isEmpty());
    assertTrue(first.listener().disconnects.isEmpty(), "an own disconnect is not reported back");
  }

  @Test
  void logoutFaultEndsLoggedOutAndTheCredentialsAreRefusedAfterwards() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    byte[] oldCredentials = device.store().credentials();
    sim.ok("/sim/faults", new JsonObject().put("phone", DEVICE).put("kind", "logout"));
    RecordingListener.Disconnect disconnect = device.listener().disconnected();
    assertTrue(disconnect.loggedOut());
    assertNull(device.store().credentials(), "dead credentials are deleted");

    TestDevice resumed = TestDevice.open(engine, new MemoryCredentialStore(oldCredentials));
    assertTrue(resumed.listener().disconnected().loggedOut());
    assertTrue(resumed.listener().connections.isEmpty());
  }

  @Test
  void ownLogoutKillsTheCredentials() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    byte[] oldCredentials = device.store().credentials();
    device.await(device.session().logout());
    assertNull(device.store().credentials());
    TestDevice resumed = TestDevice.open(engine, new MemoryCredentialStore(oldCredentials));
    assertTrue(resumed.listener().disconnected().loggedOut());
  }

  @Test
  void disconnectFaultIsReportedForReconnectAndTheDeviceResumes() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    sim.ok("/sim/faults", new JsonObject().put("phone", DEVICE).put("kind", "disconnect"));
    assertFalse(device.listener().disconnected().loggedOut());
    EngineException closed = failure(() -> device.await(device.session().onWhatsApp(ALICE)));
    assertEquals("DEVICE_NOT_CONNECTED", closed.code());

    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("text", "while you were away"));
    TestDevice again = TestDevice.open(engine, device.store());
    assertEquals(DEVICE, again.listener().connected());
    assertEquals("while you were away", again.listener().event("message").data().getString("text"));
  }

  @Test
  void aSecondConnectionOfOneCredentialCountsAsConflictAndReplacesTheFirst() {
    TestDevice first = TestDevice.linked(engine, sim, DEVICE);
    TestDevice second = TestDevice.open(engine, new MemoryCredentialStore(first.store().credentials()));
    assertEquals(DEVICE, second.listener().connected());
    RecordingListener.Disconnect kicked = first.listener().disconnected();
    assertEquals("replaced", kicked.reason());
    assertFalse(kicked.loggedOut());
    assertEquals(1, sim.stats().getInteger("conflicts"));
    assertEquals(1, sim.stats().getInteger("connectedSessions"));
  }

  @Test
  void messagesReachEveryDeviceOfAPhoneUntilItsLastOneLogsOut() {
    TestDevice first = TestDevice.linked(engine, sim, DEVICE);
    TestDevice second = TestDevice.linked(engine, sim, DEVICE);
    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("type", "text").put("text", "to both").put("messageId", "B1"));
    assertEquals("to both", message(first, "B1").getString("text"));
    assertEquals("to both", message(second, "B1").getString("text"));

    first.await(first.session().logout());
    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("type", "text").put("text", "to one").put("messageId", "B2"));
    assertEquals("to one", message(second, "B2").getString("text"));
    assertTrue(sim.inbox(DEVICE).isEmpty(), "a phone with a device left is still a device");

    second.await(second.session().logout());
    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("type", "text").put("text", "to none").put("messageId", "B3"));
    JsonArray inbox = sim.inbox(DEVICE);
    assertEquals(1, inbox.size(), "with its last device logged out the phone is a person again: " + inbox);
    assertEquals("B3", inbox.getJsonObject(0).getString("messageId"));
    assertTrue(first.listener().events.stream().noneMatch(e -> "B2".equals(e.data().getString("messageId"))));
  }

  @Test
  void personToDeviceMessagesArriveWithTheirFields() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    String text = "שלום عالم 👋🏽 héllo";
    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("type", "text").put("text", text).put("messageId", "A1"));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3};
    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("type", "image").put("messageId", "A2")
        .put("media", Base64.getEncoder().encodeToString(png)).put("mimeType", "image/png").put("caption", "קפה"));
    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE).put("type", "poll").put("messageId", "A3")
        .put("question", "Lunch?").put("options", new JsonArray().add("pizza").add("falafel")).put("multiple", true));
    sim.sendAs(ALICE, new JsonObject().put("to", DEVICE + "@s.whatsapp.net").put("type", "location").put("messageId", "A4")
        .put("latitude", 32.0853).put("longitude", 34.7818).put("name", "Tel Aviv"));

    JsonObject textEvent = message(device, "A1");
    assertEquals(text, textEvent.getString("text"));
    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), textEvent.getString("text").getBytes(StandardCharsets.UTF_8));
    assertEquals(ALICE + "@s.whatsapp.net", textEvent.getString("from"));
    assertEquals(ALICE + "@s.whatsapp.net", textEvent.getString("chatId"));
    assertFalse(textEvent.getBoolean("isGroup"));
    assertNotNull(textEvent.getString("timestamp"));

    JsonObject image = message(device, "A2");
    assertEquals("image", image.getString("type"));
    assertArrayEquals(png, Base64.getDecoder().decode(image.getString("media")));
    assertEquals("image/png", image.getString("mimeType"));
    assertEquals("קפה", image.getString("caption"));

    JsonObject poll = message(device, "A3");
    assertEquals("Lunch?", poll.getString("question"));
    assertEquals(new JsonArray().add("pizza").add("falafel"), poll.getJsonArray("options"));
    assertTrue(poll.getBoolean("multiple"));

    JsonObject location = message(device, "A4");
    assertEquals(32.0853, location.getDouble("latitude"));
    assertEquals(34.7818, location.getDouble("longitude"));
    assertEquals("Tel Aviv", location.getString("name"));
  }

  @Test
  void deviceToPersonMessagesArriveWithTheirFields() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    String text = "مرحبا بالعالم 🌍 עברית";
    send(device, "D1", ALICE, "text", new JsonObject().put("text", text).put("mentions", new JsonArray().add(BOB)));
    byte[] pdf = "%PDF-1.7 bytes".getBytes(StandardCharsets.UTF_8);
    send(device, "D2", ALICE, "file", new JsonObject().put("media", Base64.getEncoder().encodeToString(pdf))
        .put("mimeType", "application/pdf").put("fileName", "דוח.pdf").put("caption", "report").put("replyTo", "A1"));
    send(device, "D3", ALICE, "poll", new JsonObject().put("question", "¿Sí?")
        .put("options", new JsonArray().add("sí").add("no")));
    send(device, "D4", ALICE, "location", new JsonObject().put("latitude", -33.8688).put("longitude", 151.2093)
        .put("address", "Sydney"));

    JsonArray inbox = sim.inbox(ALICE);
    assertEquals(4, inbox.size());
    JsonObject first = inbox.getJsonObject(0);
    assertEquals("D1", first.getString("messageId"));
    assertEquals(DEVICE, first.getString("from"));
    assertEquals(DEVICE, first.getString("chatId"));
    assertEquals(text, first.getString("text"));
    assertEquals(new JsonArray().add(BOB), first.getJsonArray("mentions"));
    JsonObject file = inbox.getJsonObject(1);
    assertArrayEquals(pdf, Base64.getDecoder().decode(file.getString("media")));
    assertEquals("דוח.pdf", file.getString("fileName"));
    assertEquals("application/pdf", file.getString("mimeType"));
    assertEquals("A1", file.getString("replyTo"));
    assertEquals(new JsonArray().add("sí").add("no"), inbox.getJsonObject(2).getJsonArray("options"));
    assertFalse(inbox.getJsonObject(2).getBoolean("multiple"));
    assertEquals(-33.8688, inbox.getJsonObject(3).getDouble("latitude"));
    assertEquals("Sydney", inbox.getJsonObject(3).getString("address"));
  }

  @Test
  void aResentIdIsDeliveredOnce() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    send(device, "SAME", ALICE, "text", new JsonObject().put("text", "once"));
    send(device, "SAME", ALICE, "text", new JsonObject().put("text", "once"));
    assertEquals(1, sim.inbox(ALICE).size());
    assertEquals(1, sim.stats().getInteger("duplicatesDropped"));
    assertEquals(1, sim.stats().getInteger("messagesRouted"));
  }

  @Test
  void receiptsFromPeopleReachTheSendingDevice() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    send(device, "R1", ALICE, "text", new JsonObject().put("text", "read me"));
    sim.ok("/sim/phones/" + ALICE + "/receipts", new JsonObject().put("messageId", "R1").put("status", "READ"));
    EngineEvent read = device.listener().event("receipt", e -> "R1".equals(e.data().getString("messageId")));
    assertEquals("READ", read.data().getString("status"));
    assertEquals(ALICE + "@s.whatsapp.net", read.data().getString("by"));

    sim.ok("/sim/phones/" + BOB + "/auto-receipts", new JsonObject().put("delivered", true).put("read", true));
    send(device, "R2", BOB, "text", new JsonObject().put("text", "auto"));
    device.listener().event("receipt", e -> "R2".equals(e.data().getString("messageId"))
        && "DELIVERED".equals(e.data().getString("status")));
    device.listener().event("receipt", e -> "R2".equals(e.data().getString("messageId"))
        && "READ".equals(e.data().getString("status")));
  }

  @Test
  void groupMessagesFanOutToPeopleAndDevices() {
    TestDevice owner = TestDevice.linked(engine, sim, DEVICE);
    TestDevice member = TestDevice.linked(engine, sim, OTHER_DEVICE);
    JsonObject group = owner.await(owner.session().createGroup("Family 👨‍👩‍👧",
        List.of(ALICE + "@s.whatsapp.net", BOB, OTHER_DEVICE + "@s.whatsapp.net")));
    String groupId = group.getString("groupId");
    assertTrue(groupId.endsWith("@g.us"));
    assertEquals(4, group.getJsonArray("participants").size());
    member.listener().event("group_update", e -> groupId.equals(e.data().getString("groupId")));

    send(owner, "G1", groupId, "text", new JsonObject().put("text", "hello all"));
    for (String person : List.of(ALICE, BOB)) {
      JsonObject received = sim.inbox(person).getJsonObject(0);
      assertEquals(groupId, received.getString("chatId"));
      assertEquals(DEVICE, received.getString("from"));
    }
    JsonObject atMember = message(member, "G1");
    assertTrue(atMember.getBoolean("isGroup"));
    assertEquals(groupId, atMember.getString("chatId"));

    sim.sendAs(ALICE, new JsonObject().put("to", groupId).put("text", "hi back").put("messageId", "G2"));
    assertEquals(ALICE + "@s.whatsapp.net", message(owner, "G2").getString("from"));
    message(member, "G2");

    JsonArray results = owner.await(owner.session().updateParticipants(groupId, "remove", List.of(BOB)));
    assertEquals("200", results.getJsonObject(0).getString("status"));
    member.listener().event("group_participants_update", e -> "remove".equals(e.data().getString("action")));
    String code = owner.await(owner.session().inviteCode(groupId));
    assertEquals(3, owner.await(owner.session().groupMetadata(groupId)).getJsonArray("participants").size());
    EngineException notAdmin = failure(() -> member.await(member.session().inviteCode(groupId)));
    assertEquals("NOT_GROUP_ADMIN", notAdmin.code());
    member.await(member.session().leaveGroup(groupId));
    assertEquals(groupId, member.await(member.session().joinGroup(code)).getString("groupId"));
  }

  @Test
  void twoDevicesTalkToEachOtherWithReceipts() {
    TestDevice a = TestDevice.linked(engine, sim, DEVICE);
    TestDevice b = TestDevice.linked(engine, sim, OTHER_DEVICE);
    send(a, "DD1", OTHER_DEVICE + "@s.whatsapp.net", "text", new JsonObject().put("text", "ping 🏓"));
    JsonObject atB = message(b, "DD1");
    assertEquals("ping 🏓", atB.getString("text"));
    assertEquals(DEVICE + "@s.whatsapp.net", atB.getString("from"));
    a.listener().event("receipt", e -> "DELIVERED".equals(e.data().getString("status")));
    b.await(b.session().markRead(atB.getString("chatId"), List.of("DD1")));
    EngineEvent read = a.listener().event("receipt", e -> "READ".equals(e.data().getString("status")));
    assertEquals(OTHER_DEVICE + "@s.whatsapp.net", read.data().getString("by"));
    assertEquals(1, b.await(b.session().contacts()).size());
  }

  @Test
  void onWhatsAppFollowsTheDocumentedRule() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    JsonObject yes = device.await(device.session().onWhatsApp("+" + ALICE));
    assertTrue(yes.getBoolean("exists"));
    assertEquals(ALICE + "@s.whatsapp.net", yes.getString("jid"));
    assertFalse(device.await(device.session().onWhatsApp("9991234567")).getBoolean("exists"));
    EngineException bad = failure(() -> device.await(device.session().onWhatsApp("12")));
    assertEquals("VALIDATION_ERROR", bad.code());
  }

  @Test
  void refusedSendsFailUntilTheFaultIsCleared() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    sim.ok("/sim/faults", new JsonObject().put("phone", DEVICE).put("kind", "refuse_sends"));
    EngineException refused = failure(() -> send(device, "F1", ALICE, "text", new JsonObject().put("text", "x")));
    assertEquals("ENGINE_ERROR", refused.code());
    sim.ok("/sim/faults", new JsonObject().put("phone", DEVICE).put("kind", "refuse_sends").put("enabled", false));
    send(device, "F1", ALICE, "text", new JsonObject().put("text", "x"));
    assertEquals(1, sim.inbox(ALICE).size());
  }

  @Test
  void latencyDelaysTheDevicesTraffic() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    sim.ok("/sim/faults", new JsonObject().put("phone", DEVICE).put("kind", "latency").put("ms", 300));
    long started = System.nanoTime();
    device.await(device.session().onWhatsApp(ALICE));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMs >= 550, "took " + tookMs + " ms");
  }

  @Test
  void callsReactionsAndPresenceReachTheDevice() {
    TestDevice device = TestDevice.linked(engine, sim, DEVICE);
    String callId = sim.ok("/sim/phones/" + ALICE + "/calls", new JsonObject().put("to", DEVICE).put("video", true))
        .getString("callId");
    EngineEvent call = device.listener().event("call");
    assertEquals(callId, call.data().getString("callId"));
    assertTrue(call.data().getBoolean("video"));
    device.await(device.session().rejectCall(callId, ALICE + "@s.whatsapp.net"));
    assertEquals("rejected", sim.list("/sim/phones/" + ALICE + "/calls").getJsonObject(0).getString("status"));

    send(device, "M1", ALICE, "text", new JsonObject().put("text", "react to me"));
    sim.ok("/sim/phones/" + ALICE + "/reactions", new JsonObject().put("chatId", DEVICE).put("messageId", "M1").put("emoji", "❤️"));
    EngineEvent reaction = device.listener().event("reaction");
    assertEquals("M1", reaction.data().getString("messageId"));
    assertEquals("❤️", reaction.data().getString("emoji"));

    sim.ok("/sim/phones/" + ALICE + "/presence", new JsonObject().put("chatId", DEVICE).put("state", "composing"));
    assertEquals("composing", device.listener().event("presence_update").data().getString("state"));
    device.await(device.session().sendPresence(ALICE + "@s.whatsapp.net", "available"));
  }

  private static void send(TestDevice device, String id, String to, String type, JsonObject content) {
    device.await(device.session().send(new OutboundMessage(id, to, type, content)));
  }

  private static JsonObject message(TestDevice device, String messageId) {
    return device.listener().event("message", e -> messageId.equals(e.data().getString("messageId"))).data();
  }

  private static EngineException failure(Runnable call) {
    Throwable thrown = assertThrows(Throwable.class, call::run);
    while (!(thrown instanceof EngineException) && thrown.getCause() != null) {
      thrown = thrown.getCause();
    }
    assertTrue(thrown instanceof EngineException, () -> "not an EngineException: " + call);
    return (EngineException) thrown;
  }
}
