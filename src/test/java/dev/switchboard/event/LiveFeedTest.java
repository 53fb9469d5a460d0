package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.Future;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The WebSocket live feed: who may subscribe, what each subscriber sees, and what happens to a slow one. */
class LiveFeedTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode().withClient("feed-a").withClient("feed-b").withWebSockets();

  /** An open feed and the frames it got. */
  record Feed(WebSocket socket, List<JsonObject> frames) {

    List<JsonObject> frames(String marker) {
      return frames.stream().filter(f -> marker.equals(f.getJsonObject("data").getString("marker"))).toList();
    }
  }

  private static Future<WebSocket> connect(String query, String key) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(bed.node().httpPort())
        .setURI("/api/events/ws" + query);
    if (key != null) {
      options.addHeader("x-api-key", key);
    }
    return bed.ws().connect(options);
  }

  private static Feed open(String query, String key) {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = TestNode.await(connect(query, key).onSuccess(s -> s.textMessageHandler(t -> frames.add(new JsonObject(t)))));
    return new Feed(socket, frames);
  }

  private static int refused(String query, String key) {
    try {
      connect(query, key).await(10, TimeUnit.SECONDS);
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void emit(String clientId, String deviceId, String event, String marker) {
    emit(clientId, deviceId, event, marker, null);
  }

  private static void emit(String clientId, String deviceId, String event, String marker, String pad) {
    JsonObject data = new JsonObject().put("marker", marker);
    if (pad != null) {
      data.put("pad", pad);
    }
    TestNode.await(bed.node().events().emit(clientId, deviceId, event, data));
  }

  @Test
  void eachClientSeesOnlyItsOwnEventsAndTheMasterSeesWhatItAsksFor() {
    Feed a = open("", bed.key("feed-a"));
    Feed b = open("", bed.key("feed-b"));
    Feed all = open("", TestNode.MASTER);
    Feed onlyB = open("?clientId=feed-b", TestNode.MASTER);
    Feed aByItsOwnName = open("?clientId=feed-a", bed.key("feed-a"));
    emit("feed-a", "d1", "message", "iso-1");
    emit("feed-b", "d1", "message", "iso-1");
    emit("feed-a", "d2", "receipt", "iso-1");

    Wait.until("all three on the master's feed", 5_000, () -> all.frames("iso-1"), l -> l.size() == 3);
    Wait.until("a's two", 5_000, () -> a.frames("iso-1"), l -> l.size() == 2);
    Wait.until("a's two, asked by name", 5_000, () -> aByItsOwnName.frames("iso-1"), l -> l.size() == 2);
    Wait.until("b's one", 5_000, () -> b.frames("iso-1"), l -> l.size() == 1);
    Wait.until("b's one on the master's b feed", 5_000, () -> onlyB.frames("iso-1"), l -> l.size() == 1);
    assertTrue(a.frames().stream().allMatch(f -> "feed-a".equals(f.getString("clientId"))), a.frames().toString());
    assertTrue(b.frames().stream().allMatch(f -> "feed-b".equals(f.getString("clientId"))), b.frames().toString());
    assertTrue(onlyB.frames().stream().allMatch(f -> "feed-b".equals(f.getString("clientId"))));
    JsonObject envelope = a.frames("iso-1").get(0);
    assertTrue(envelope.getString("id").startsWith("evt_"));
    assertEquals("message", envelope.getString("event"));
    assertEquals("d1", envelope.getString("deviceId"));
    assertTrue(envelope.containsKey("timestamp"));
    List.of(a, b, all, onlyB, aByItsOwnName).forEach(f -> f.socket().close());
  }

  @Test
  void anEventEmittedAsSoonAsTheFeedIsOpenIsOnIt() {
    // The subscription must be in place when the upgrade is answered, on every try.
    for (int i = 0; i < 25; i++) {
      String marker = "first-" + i;
      Feed feed = open(i % 2 == 0 ? "" : "?clientId=feed-a", i % 2 == 0 ? bed.key("feed-a") : TestNode.MASTER);
      emit("feed-a", "d1", "message", marker);
      Wait.until("the event emitted right after connecting, try " + i, 5_000, () -> feed.frames(marker), l -> l.size() == 1);
      feed.socket().close();
    }
  }

  @Test
  void aTokenInTheQueryWorksLikeTheKeyAndFiltersNarrowTheFeed() {
    String token = bed.api().post("/api/auth/token", bed.key("feed-a"), new JsonObject().put("ttlSeconds", 300)).data().getString("token");
    Feed byToken = open("?token=" + token, null);
    Feed filtered = open("?deviceId=d1&events=message,call", bed.key("feed-a"));
    emit("feed-b", "d1", "message", "tok");
    emit("feed-a", "d2", "message", "tok");
    emit("feed-a", "d1", "receipt", "tok");
    emit("feed-a", "d1", "message", "tok");

    Wait.until("a's three by token", 5_000, () -> byToken.frames("tok"), l -> l.size() == 3);
    assertTrue(byToken.frames().stream().allMatch(f -> "feed-a".equals(f.getString("clientId"))));
    List<JsonObject> narrow = Wait.until("d1's message", 5_000, () -> filtered.frames("tok"), l -> l.size() == 1);
    assertEquals("message", narrow.get(0).getString("event"));
    assertEquals("d1", narrow.get(0).getString("deviceId"));
    byToken.socket().close();
    filtered.socket().close();
  }

  @Test
  void switchedOffEventsAreNotOnTheFeedEither() {
    bed.api().put("/api/clients/feed-b/config", bed.key("feed-b"), new JsonObject().put("events", new JsonObject().put("presence_update", false)));
    Feed b = open("", bed.key("feed-b"));
    emit("feed-b", "d1", "presence_update", "off");
    emit("feed-b", "d1", "message", "off");
    List<JsonObject> got = Wait.until("the message", 5_000, () -> b.frames("off"), l -> !l.isEmpty());
    assertEquals(List.of("message"), got.stream().map(f -> f.getString("event")).toList());
    bed.api().delete("/api/clients/feed-b/config", bed.key("feed-b"));
    b.socket().close();
  }

  @Test
  void badCredentialsAndFiltersAreRefused() {
    assertEquals(401, refused("", null));
    assertEquals(401, refused("?token=not.a.jwt", null));
    assertEquals(401, refused("", "sb_unknown"));
    assertEquals(401, refused("?clientId=feed-b", bed.key("feed-a")), "a client key cannot ask for another client");
    assertEquals(400, refused("?events=message,bogus", bed.key("feed-a")));
    assertEquals(400, refused("?deviceId=bad%20id", bed.key("feed-a")));
    assertEquals(400, refused("?clientId=bad%20id", TestNode.MASTER));
    assertEquals(400, bed.api().get("/api/events/ws", bed.key("feed-a")).status(), "a plain GET is not a WebSocket");
  }

  @Test
  void aRawKeyInTheTokenParameterIsRefusedBeforeTheUpgrade() {
    // URLs land in logs and histories: only a short-lived JWT may stand there, never a key.
    assertEquals(401, refused("?token=" + bed.key("feed-a"), null), "a client key");
    assertEquals(401, refused("?token=" + TestNode.MASTER, null), "the master key");
    assertEquals(401, refused("?token=" + bed.key("feed-a"), bed.key("feed-a")), "a client key, even beside a valid header");
    Api.Response plain = bed.api().get("/api/events/ws?token=" + TestNode.MASTER, null);
    assertEquals(401, plain.status(), plain.toString());
    assertEquals("UNAUTHORIZED", plain.errorCode(), "in the error envelope");
  }

  @Test
  void aBurstOfSmallEventsReachesEveryFeedThatReadsAndClosesNone() {
    // Feeds opened one after another land on the node's event loops in turn, while the rate limit
    // they pass is looked up once and shared: each feed must still be served from its own
    // connection's event loop. Served from another one, its frames queue up between the two loops
    // and a burst reads as a subscriber too slow to keep up (CI once lost a cluster test's feed so).
    List<Feed> feeds = new java.util.ArrayList<>();
    List<Boolean> closed = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 6; i++) {
      Feed feed = open("?events=message", bed.key("feed-a"));
      feed.socket().closeHandler(v -> closed.add(true));
      feeds.add(feed);
    }
    int burst = 3_000;
    List<Future<Void>> emitted = new java.util.ArrayList<>();
    for (int i = 0; i < burst; i++) {
      emitted.add(bed.node().events().emit("feed-a", "d1", "message", new JsonObject().put("marker", "burst")));
    }
    TestNode.await(Future.all(emitted));
    for (Feed feed : feeds) {
      Wait.until("the whole burst on every feed (closed: " + closed.size() + ")", 20_000,
          () -> feed.frames("burst").size(), n -> n == burst || !closed.isEmpty());
    }
    assertEquals(List.of(), closed, "no feed was closed");
    feeds.forEach(f -> assertEquals(burst, f.frames("burst").size()));
    feeds.forEach(f -> f.socket().close());
  }

  @Test
  void aSubscriberThatStopsReadingIsClosedNotBufferedFor() throws IOException {
    // A plain socket with a small receive buffer that reads nothing once upgraded: the kernel's
    // buffers fill, so the gateway sees a subscriber that has stopped reading, as over a slow link.
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(16 * 1024);
      slow.setSoTimeout(30_000);
      slow.connect(new InetSocketAddress("127.0.0.1", bed.node().httpPort()));
      DataInputStream in = upgrade(slow, "/api/events/ws?events=message", bed.key("feed-a"));
      // Sees only receipts, so it never falls behind: when it has the receipt sent after the 400
      // messages, they were all handed to the event loops, and once the node's loops have settled
      // (the slow subscriber's may not be the watcher's) it has long since overflowed.
      Feed watcher = open("?events=receipt", bed.key("feed-a"));
      String big = "x".repeat(100_000);
      for (int i = 0; i < 400; i++) {
        emit("feed-a", "d1", "message", "slow", big);
      }
      emit("feed-a", "d1", "receipt", "slow-done");
      Wait.until("the receipt after the messages", 30_000, () -> watcher.frames("slow-done"), l -> l.size() == 1);
      TestNode.settle(bed.node());
      watcher.socket().close();

      int messages = 0;
      while (true) {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        int opcode = first & 0x0F;
        if (opcode == 0x8) {
          assertEquals(LiveFeed.TOO_SLOW, in.readUnsignedShort(), "the close code");
          break;
        }
        messages += opcode == 0x1 ? 1 : 0;
        in.skipNBytes(length);
      }
      // What got through is what the 1 MiB write queue and the kernel's socket buffers held (57 here).
      assertTrue(messages < 200, "it was dropped, not buffered for: it got " + messages + " messages before the close");
    }
  }

  /** Opens the live feed on a plain socket and returns its stream, positioned at the first frame. */
  private static DataInputStream upgrade(Socket socket, String uri, String key) throws IOException {
    String request = "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nx-api-key: " + key + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.readUnsignedByte());
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
    return in;
  }
}
