package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node process killed with kill -9 right after a burst of accepted sends loses none and doubles none. */
class SendCrashTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000);

  static final int SENDS = 300;

  @Test
  void everyAcceptedSendArrivesExactlyOnceAfterKill9() throws Exception {
    // Paced at 100/s, so most of the burst is still queued (and some of it in flight) at the kill.
    NodeProcess node = bed.startProcess("crash", "--send-rate", "100");
    int port = node.port();
    List<String> accepted = new ArrayList<>();
    String key;
    try (Api api = new Api(port)) {
      key = api.clientWithKey("crash");
      Devices.link(api, bed.sim(), key, "crash", "d", "15557770000");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Api.Response>> sends = new ArrayList<>();
      for (int i = 0; i < SENDS; i++) {
        JsonObject body = new JsonObject().put("to", "1555778" + String.format("%04d", i % 3)).put("text", "burst #" + i);
        sends.add(pool.submit(() -> api.post("/api/clients/crash/devices/d/messages/text", key, body)));
      }
      for (Future<Api.Response> f : sends) {
        Api.Response r = f.get();
        assertEquals(202, r.status(), r.toString());
        accepted.add(r.data().getString("messageId"));
      }
      pool.shutdown();
    }
    node.kill9();
    int before = countReceived(bed.sim());
    assertTrue(before < SENDS, "the kill came while sends were still queued (" + before + " of " + SENDS + " out)");

    NodeProcess again = bed.startProcess("crash", "--send-rate", "100");
    try {
      Wait.until("all " + SENDS + " sends delivered", 60_000, () -> countReceived(bed.sim()), n -> n >= SENDS);
      Map<String, Integer> seen = new HashMap<>();
      for (int r = 0; r < 3; r++) {
        JsonArray items = bed.sim().received("1555778" + String.format("%04d", r));
        items.forEach(o -> seen.merge(((JsonObject) o).getString("messageId"), 1, Integer::sum));
      }
      for (String id : accepted) {
        assertEquals(1, seen.getOrDefault(id, 0), "message " + id + " arrived exactly once");
      }
      assertEquals(SENDS, seen.size(), "nothing arrived that was not accepted");
      try (Api api = new Api(port)) {
        Devices.awaitStatus(api, key, "crash", "d", "CONNECTED");
        String last = accepted.get(accepted.size() - 1);
        Wait.until("the last message recorded as sent", 10_000,
            () -> api.get("/api/clients/crash/devices/d/messages/" + last, key).data().getString("status"),
            s -> !s.equals("QUEUED"));
      }
      assertEquals(0, bed.sim().stats().getInteger("conflicts"));
    } finally {
      again.terminate();
    }
  }

  private static int countReceived(Sim sim) {
    int n = 0;
    for (int r = 0; r < 3; r++) {
      n += sim.received("1555778" + String.format("%04d", r)).size();
    }
    return n;
  }
}
