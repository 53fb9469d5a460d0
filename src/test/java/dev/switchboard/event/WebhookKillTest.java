package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Api;
import dev.switchboard.support.NodeProcess;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.Wait;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pending webhook deliveries survive a kill -9 of their node: after a restart every event is delivered. */
class WebhookKillTest {

  @RegisterExtension
  final TestBed bed = TestBed.database().withSim(20_000);

  @Test
  void everyPendingEventIsDeliveredAfterTheNodeIsKilledAndRestarted() throws Exception {
    int events = 40;
    try (Api simControl = EventKit.simControl(bed.sim()); Receiver receiver = new Receiver()) {
      NodeProcess node = bed.startProcess("events-k9");
      int port = node.port();
      // Ten attempts hang (in flight, under a lease, when the node dies); the rest fail and wait for a retry.
      AtomicInteger hanging = new AtomicInteger(10);
      receiver.answer(hit -> hanging.getAndDecrement() > 0 ? null : Receiver.Answer.status(503));
      String key;
      try (Api api = new Api(port)) {
        key = api.clientWithKey("k9ev");
        EventKit.link(api, bed.sim(), key, "k9ev", "d", "15554410001");
        EventKit.configure(api, key, "k9ev", new JsonObject().put("webhookUrl", receiver.url())
            .put("events", new JsonObject().put("device_status", false).put("receipt", false)));
        for (int i = 0; i < events; i++) {
          EventKit.say(simControl, "15554419999", "15554410001", "before the crash " + i);
        }
        Wait.until("all " + events + " stored and pending", 10_000,
            () -> api.get("/api/clients/k9ev/webhook-deliveries?status=pending&limit=200", key).data().getJsonArray("items").size(),
            n -> n == events);
        Wait.until("attempts under way", 10_000, receiver::hits, l -> l.size() >= 20);
      }
      node.kill9();

      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      receiver.answer(hit -> {
        acknowledged.add(hit.headers().get("webhook-id"));
        return Receiver.Answer.ok();
      });
      NodeProcess again = bed.startProcess("events-k9");
      try (Api api = new Api(port)) {
        Wait.until("every event acknowledged", 30_000, () -> acknowledged.size(), n -> n == events);
        Wait.until("every delivery recorded as delivered", 10_000,
            () -> api.get("/api/clients/k9ev/webhook-deliveries?status=delivered&limit=200", key).data().getJsonArray("items").size(),
            n -> n == events);
        assertEquals(0, api.get("/api/clients/k9ev/webhook-deliveries?status=pending", key).data().getJsonArray("items").size());
      } finally {
        again.terminate();
      }
    }
  }

  /**
   * Messages that reach a node in the moment it dies are not lost: the node acknowledges each to the
   * network only once its event is stored, the network delivers the rest again when the device
   * resumes, and the event's id (derived from the network's) stores each once.
   */
  @Test
  void everyInboundMessageInFlightAtAKill9ReachesTheWebhookAsOneEvent() throws Exception {
    int messages = 600;
    try (Api simControl = EventKit.simControl(bed.sim()); Receiver receiver = new Receiver()) {
      NodeProcess node = bed.startProcess("inbound-k9");
      int port = node.port();
      String key;
      try (Api api = new Api(port)) {
        key = api.clientWithKey("k9in");
        EventKit.link(api, bed.sim(), key, "k9in", "d", "15554420001");
        EventKit.configure(api, key, "k9in", new JsonObject().put("webhookUrl", receiver.url())
            .put("events", new JsonObject().put("device_status", false).put("receipt", false).put("message_sent", false)));
      }
      List<String> sent = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      ExecutorService people = Executors.newFixedThreadPool(8);
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int p = 0; p < 8; p++) {
        String person = "1555442100" + p;
        done.add(people.submit(() -> {
          try (Api control = EventKit.simControl(bed.sim())) {
            for (int i = 0; i < messages / 8; i++) {
              sent.add(EventKit.say(control, person, "15554420001", "in flight " + i));
            }
          }
        }));
      }
      // The kill comes mid-stream, while messages are between the network and the database.
      Wait.until("a third of the messages at the webhook", 30_000, () -> receiver.hits("message").size(), n -> n >= messages / 3);
      node.kill9();
      for (var f : done) {
        f.get();
      }
      people.shutdown();

      NodeProcess again = bed.startProcess("inbound-k9");
      try {
        Wait.until("every message at the webhook", 60_000, () -> receiver.messageEventIds().keySet().containsAll(sent),
            all -> all);
        Map<String, Set<String>> eventIdsByMessage = receiver.messageEventIds();
        assertEquals(messages, sent.size());
        for (String id : sent) {
          assertEquals(1, eventIdsByMessage.get(id).size(), "message " + id + " is one event");
        }
      } finally {
        again.terminate();
      }
    }
  }
}
