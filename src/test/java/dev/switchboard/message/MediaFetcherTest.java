package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.outbound.UrlGuard;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Media URLs fetched from real local servers: one deadline over the whole fetch, and failures that name a kind, not an address. */
class MediaFetcherTest {

  private static Vertx vertx;
  private static HttpServer server;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/drip" -> {
          // Headers at once, then one byte every 100 ms: never idle, never done.
          req.response().setChunked(true).putHeader("content-type", "application/pdf");
          req.response().write("%");
          long timer = vertx.setPeriodic(100, t -> req.response().write("x"));
          req.connection().closeHandler(v -> vertx.cancelTimer(timer));
        }
        case "/missing" -> req.response().setStatusCode(404).end();
        default -> req.response().putHeader("content-type", "Application/PDF; charset=binary").end("%PDF");
      }
    }).listen(0).await(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static ApiException failure(MediaFetcher fetcher, String url) throws Exception {
    try {
      fetcher.fetch(url).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (ApiException) e.getCause();
    }
    throw new AssertionError("fetched " + url);
  }

  @Test
  void aServerThatDripsItsBodyIsCutOffAtTheDeadline() throws Exception {
    MediaFetcher fetcher = new MediaFetcher(vertx, new UrlGuard(true), 1024 * 1024, 1_500);
    long started = System.nanoTime();
    ApiException e = failure(fetcher, base + "/drip");
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertTrue(ms < 3_000, "failed after " + ms + " ms");
    assertEquals(422, e.status());
    assertEquals("URL_UNREACHABLE", e.code());
    assertEquals("TIMEOUT", e.details().getString("reason"), e.getMessage());
  }

  @Test
  void failuresNameTheirKindAndNeverTheAddressOrTheException() throws Exception {
    MediaFetcher fetcher = new MediaFetcher(vertx, new UrlGuard(true), 1024 * 1024, 5_000);
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ApiException refused = failure(fetcher, "http://127.0.0.1:" + closed + "/a.png");
    assertEquals("REFUSED", refused.details().getString("reason"), refused.getMessage());
    assertEquals("the media URL could not be fetched: the connection was refused", refused.getMessage());
    assertFalse(refused.getMessage().contains("127.0.0.1") || refused.getMessage().contains(String.valueOf(closed)));

    ApiException missing = failure(fetcher, base + "/missing");
    assertEquals("HTTP_STATUS", missing.details().getString("reason"));
    assertEquals("the media URL answered HTTP 404", missing.getMessage());

    MediaFetcher small = new MediaFetcher(vertx, new UrlGuard(true), 2, 5_000);
    assertEquals(413, failure(small, base + "/doc.pdf").status());
  }

  @Test
  void theMediaTypeIsKeptOnlyWhenItIsAValidHeaderValue() throws Exception {
    MediaFetcher fetcher = new MediaFetcher(vertx, new UrlGuard(true), 1024 * 1024, 5_000);
    MediaFetcher.Fetched pdf = fetcher.fetch(base + "/doc.pdf").await(10, TimeUnit.SECONDS);
    assertEquals("application/pdf", pdf.mimeType());
    assertEquals("doc.pdf", pdf.fileName());
    assertEquals(Buffer.buffer("%PDF"), pdf.data());
  }
}
