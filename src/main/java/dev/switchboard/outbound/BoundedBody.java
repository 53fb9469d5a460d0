package dev.switchboard.outbound;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Keeps the first {@code limit} bytes of a body the gateway fetches and drops the rest, so a remote
 * server that answers with a huge body cannot fill the node's memory (a webhook's answer, a media URL).
 */
public final class BoundedBody implements WriteStream<Buffer> {

  private final int limit;
  private final Buffer kept = Buffer.buffer();
  private boolean truncated;

  public BoundedBody(int limit) {
    this.limit = limit;
  }

  /** What was kept, or null when the body was longer than the limit. */
  public Buffer body() {
    return truncated ? null : kept;
  }

  public boolean truncated() {
    return truncated;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (!truncated) {
      if (kept.length() + data.length() > limit) {
        truncated = true;
      } else {
        kept.appendBuffer(data);
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    return this;
  }
}
