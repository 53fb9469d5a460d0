package dev.switchboard.message;

import dev.switchboard.metrics.Metrics;
import dev.switchboard.store.GroupCommit;
import dev.switchboard.store.RetryTimer;
import dev.switchboard.store.UsageRollup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's message writes for every device actor: outbox claims, SENT outcomes, inbound messages
 * and receipts go through group commit, so with many devices busy at once one statement serves all
 * of them instead of one round trip and commit per device and message. One write of each kind is
 * under way at a time, which keeps each device's inbound messages and receipts in their order.
 * Claims and SENT outcomes are written on a pool whose commits do not wait for the disk ({@link
 * dev.switchboard.store.Db#redoablePool}); what they record is redone when a crash of PostgreSQL
 * forgets it. A lost SENT leaves its message taken in the outbox, a lost claim leaves it waiting
 * there: either way it is sent again with the same id, which WhatsApp delivers once. What a lost
 * claim does allow is cancelling a message that had already gone out, in the moment between
 * PostgreSQL's restart and the device taking the message again; the message then shows CANCELLED
 * though it was delivered. Nothing accepted is lost. Waiting for the disk on every claim cost a
 * quarter of the sends per second and doubled the 202's p99 at 500 sends/s (bench/README.md).
 * The 202's INSERT, inbound messages and receipts stay durable.
 */
public final class MessageStore {

  /** Devices per claim statement (each takes up to its own limit of rows). */
  static final int CLAIMS_PER_STATEMENT = 100;
  static final int ROWS_PER_STATEMENT = 1_000;
  private static final int MAX_WAITING = 1_000_000;

  private final Pool pool;
  private final UsageRollup usage;
  private final Metrics metrics;
  private final GroupCommit<MessageRepository.Claim, List<MessageRepository.Claimed>> claims;
  private final GroupCommit<List<Long>, Void> sent;
  private final GroupCommit<MessageRepository.Inbound, Boolean> inbound;
  private final GroupCommit<MessageRepository.Receipt, Void> receipts;
  private final Map<String, Outlet> attached = new ConcurrentHashMap<>();

  /**
   * Outcomes, inbound messages and receipts wait for a database that is down ({@link
   * GroupCommit#retryWhileUnreachable}): what a device sent or received is only known here. Claims fail,
   * and their outbox claims again a moment later. {@code metrics} counts what was sent, failed and received.
   */
  public MessageStore(Vertx vertx, Pool pool, Pool redoable, Metrics metrics, UsageRollup usage) {
    this.usage = usage;
    RetryTimer retries = new RetryTimer(vertx);
    this.pool = pool;
    this.metrics = metrics;
    this.claims = GroupCommit.of("outbox claims", 2, CLAIMS_PER_STATEMENT, MAX_WAITING,
        batch -> MessageRepository.claim(redoable, batch));
    this.sent = new GroupCommit<>("outbox outcomes", 2, ROWS_PER_STATEMENT, MAX_WAITING, List::size,
        GroupCommit.each(batch -> MessageRepository.markSent(redoable, batch.stream().flatMap(List::stream).toList(), usage),
            (v, ids) -> null));
    this.inbound = GroupCommit.of("inbound messages", 1, ROWS_PER_STATEMENT, MAX_WAITING,
        batch -> MessageRepository.insertInbound(pool, batch, usage));
    this.receipts = GroupCommit.of("receipts", 1, ROWS_PER_STATEMENT, MAX_WAITING,
        GroupCommit.each(batch -> MessageRepository.receipts(pool, batch, usage), (v, r) -> null));
    sent.retryWhileUnreachable(retries);
    inbound.retryWhileUnreachable(retries);
    receipts.retryWhileUnreachable(retries);
  }

  /** Completes once every claim, outcome, inbound message and receipt handed in is written. */
  public Future<Void> flush() {
    return Future.join(claims.flush(), sent.flush(), inbound.flush(), receipts.flush()).mapEmpty();
  }

  public Pool pool() {
    return pool;
  }

  /**
   * The outbox of a device whose actor runs on this node, is connected and sends unpaced, or null: a
   * send for it is stored already taken ({@link MessageRepository.Draft#takenBy}) and handed over by
   * {@link Outlet#take}, without the claim statement.
   */
  public Outlet attached(String clientId, String deviceId) {
    return attached.get(clientId + "/" + deviceId);
  }

  public void attach(Outlet outbox, String clientId, String deviceId) {
    attached.put(clientId + "/" + deviceId, outbox);
  }

  public void detach(Outlet outbox, String clientId, String deviceId) {
    attached.remove(clientId + "/" + deviceId, outbox);
  }

  /** Takes up to {@code limit} rows of the device's outbox, oldest first, if {@code epoch} is still its lease's. */
  public Future<List<MessageRepository.Claimed>> claim(String clientId, String deviceId, long epoch, int limit) {
    return claims.submit(new MessageRepository.Claim(clientId, deviceId, epoch, limit));
  }

  public Future<Void> markSent(List<Long> ids) {
    return sent.submit(ids).onSuccess(v -> metrics.sent(ids.size()));
  }

  public Future<Void> markFailed(long id, String error) {
    return MessageRepository.markFailed(pool, id, error, usage).onSuccess(v -> metrics.failed());
  }

  /** Stores an inbound message; false when it was stored before (a redelivery). */
  public Future<Boolean> inbound(MessageRepository.Inbound message) {
    return inbound.submit(message).onSuccess(fresh -> {
      if (fresh) {
        metrics.received(1);
      }
    });
  }

  /** Moves an outbound message to DELIVERED or READ (never backwards). */
  public Future<Void> receipt(MessageRepository.Receipt receipt) {
    return receipts.submit(receipt);
  }
}
