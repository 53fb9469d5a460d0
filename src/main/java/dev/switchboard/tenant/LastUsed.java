package dev.switchboard.tenant;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each client key was last used: noted in memory on every request and written in one batch
 * every {@link #FLUSH_MS}, so a busy key costs no write per request. What is not written yet is
 * shown through {@link #pending}.
 */
final class LastUsed {

  static final long FLUSH_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  private final Map<UUID, OffsetDateTime> unwritten = new ConcurrentHashMap<>();
  private final long timer;

  LastUsed(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.timer = vertx.setPeriodic(FLUSH_MS, id -> flush());
  }

  void used(UUID keyId) {
    unwritten.put(keyId, OffsetDateTime.now(ZoneOffset.UTC));
  }

  /** The key's last use not written yet (newer than the stored one), or null. */
  OffsetDateTime pending(UUID keyId) {
    return unwritten.get(keyId);
  }

  /** Writes what was noted; a failed write is dropped (the next use notes it again). */
  Future<Void> flush() {
    if (unwritten.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<UUID, OffsetDateTime> batch = new HashMap<>();
    for (UUID id : List.copyOf(unwritten.keySet())) {
      OffsetDateTime at = unwritten.remove(id);
      if (at != null) {
        batch.put(id, at);
      }
    }
    return KeyRepository.touch(pool, batch).recover(e -> Future.succeededFuture());
  }

  /** Stops the timer and writes what is left. */
  Future<Void> close() {
    vertx.cancelTimer(timer);
    return flush();
  }
}
