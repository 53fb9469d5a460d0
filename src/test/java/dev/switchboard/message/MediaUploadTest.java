package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Api;
import dev.switchboard.support.Devices;
import dev.switchboard.support.Sim;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Uploads that go wrong on the wire end with a quick 4xx, leave no file on disk, and stored media always downloads. */
class MediaUploadTest {

  static final String CLIENT = "upl";
  static final String BASE = "/api/clients/" + CLIENT + "/devices/d";
  static final String BOUNDARY = "----media-upload-test";

  /** The node's data directory, made before the node starts. */
  private static final Path dataDir = dataDirWithLeftover();

  @RegisterExtension
  static final TestBed bed = TestBed.database().withSim(20_000).withNode("--data-dir", dataDir.toString())
      .withClient(CLIENT);

  @BeforeAll
  static void start() {
    Devices.link(bed.api(), bed.sim(), bed.key(), CLIENT, "d", "15557770000");
  }

  private static Path dataDirWithLeftover() {
    try {
      Path dir = Files.createTempDirectory("media-upload-test");
      // What an earlier version left behind: a spooled upload whose request never ended.
      Files.createDirectories(dir.resolve("uploads"));
      Files.write(dir.resolve("uploads").resolve("0b5f-leftover"), new byte[4096]);
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void leftoverUploadFilesAreRemovedWhenTheNodeStarts() {
    assertFalse(Files.exists(dataDir.resolve("uploads")), "the uploads directory of earlier versions is gone");
  }

  @Test
  void aBodyThatEndsBeforeTheClosingBoundaryIsAnswered400AtOnceAndLeavesNoFile() throws Exception {
    byte[] whole = multipart("big.bin", "application/octet-stream", new byte[5 * 1024 * 1024]).getBytes();
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 10);
    long started = System.nanoTime();
    Raw r = raw(truncated, truncated.length, 20_000);
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(400, r.status, r.toString());
    assertTrue(r.body.contains("VALIDATION_ERROR") && r.body.contains("closing boundary"), r.toString());
    assertTrue(ms < 5_000, "answered in " + ms + " ms");
    assertNoFilesOnDisk();
  }

  @Test
  void aBodyThatStopsArrivingIsAnswered400AfterTheIdleTimeout() throws Exception {
    byte[] whole = multipart("big.bin", "application/octet-stream", new byte[1024 * 1024]).getBytes();
    byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
    long started = System.nanoTime();
    Raw r = raw(half, whole.length, 30_000);
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(400, r.status, r.toString());
    assertTrue(r.body.contains("stalled"), r.toString());
    assertTrue(ms < 15_000, "answered in " + ms + " ms");
    assertNoFilesOnDisk();
  }

  @Test
  void anUploadThatExpectsContinueGetsItAndIsStored() throws Exception {
    byte[] body = multipart("big.bin", "application/octet-stream", new byte[2 * 1024 * 1024]).getBytes();
    try (Socket s = new Socket("127.0.0.1", bed.node().httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + BASE + "/media HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + bed.key()
          + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + body.length
          + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[25];
      int n = in.readNBytes(buf, 0, buf.length);
      assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(buf, 0, n, StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertEquals("HTTP/1.1 201", answer);
    }
  }

  @Test
  void malformedPartsAreRefusedWith400() {
    String nul = "text/pl\u0000ain";
    for (String type : new String[] {nul, "text/pl\u007fain", "text/pl\u0001ain", "text/" + "x".repeat(8 * 1024),
        "text plain", "text/"}) {
      Api.Response r = upload(multipart("a.txt", type, new byte[] {1}));
      assertEquals(400, r.status(), type.length() + " chars, " + r);
      assertEquals("VALIDATION_ERROR", r.errorCode(), r.toString());
    }
    Api.Response longName = upload(multipart("n".repeat(5_000) + ".txt", "text/plain", new byte[] {1}));
    assertEquals(400, longName.status(), longName.toString());

    Buffer manyFields = Buffer.buffer();
    for (int i = 0; i < 20_000; i++) {
      manyFields.appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f" + i + "\"\r\n\r\nv\r\n");
    }
    manyFields.appendBuffer(multipart("a.txt", "text/plain", new byte[] {1}));
    Api.Response fields = upload(manyFields);
    assertEquals(400, fields.status(), fields.toString());

    Api.Response two = upload(Buffer.buffer().appendBuffer(part("a.txt", "text/plain", new byte[] {1}))
        .appendBuffer(multipart("b.txt", "text/plain", new byte[] {2})));
    assertEquals(400, two.status(), two.toString());
    assertNoFilesOnDisk();
  }

  @Test
  void aWellFormedUploadKeepsItsTypeAndName() {
    Api.Response r = upload(multipart("ünïcode name.txt", "Text/Plain", "hello".getBytes(StandardCharsets.UTF_8)));
    assertEquals(201, r.status(), r.toString());
    assertEquals("text/plain", r.data().getString("mimeType"));
    assertEquals("ünïcode name.txt", r.data().getString("fileName"));
    Api.Response got = bed.api().get(BASE + "/media/" + r.data().getString("mediaId"), bed.key());
    assertEquals(200, got.status(), got.toString());
    assertEquals("text/plain", got.headers().get("content-type"));
    assertEquals("attachment; filename=\"_n_code name.txt\"; filename*=UTF-8''%C3%BCn%C3%AFcode%20name.txt",
        got.headers().get("content-disposition"));
    assertEquals("hello", got.body().toString());
  }

  @Test
  void aStoredMediaTypeThatIsNoHeaderValueStillDownloads() throws Exception {
    Api.Response r = upload(multipart("a.bin", "application/x-test", new byte[] {7}));
    String mediaId = r.data().getString("mediaId");
    var url = dev.switchboard.config.DbUrl.parse(bed.db());
    try (var c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        var st = c.prepareStatement("UPDATE media SET mime_type = ?, file_name = ? WHERE media_id = ?")) {
      st.setString(1, "text/pl\u007fain");
      st.setString(2, "a\u007f\r\nb.bin");
      st.setString(3, mediaId);
      assertEquals(1, st.executeUpdate());
    }
    Api.Response got = bed.api().get(BASE + "/media/" + mediaId, bed.key());
    assertEquals(200, got.status(), got.toString());
    assertEquals("application/octet-stream", got.headers().get("content-type"));
    assertEquals(1, got.body().length());
  }

  private static void assertNoFilesOnDisk() {
    assertFalse(Files.exists(dataDir.resolve("uploads")), "no uploads directory in the data directory");
    assertFalse(Files.exists(Path.of("file-uploads")), "no file-uploads directory in the working directory");
    try (Stream<Path> all = Files.walk(dataDir)) {
      assertEquals(java.util.List.of(), all.filter(Files::isRegularFile).toList(), "nothing spooled in " + dataDir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Api.Response upload(Buffer body) {
    return bed.api().callRaw(HttpMethod.POST, BASE + "/media", bed.key(), body,
        MultiMap.caseInsensitiveMultiMap().add("content-type", "multipart/form-data; boundary=" + BOUNDARY));
  }

  static Buffer part(String name, String mime, byte[] bytes) {
    return Buffer.buffer()
        .appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + name + "\"\r\nContent-Type: " + mime + "\r\n\r\n", "UTF-8")
        .appendBytes(bytes)
        .appendString("\r\n");
  }

  static Buffer multipart(String name, String mime, byte[] bytes) {
    return part(name, mime, bytes).appendString("--" + BOUNDARY + "--\r\n");
  }

  record Raw(int status, String body) {
  }

  /** Sends {@code body} under a Content-Length of {@code declared} on a plain socket and reads the answer. */
  static Raw raw(byte[] body, int declared, int readTimeoutMs) throws Exception {
    try (Socket s = new Socket("127.0.0.1", bed.node().httpPort())) {
      s.setSoTimeout(readTimeoutMs);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + BASE + "/media HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + bed.key()
          + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + declared
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
          String text = got.toString(StandardCharsets.UTF_8);
          if (text.contains("\r\n\r\n") && text.endsWith("}")) {
            break;
          }
        }
      } catch (SocketTimeoutException e) {
        return new Raw(-1, "no answer within " + readTimeoutMs + " ms: " + got.toString(StandardCharsets.UTF_8));
      }
      String text = got.toString(StandardCharsets.UTF_8);
      int status = text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
      return new Raw(status, text);
    }
  }
}
