package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Requests that HTTP clients would never send, written byte by byte on a raw socket: each gets a 4xx
 * in the error envelope, and none leaves a warning or an error in the node's log.
 */
class MalformedRequestTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode();

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    log.start();
    root().addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    root().detachAppender(log);
  }

  /** A response read off the socket: status line, headers, body. */
  record Raw(int status, String head, String body) {

    JsonObject json() {
      return new JsonObject(body);
    }

    String code() {
      return json().getJsonObject("error").getString("code");
    }
  }

  @Test
  void aMalformedPercentEscapeAnywhereInThePathIs400InTheEnvelope() {
    for (String path : List.of("/api/health%zz", "/api/clients/%u0000/config", "/api/clients/acme%/devices",
        "/api/clients/acme/devices/d/chats/%e/messages", "/api/clients/acme/devices/d/on-whatsapp/%%31",
        "/docs/%zz", "/api/nothing%zz")) {
      for (String key : List.of("", "x-api-key: " + TestNode.MASTER + "\r\n")) {
        Raw r = send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + key + "Connection: close\r\n\r\n");
        assertEquals(400, r.status(), path + " -> " + r);
        assertEquals("VALIDATION_ERROR", r.code(), r.toString());
      }
    }
    noWarningsLogged();
  }

  @Test
  void anHttp11RequestWithoutAHostHeaderIs400InTheEnvelope() {
    for (String path : List.of("/api/health", "/api/clients")) {
      Raw r = send("GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n");
      assertEquals(400, r.status(), r.toString());
      assertEquals("VALIDATION_ERROR", r.code(), r.toString());
    }
    noWarningsLogged();
  }

  @Test
  void anExpectationTheServerCannotMeetIs400InTheEnvelope() {
    String body = "{\"clientId\":\"expect\"}";
    Raw r = send("POST /api/clients HTTP/1.1\r\nHost: x\r\nx-api-key: " + TestNode.MASTER
        + "\r\nContent-Type: application/json\r\nExpect: 999-nope\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n\r\n" + body);
    assertEquals(400, r.status(), r.toString());
    assertEquals("VALIDATION_ERROR", r.code(), r.toString());
    noWarningsLogged();
  }

  @Test
  void requestsTheHttpDecoderRefusesAreAnsweredInTheEnvelope() {
    Raw garbage = send("THIS IS NOT HTTP\r\n\r\n");
    assertEquals(400, garbage.status(), garbage.toString());
    assertEquals("VALIDATION_ERROR", garbage.code());

    Raw badHeader = send("GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n");
    assertEquals(400, badHeader.status(), badHeader.toString());
    assertEquals("VALIDATION_ERROR", badHeader.code());

    Raw longUri = send("GET /api/health?" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(414, longUri.status(), longUri.toString());
    assertEquals("VALIDATION_ERROR", longUri.code());

    Raw bigHeaders = send("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertEquals(431, bigHeaders.status(), bigHeaders.toString());
    assertEquals("VALIDATION_ERROR", bigHeaders.code());
    noWarningsLogged();
  }

  @Test
  void aFiveThousandCharacterIdInThePathIs400() {
    Raw r = send("GET /api/clients/" + "i".repeat(5_000) + "/config HTTP/1.1\r\nHost: x\r\nx-api-key: "
        + TestNode.MASTER + "\r\nConnection: close\r\n\r\n");
    assertEquals(400, r.status(), r.toString());
    assertEquals("VALIDATION_ERROR", r.code());
  }

  private void noWarningsLogged() {
    List<String> loud = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertEquals(List.of(), loud);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** Writes {@code request} as is and reads the one response (the node closes the connection after it). */
  static Raw send(String request) {
    try (Socket socket = new Socket("127.0.0.1", bed.node().httpPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new IllegalStateException(request.substring(0, Math.min(80, request.length())), e);
    }
  }

  /** One response: up to its Content-Length, or to the end of the stream. */
  private static Raw read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int headEnd = -1;
    int length = -1;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (java.net.SocketException e) {
        n = -1; // a reset after the answer
      }
      if (n < 0) {
        break;
      }
      all.write(buffer, 0, n);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      if (headEnd < 0 && (headEnd = text.indexOf("\r\n\r\n")) >= 0) {
        var m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text.substring(0, headEnd));
        length = m.find() ? Integer.parseInt(m.group(1)) : -1;
      }
      if (headEnd >= 0 && length >= 0 && all.size() >= headEnd + 4 + length) {
        break;
      }
    }
    String text = all.toString(StandardCharsets.UTF_8);
    assertFalse(text.isEmpty(), "no answer at all");
    int end = text.indexOf("\r\n\r\n");
    assertTrue(end > 0, "no complete head: " + text);
    int status = Integer.parseInt(text.substring(9, 12));
    return new Raw(status, text.substring(0, end), text.substring(end + 4));
  }
}
