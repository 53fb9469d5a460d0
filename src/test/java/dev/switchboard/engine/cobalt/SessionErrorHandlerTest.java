package dev.switchboard.engine.cobalt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineException;
import it.auties.whatsapp.api.ErrorHandler.Location;
import it.auties.whatsapp.api.ErrorHandler.Result;
import it.auties.whatsapp.exception.HmacValidationException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Our answer to Cobalt's errors: which end the session, and how failures read to an operator. */
class SessionErrorHandlerTest {

  @Test
  void connectionBreakingErrorsEndTheSessionAndNothingIsLeftToCobalt() {
    List<String> fatal = new ArrayList<>();
    List<String> remembered = new ArrayList<>();
    SessionErrorHandler handler = new SessionErrorHandler("acme/d", fatal::add, remembered::add);

    assertEquals(Result.DISCARD, handler.handleError(null, Location.RECONNECT, new ConnectException("refused")));
    assertEquals(Result.DISCARD, handler.handleError(null, Location.HISTORY_SYNC, new IllegalStateException("odd")));
    assertEquals(Result.DISCARD, handler.handleError(null, Location.CRYPTOGRAPHY, new RuntimeException("Detected a bad mac")));
    assertEquals(List.of("reconnecting to WhatsApp failed: refused",
        "WhatsApp reported broken encryption (bad MAC): Detected a bad mac"), fatal);
    assertEquals(3, remembered.size(), "every error becomes the session's last error");
    assertEquals("history_sync: odd", remembered.get(1));

    assertTrue(SessionErrorHandler.isFatal(Location.LOGIN, new RuntimeException()));
    assertTrue(SessionErrorHandler.isFatal(Location.STREAM, new RuntimeException()));
    assertTrue(SessionErrorHandler.isFatal(Location.MESSAGE, new CompletionException(new HmacValidationException("x"))));
    assertFalse(SessionErrorHandler.isFatal(Location.MESSAGE, new RuntimeException("no session for a sender")));
    assertFalse(SessionErrorHandler.isFatal(Location.MEDIA_CONNECTION, new RuntimeException()));
  }

  @Test
  void failuresReadAsTheirCause() {
    Throwable dns = new CompletionException(new ConnectException() {
      {
        initCause(new UnresolvedAddressException());
      }
    });
    assertEquals("web.whatsapp.com cannot be resolved (no network or no DNS)", SessionErrorHandler.network(dns));
    assertTrue(SessionErrorHandler.network(new ConnectException("Connection refused")).contains("refused"));

    assertEquals("ENGINE_ERROR", SessionErrorHandler.toEngine("send", new TimeoutException(), 90_000).code());
    assertTrue(SessionErrorHandler.toEngine("send", new TimeoutException(), 90_000).getMessage().contains("90 s"));
    assertEquals("DEVICE_NOT_CONNECTED", SessionErrorHandler.toEngine("send",
        new CompletionException(new IllegalStateException("Instance is not connected")), 1000).code());
    assertEquals("VALIDATION_ERROR", SessionErrorHandler.toEngine("group_leave",
        new IllegalArgumentException("Expected a group"), 1000).code());
    EngineException own = new EngineException("NOT_FOUND", "x");
    assertEquals(own, SessionErrorHandler.toEngine("send", new CompletionException(own), 1000));
  }
}
