package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator's control API: people, groups, stats, faults and input checks. */
@ExtendWith(VertxExtension.class)
class SimulatorServerTest {

  private static final String DEVICE = "15550000001";
  private static final String ALICE = "972500000001";
  private static final String BOB = "966500000002";

  private SimulatorFixture fixture;
  private SimControl sim;

  @BeforeEach
  void start(Vertx vertx) {
    fixture = SimulatorFixture.start(vertx, 150);
    sim = fixture.sim;
  }

  @AfterEach
  void stop() {
    fixture.stop();
  }

  @Test
  void qrPayloadsRotateAndOnlyTheCurrentOneLinks() {
    TestDevice device = TestDevice.open(fixture.engine, new MemoryCredentialStore());
    String first = device.listener().qr(0);
    String second = device.listener().qr(1);
    assertNotEquals(first, second);
    assertEquals(1, sim.stats().getInteger("linkingSessions"));
    assertEquals(404, sim.post("/sim/pair", new JsonObject().put("qr", first).put("phone", DEVICE)).statusCode());
    // The QR may rotate between reading it and scanning it; scan the newest one shown, as a person would.
    HttpResponse<Buffer> paired = null;
    for (int attempt = 0; attempt < 5 && (paired == null || paired.statusCode() == 404); attempt++) {
      String latest = device.listener().qrs.getLast();
      paired = sim.post("/sim/pair", new JsonObject().put("qr", latest).put("phone", DEVICE));
    }
    assertEquals(200, paired.statusCode());
    assertEquals(DEVICE, paired.bodyAsJsonObject().getString("phone"));
    assertEquals(DEVICE, device.listener().connected());
    int shown = device.listener().qrs.size();
    RecordingListener.sleep(400);
    assertEquals(shown, device.listener().qrs.size(), "no QR after linking");
    assertEquals(0, sim.stats().getInteger("linkingSessions"));
  }

  @Test
  void aPersonSendsInProcessAsThroughTheControlApi() throws Exception {
    String text = "שלום! مرحبا 😀";
    String id = Await.result(fixture.server.send("+" + ALICE, new JsonObject().put("to", BOB).put("text", text)));
    Await.result(fixture.server.send(ALICE, new JsonObject().put("to", BOB).put("text", text).put("messageId", id)));
    JsonArray inbox = sim.inbox(BOB);
    assertEquals(1, inbox.size(), "a resend of the same id is delivered once");
    assertEquals(id, inbox.getJsonObject(0).getString("messageId"));
    assertEquals(ALICE, inbox.getJsonObject(0).getString("from"));
    assertEquals(text, inbox.getJsonObject(0).getString("text"));
    Future<String> refused = fixture.server.send(ALICE, new JsonObject().put("text", "no recipient"));
    Throwable cause = assertThrows(Exception.class, () -> refused.await(15, TimeUnit.SECONDS));
    assertEquals("to is required", cause.getMessage());
  }

