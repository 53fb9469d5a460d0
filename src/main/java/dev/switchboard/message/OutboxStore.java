package dev.switchboard.message;

import dev.switchboard.store.GroupCommit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * The node's writes for every device's {@link Outbox}: claims and SENT outcomes go through group
 * commit, so with many devices sending at once one statement claims (or marks) the rows of all of
 * them instead of one round trip and commit per device.
 */
public final class OutboxStore {

  /** Devices per claim statement (each takes up to its own limit of rows). */
  static final int CLAIMS_PER_STATEMENT = 100;
  static final int IDS_PER_STATEMENT = 5_000;
  private static final int MAX_WAITING = 1_000_000;

  private final Pool pool;
  private final GroupCommit<MessageRepository.Claim, List<MessageRepository.Claimed>> claims;
  private final GroupCommit<List<Long>, Void> sent;

  public OutboxStore(Pool pool) {
    this.pool = pool;
    this.claims = GroupCommit.of("outbox claims", 2, CLAIMS_PER_STATEMENT, MAX_WAITING,
        batch -> MessageRepository.claim(pool, batch));
    this.sent = new GroupCommit<>("outbox outcomes", 2, IDS_PER_STATEMENT, MAX_WAITING, List::size,
        GroupCommit.each(batch -> MessageRepository.markSent(pool, batch.stream().flatMap(List::stream).toList()),
            (v, ids) -> null));
  }

  public Pool pool() {
    return pool;
  }

  /** Takes up to {@code limit} rows of the device's outbox, oldest first, if {@code epoch} is still its lease's. */
  public Future<List<MessageRepository.Claimed>> claim(String clientId, String deviceId, long epoch, int limit) {
    return claims.submit(new MessageRepository.Claim(clientId, deviceId, epoch, limit));
  }

  public Future<Void> markSent(List<Long> ids) {
    return sent.submit(ids);
  }

  public Future<Void> markFailed(long id, String error) {
    return MessageRepository.markFailed(pool, id, error);
  }
}
