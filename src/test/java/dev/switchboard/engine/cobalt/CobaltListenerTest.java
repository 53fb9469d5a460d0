package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.ALICE;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineEvent;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.controller.ControllerSerializer;
import it.auties.whatsapp.model.call.CallBuilder;
import it.auties.whatsapp.model.call.CallStatus;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.node.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The glue between Cobalt's callbacks and the session: what is passed on, what is dropped. */
class CobaltListenerTest {

  private static final class RecordingSink implements CobaltListener.Sink {
    boolean ended;
    final List<String> logins = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<EngineEvent> events = new ArrayList<>();
    int paired;

    @Override
    public boolean ended() {
      return ended;
    }

    @Override
    public void loggedIn(String phone) {
      logins.add(phone);
    }

    @Override
    public void paired() {
      paired++;
    }

    @Override
    public void failure(String reason) {
      failures.add(reason);
    }

    @Override
    public void event(EngineEvent event) {
      events.add(event);
    }
  }

  /** A real Cobalt instance that never connects: what the callbacks receive as {@code api}. */
  private static Whatsapp offlineInstance() {
    Whatsapp wa = Whatsapp.webBuilder().serializer(ControllerSerializer.discarding())
        .newConnection(UUID.randomUUID()).unregistered(qr -> { });
    wa.store().setJid(SELF.withDevice(4));
    return wa;
  }

  @Test
  void callbacksBecomeSessionReportsAndEvents() {
    Whatsapp wa = offlineInstance();
    RecordingSink sink = new RecordingSink();
    CobaltListener listener = new CobaltListener("acme/d", sink);

    listener.onLoggedIn(wa);
    assertEquals(List.of("15550000001"), sink.logins, "the phone number, without device");

    listener.onNodeReceived(wa, Node.of("iq", Map.of("type", "set"), Node.of("pair-success")));
    assertEquals(1, sink.paired);
    listener.onNodeReceived(wa, Node.of("failure", Map.of("reason", "403")));
    assertTrue(sink.failures.getFirst().startsWith("banned"), sink.failures.toString());

    listener.onNodeReceived(wa, Node.of("receipt", Map.of("id", "M1", "from", ALICE, "type", "read")));
    listener.onNewMessage(wa, CobaltFixtures.received(ALICE, ALICE, "IN1", MessageContainer.of("hi")));
    listener.onNewMessage(wa, CobaltFixtures.info(ALICE, SELF, "ECHO", MessageContainer.of("from my phone"), true));
    listener.onCall(wa, new CallBuilder().id("C1").chatJid(ALICE).callerJid(ALICE).status(CallStatus.RINGING)
        .timestampSeconds(CobaltFixtures.T).build());
    assertEquals(List.of("receipt", "message", "call"), sink.events.stream().map(EngineEvent::type).toList());
    assertEquals("IN1", sink.events.get(1).data().getString("messageId"));

    // Once the session has ended nothing more is passed on, but failures are still remembered.
    sink.ended = true;
    listener.onNewMessage(wa, CobaltFixtures.received(ALICE, ALICE, "LATE", MessageContainer.of("late")));
    listener.onNodeReceived(wa, Node.of("presence", Map.of("from", ALICE)));
    listener.onNodeReceived(wa, Node.of("failure", Map.of("reason", "401")));
    assertEquals(3, sink.events.size());
    assertEquals(2, sink.failures.size());
  }
}
