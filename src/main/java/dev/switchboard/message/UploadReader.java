package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the multipart part named {@code file} of an upload straight into memory (the bytes go to
 * PostgreSQL next, so a temporary file would only be a second copy that can leak). Every way a body
 * can go wrong ends the request with a 4xx: a body that ends before the part's closing boundary, a
 * body that stops arriving for {@code idleMs}, too many bytes, a malformed multipart body, a part
 * without a usable media type.
 */
public final class UploadReader {

  /** Room for the multipart framing and small form fields around the file itself. */
  private static final Logger log = LoggerFactory.getLogger(UploadReader.class);

  static final long FRAMING_BYTES = 64 * 1024;
  static final int MAX_FILE_NAME = 255;

  record Upload(String mimeType, String fileName, Buffer data) {
  }

  private final RoutingContext ctx;
  private final HttpServerRequest request;
  private final long maxBytes;
  private final long idleMs;
  private final Promise<Upload> result = Promise.promise();
  private Buffer data;
  private String mimeType;
  private String fileName;
  private boolean fileEnded;
  private long received;
  private long idleTimer = -1;
  private long lastBytesAt;

  private UploadReader(RoutingContext ctx, long maxBytes, long idleMs) {
    this.ctx = ctx;
    this.request = ctx.request();
    this.maxBytes = maxBytes;
    this.idleMs = idleMs;
  }

  /** Reads the request's body; the request must be paused and not yet read. */
  static Future<Upload> read(RoutingContext ctx, long maxBytes, long idleMs) {
    return new UploadReader(ctx, maxBytes, idleMs).start();
  }

  private Future<Upload> start() {
    long declared = contentLength();
    if (declared > maxBytes + FRAMING_BYTES) {
      return Future.failedFuture(tooLarge());
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return Future.failedFuture(ApiException.validation("file",
          "send the file as multipart/form-data with one part named 'file'"));
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
      return Future.failedFuture(new ApiException(417, "EXPECTATION_FAILED", "only 'Expect: 100-continue' is supported"));
    }
    try {
      request.setExpectMultipart(true);
    } catch (IllegalStateException e) {
      return Future.failedFuture(ApiException.validation("file", "the multipart content type needs a boundary"));
    }
    request.uploadHandler(this::part);
    request.handler(chunk -> {
      received += chunk.length();
      if (received > maxBytes + FRAMING_BYTES) {
        fail(tooLarge());
      } else {
        armIdleTimer();
      }
    });
    request.exceptionHandler(e -> fail(ApiException.validation("file", "the multipart body is malformed")));
    request.endHandler(v -> {
      cancelIdleTimer();
      // A part's end is delivered before the request's end; the next turn of the loop sees everything.
      ctx.vertx().runOnContext(x -> finish());
    });
    if (expect != null && request.version() != io.vertx.core.http.HttpVersion.HTTP_1_0) {
      ctx.response().writeContinue();
    }
    armIdleTimer();
    request.resume();
    return result.future();
  }

  private void part(HttpServerFileUpload upload) {
    if (!"file".equals(upload.name())) {
      upload.handler(b -> { });
      return;
    }
    if (data != null) {
      fail(ApiException.validation("file", "send exactly one multipart part named 'file'"));
      return;
    }
    data = Buffer.buffer();
    String declared = upload.contentType();
    if (declared == null || declared.isEmpty()) {
      mimeType = MediaTypes.FALLBACK;
    } else {
      mimeType = MediaTypes.parse(declared);
      if (mimeType == null) {
        fail(ApiException.validation("file", "the part's Content-Type must be a media type such as image/png, at most "
            + MediaTypes.MAX_LENGTH + " characters"));
        return;
      }
    }
    fileName = baseName(upload.filename());
    upload.handler(chunk -> {
      if (result.future().isComplete()) {
        return;
      }
      if (data.length() + chunk.length() > maxBytes) {
        fail(tooLarge());
      } else {
        data.appendBuffer(chunk);
      }
    });
    upload.endHandler(v -> fileEnded = true);
    upload.exceptionHandler(e -> fail(ApiException.validation("file", "the multipart body is malformed")));
  }

  private void finish() {
    if (result.future().isComplete()) {
      return;
    }
    if (data == null) {
      fail(ApiException.validation("file", "send exactly one multipart part named 'file'"));
    } else if (!fileEnded) {
      fail(ApiException.validation("file", "the body ended before the closing boundary of the part 'file'"));
    } else if (data.length() == 0) {
      fail(ApiException.validation("file", "the file is empty"));
    } else {
      result.tryComplete(new Upload(mimeType, fileName, data));
    }
  }

  private void fail(ApiException error) {
    cancelIdleTimer();
    if (result.tryFail(error)) {
      data = null;
    }
  }

  /** Notes that bytes arrived; one timer at a time checks how long ago that was. */
  private void armIdleTimer() {
    lastBytesAt = System.nanoTime();
    if (idleTimer < 0 && !result.future().isComplete()) {
      idleTimer = ctx.vertx().setTimer(idleMs, t -> checkIdle());
    }
  }

  private void checkIdle() {
    idleTimer = -1;
    long idle = (System.nanoTime() - lastBytesAt) / 1_000_000;
    if (result.future().isComplete()) {
      return;
    }
    if (idle >= idleMs) {
      fail(ApiException.validation("file", "the upload stalled: no bytes for " + idleMs / 1000 + " s"));
    } else {
      idleTimer = ctx.vertx().setTimer(idleMs - idle, t -> checkIdle());
    }
  }

  private void cancelIdleTimer() {
    if (idleTimer >= 0) {
      ctx.vertx().cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private long contentLength() {
    try {
      return Long.parseLong(request.getHeader(HttpHeaders.CONTENT_LENGTH));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private ApiException tooLarge() {
    return new ApiException(413, "PAYLOAD_TOO_LARGE", "media uploads are limited to " + maxBytes / 1048576 + " MiB");
  }

  /**
   * Deletes {@code uploads/} under the data directory: earlier versions spooled uploads there, and a
   * request that never ended left its file behind. Nothing writes there any more.
   */
  public static void removeLeftovers(Path dataDir) {
    Path uploads = dataDir.resolve("uploads");
    if (!Files.isDirectory(uploads, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(uploads)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not remove the leftover uploads in {}: {}", uploads, e.toString());
    }
  }

  /** The last path segment without control characters, at most {@value #MAX_FILE_NAME} characters; null when empty. */
  static String baseName(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    base = base.replaceAll("\\p{Cntrl}", "");
    if (base.length() > MAX_FILE_NAME) {
      base = base.substring(0, Character.isHighSurrogate(base.charAt(MAX_FILE_NAME - 1)) ? MAX_FILE_NAME - 1 : MAX_FILE_NAME);
    }
    return base.isEmpty() ? null : base;
  }
}