  @Test
  void anInboxKeepsItsNewestMessagesAndTheNetworkStillDeliversAResendOnce(Vertx vertx) {
    SimulatorServer small = Await.result(SimulatorServer.start(vertx, SimulatorOptions.onPort(0).withInboxLimit(3)));
    SimControl control = new SimControl(vertx, small.port());
    try {
      String[] ids = new String[5];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = control.sendAs(ALICE, new JsonObject().put("to", BOB).put("text", "m" + i)).getString("messageId");
        control.ok("/sim/phones/" + BOB + "/receipts", new JsonObject().put("messageId", ids[i]).put("status", "READ"));
      }
      JsonArray inbox = control.inbox(BOB);
      assertEquals(3, inbox.size(), "the inbox keeps its newest 3");
      assertEquals(ids[2], inbox.getJsonObject(0).getString("messageId"), "oldest kept first");
      assertEquals("m4", inbox.getJsonObject(2).getString("text"));
      assertEquals(3, control.list("/sim/phones/" + ALICE + "/receipts").size(), "receipts are kept alike");
      assertEquals(404, control.post("/sim/phones/" + BOB + "/receipts",
          new JsonObject().put("messageId", ids[0]).put("status", "READ")).statusCode(), "a dropped message is gone");
      control.sendAs(ALICE, new JsonObject().put("to", BOB).put("text", "m0").put("messageId", ids[0]));
      assertEquals(1, control.stats().getInteger("duplicatesDropped"), "ids are remembered longer than inboxes");
      assertEquals(ids[4], control.inbox(BOB).getJsonObject(2).getString("messageId"));
    } finally {
      control.close();
      Await.result(small.stop());
    }
  }

  @Test
  void peopleTalkToEachOtherByteForByte() {
    String text = "שלום! مرحبا 😀🇮🇱 — ok";
    String id = sim.sendAs(ALICE, new JsonObject().put("to", "+" + BOB).put("text", text)).getString("messageId");
    sim.sendAs(ALICE, new JsonObject().put("to", BOB).put("text", text).put("messageId", id));
    HttpResponse<Buffer> inbox = sim.get("/sim/phones/" + BOB + "/messages");
    byte[] raw = inbox.body().getBytes();
    assertTrue(indexOf(raw, text.getBytes(StandardCharsets.UTF_8)) >= 0, "UTF-8 bytes of the text are in the body");
    JsonArray messages = inbox.bodyAsJsonArray();
    assertEquals(1, messages.size());
    JsonObject message = messages.getJsonObject(0);
    assertEquals(id, message.getString("messageId"));
    assertEquals(ALICE, message.getString("from"));
    assertEquals(ALICE, message.getString("chatId"));
    assertEquals("text", message.getString("type"));
    assertEquals(text, message.getString("text"));
    assertNotNull(message.getString("timestamp"));
    JsonObject stats = sim.stats();
    assertEquals(1, stats.getInteger("messagesRouted"));
    assertEquals(1, stats.getInteger("duplicatesDropped"));

    sim.ok("/sim/phones/" + BOB + "/receipts", new JsonObject().put("messageId", id).put("status", "READ"));
    JsonObject receipt = sim.list("/sim/phones/" + ALICE + "/receipts").getJsonObject(0);
    assertEquals("READ", receipt.getString("status"));
    assertEquals(BOB, receipt.getString("by"));
  }

  @Test
  void everyMessageTypeIsAccepted() {
    JsonArray sent = new JsonArray()
        .add(new JsonObject().put("type", "image").put("caption", "pic"))
        .add(new JsonObject().put("type", "video"))
        .add(new JsonObject().put("type", "audio").put("voice", true))
        .add(new JsonObject().put("type", "file").put("fileName", "a.txt"))
        .add(new JsonObject().put("type", "sticker"))
        .add(new JsonObject().put("type", "contact").put("contacts",
            new JsonArray().add(new JsonObject().put("name", "Dana").put("phone", "+972501234567"))))
        .add(new JsonObject().put("type", "react").put("messageId", "X").put("emoji", "👍"));
    sent.forEach(m -> sim.sendAs(ALICE, ((JsonObject) m).put("to", BOB)));
    JsonArray inbox = sim.inbox(BOB);
    assertEquals(sent.size(), inbox.size());
    assertEquals("pic", inbox.getJsonObject(0).getString("text"));
    assertEquals("image/png", inbox.getJsonObject(0).getString("mimeType"));
    assertNotNull(inbox.getJsonObject(1).getString("media"));
    assertTrue(inbox.getJsonObject(2).getBoolean("voice"));
    assertEquals("a.txt", inbox.getJsonObject(3).getString("fileName"));
    assertEquals("Dana", inbox.getJsonObject(5).getJsonArray("contacts").getJsonObject(0).getString("name"));
    assertEquals("👍", inbox.getJsonObject(6).getString("emoji"));
    assertEquals("X", inbox.getJsonObject(6).getString("targetMessageId"));
  }

  @Test
  void aMultipartBodyIsRefusedWithoutWritingAnythingToTheWorkingDirectory() throws Exception {
    java.nio.file.Path spool = java.nio.file.Path.of("file-uploads");
    if (java.nio.file.Files.isDirectory(spool)) {
      try (var left = java.nio.file.Files.list(spool)) {
        assertEquals(0, left.count(), "an earlier run left files in " + spool.toAbsolutePath());
      }
      java.nio.file.Files.delete(spool);
    }
    String boundary = "sim-boundary";
    var request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + fixture.server.port() + "/sim/phones/" + ALICE + "/messages"))
        .header("content-type", "multipart/form-data; boundary=" + boundary)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\nabc\r\n--" + boundary + "--\r\n"))
        .build();
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      assertEquals(400, http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    }
    assertFalse(java.nio.file.Files.exists(spool), "Vert.x spooled the part into " + spool.toAbsolutePath());
  }

  @Test
  void badInputIsRefusedWithJsonErrors() {
    assertError(400, sim.postRaw("/sim/pair", "{not json"));
    assertError(400, sim.postRaw("/sim/pair", ""));
    assertError(400, sim.post("/sim/pair", new JsonObject().put("qr", "x")));
    assertError(400, sim.post("/sim/pair", new JsonObject().put("qr", "x").put("phone", "12ab")));
    assertError(404, sim.post("/sim/pair", new JsonObject().put("qr", "unknown").put("phone", DEVICE)));
    assertError(404, sim.post("/sim/pair-code", new JsonObject().put("code", "ABCD-EFGH").put("phone", DEVICE)));
    String messages = "/sim/phones/" + ALICE + "/messages";
    assertError(400, sim.post(messages, new JsonObject().put("to", BOB).put("type", "fax")));
    assertError(400, sim.post(messages, new JsonObject().put("to", BOB).put("type", "text")));
    assertError(400, sim.post(messages, new JsonObject().put("to", BOB).put("type", "poll").put("question", "q")
        .put("options", new JsonArray().add("only one"))));
    assertError(400, sim.post(messages, new JsonObject().put("to", BOB).put("type", "location").put("latitude", 91).put("longitude", 0)));
    assertError(404, sim.post(messages, new JsonObject().put("to", "9995551234").put("text", "nobody")));
    assertError(400, sim.post("/sim/phones/" + ALICE + "/receipts", new JsonObject().put("messageId", "x").put("status", "SEEN")));
    assertError(404, sim.post("/sim/phones/" + ALICE + "/receipts", new JsonObject().put("messageId", "x").put("status", "READ")));
    assertError(404, sim.post("/sim/faults", new JsonObject().put("phone", ALICE).put("kind", "logout")));
    assertError(400, sim.post("/sim/phones/" + ALICE + "/presence", new JsonObject().put("chatId", BOB).put("state", "dancing")));
    assertError(400, sim.post("/sim/groups", new JsonObject().put("owner", ALICE)));
    assertError(404, sim.post(messages, new JsonObject().put("to", "123@g.us").put("text", "hi")));
    assertError(404, sim.post("/sim/nothing-here", new JsonObject()));
  }

  @Test
  void groupsCreatedByAPersonReachMemberDevices() {
    TestDevice device = TestDevice.linked(fixture.engine, sim, DEVICE);
    JsonObject group = sim.ok("/sim/groups", new JsonObject().put("owner", ALICE).put("subject", "Book club 📚")
        .put("participants", new JsonArray().add(BOB).add(DEVICE)));
    String groupId = group.getString("groupId");
    assertTrue(group.getJsonArray("admins").contains(ALICE + "@s.whatsapp.net"));
    assertEquals("Book club 📚",
        device.listener().event("group_update", e -> groupId.equals(e.data().getString("groupId"))).data().getString("subject"));
    JsonArray groups = device.await(device.session().groups());
    assertEquals(groupId, groups.getJsonObject(0).getString("groupId"));
    assertEquals(3, groups.getJsonObject(0).getInteger("participantCount"));

    sim.sendAs(BOB, new JsonObject().put("to", groupId).put("text", "chapter 3?").put("messageId", "B1"));
    assertEquals(groupId, device.listener().event("message").data().getString("chatId"));
    assertEquals("B1", sim.inbox(ALICE).getJsonObject(0).getString("messageId"));
    assertEquals(0, sim.inbox(BOB).size(), "the sender does not receive its own group message");
    assertEquals(2, sim.stats().getInteger("messagesRouted"));
  }

  @Test
  void resetForgetsEverythingAndDropsDevices() {
    TestDevice device = TestDevice.linked(fixture.engine, sim, DEVICE);
    sim.sendAs(ALICE, new JsonObject().put("to", BOB).put("text", "before reset"));
    sim.ok("/sim/reset", new JsonObject());
    assertFalse(device.listener().disconnected().loggedOut());
    assertEquals(0, sim.inbox(BOB).size());
    JsonObject stats = sim.stats();
    assertEquals(0, stats.getInteger("connectedSessions"));
    assertEquals(0, stats.getInteger("messagesRouted"));
    assertEquals(0, stats.getInteger("conflicts"));
  }

  private static void assertError(int status, HttpResponse<Buffer> response) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertNotNull(response.bodyAsJsonObject().getString("error"), response::bodyAsString);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
