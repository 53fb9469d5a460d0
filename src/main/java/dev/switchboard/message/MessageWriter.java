package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.store.GroupCommit;
import dev.switchboard.store.Handoff;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Group commit for sends: requests that arrive while a batch is being written wait for the next
 * one, so under load one INSERT commits hundreds of messages and a lone request is written at once.
 * The same statement counts the messages of clients with a monthly quota, granting or refusing each
 * request whole.
 * Each request's future completes after its rows are committed, with the rows that were stored, in
 * the request's order (none when its device does not exist or is logged out). Rows stored taken
 * reach their actors before that, in one task per event loop for the whole batch.
 */
public final class MessageWriter {

  static final int MAX_BATCH_ROWS = 2_000;
  static final int MAX_IN_FLIGHT = 2;
  static final int MAX_WAITING_ROWS = 50_000;

  /**
   * One request's drafts, the outbox of their device's actor when it runs on this node (else null), and
   * the client's monthly quota (null: none).
   */
  record Request(List<MessageRepository.Draft> drafts, Outlet local, Long quota) {
  }

  /**
   * What a request stored, and under a quota the month's count after it ({@code used} >= 0), or
   * {@code -count - 1} when it was refused and nothing was stored; {@code used} null without a quota.
   */
  record Written(List<MessageRepository.Stored> rows, Long used) {
  }

  private final GroupCommit<Request, Written> commit;

  public MessageWriter(Pool pool) {
    this.commit = new GroupCommit<>("sends", MAX_IN_FLIGHT, MAX_BATCH_ROWS, MAX_WAITING_ROWS, r -> r.drafts().size(),
        requests -> insert(pool, requests).onSuccess(written -> handOver(requests, written)));
  }

  Future<Written> write(Request request) {
    return commit.submit(request).recover(e -> e instanceof GroupCommit.Overloaded
        ? Future.failedFuture(ApiException.unavailable("the gateway is writing too many sends right now", 1))
        : Future.failedFuture(e));
  }

  /**
   * Writes a batch in one statement. Requests under a quota are counted in that statement (see {@link
   * MessageRepository#insertReserving}), so a send with a quota costs no round trip more than one without.
   */
  static Future<List<Written>> insert(SqlClient sql, List<Request> requests) {
    List<MessageRepository.Draft> drafts = new ArrayList<>();
    List<MessageRepository.Reservation> reservations = new ArrayList<>();
    List<Integer> reservationOf = new ArrayList<>();
    for (Request r : requests) {
      Integer index = null;
      if (r.quota() != null) {
        reservations.add(new MessageRepository.Reservation(r.drafts().get(0).clientId(), r.drafts().size(), r.quota()));
        index = reservations.size();
      }
      for (MessageRepository.Draft d : r.drafts()) {
        drafts.add(d);
        reservationOf.add(index);
      }
    }
    Future<MessageRepository.Inserted> inserted = reservations.isEmpty()
        ? MessageRepository.insert(sql, drafts).map(rows -> new MessageRepository.Inserted(rows, List.of()))
        : MessageRepository.insertReserving(sql, drafts, reservations, reservationOf.toArray(Integer[]::new), Quotas.month());
    return inserted.map(ins -> {
      Map<String, MessageRepository.Stored> stored = ins.rows().stream()
          .collect(Collectors.toMap(MessageRepository.Stored::messageId, x -> x));
      List<Written> written = new ArrayList<>(requests.size());
      int reservation = 0;
      for (Request r : requests) {
        Long used = r.quota() == null ? null : ins.granted().get(reservation++);
        written.add(new Written(r.drafts().stream().map(x -> stored.get(x.messageId())).filter(Objects::nonNull).toList(), used));
      }
      return written;
    });
  }

  /**
   * Gives each request's committed rows that were stored taken to its actor on this node. Each actor's rows
   * arrive in one call on its context, and the calls of all the actors on one event loop in one task: a
   * task per request woke the loop once per send.
   */
  static void handOver(List<Request> requests, List<Written> written) {
    Handoff handoff = new Handoff();
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      if (request.local() == null) {
        continue;
      }
      Map<String, MessageRepository.Draft> drafts = new HashMap<>();
      request.drafts().forEach(d -> drafts.put(d.messageId(), d));
      List<MessageRepository.Claimed> taken = new ArrayList<>();
      for (MessageRepository.Stored row : written.get(i).rows()) {
        MessageRepository.Draft d = drafts.get(row.messageId());
        if (row.taken()) {
          taken.add(new MessageRepository.Claimed(row.id(), d.messageId(), d.chatId(), d.type(), d.content()));
        }
      }
      if (!taken.isEmpty()) {
        handoff.add(request.local().context(), () -> request.local().take(taken));
      }
    }
    handoff.run();
  }
}
