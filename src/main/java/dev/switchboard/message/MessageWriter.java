package dev.switchboard.message;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.store.GroupCommit;
import dev.switchboard.store.Handoff;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Group commit for sends: requests that arrive while a batch is being written wait for the next
 * one, so under load one INSERT commits hundreds of messages and a lone request is written at once.
 * Each request's future completes after its rows are committed, with the rows that were stored, in
 * the request's order (none when its device does not exist or is logged out). Rows stored taken
 * reach their actors before that, in one task per event loop for the whole batch.
 */
public final class MessageWriter {

  static final int MAX_BATCH_ROWS = 2_000;
  static final int MAX_IN_FLIGHT = 2;
  static final int MAX_WAITING_ROWS = 50_000;

  /** One request's drafts, and the outbox of their device's actor when it runs on this node (else null). */
  record Request(List<MessageRepository.Draft> drafts, Outlet local) {
  }

  private final GroupCommit<Request, List<MessageRepository.Stored>> commit;

  public MessageWriter(Pool pool) {
    this.commit = new GroupCommit<>("sends", MAX_IN_FLIGHT, MAX_BATCH_ROWS, MAX_WAITING_ROWS, r -> r.drafts().size(),
        GroupCommit.each(requests -> MessageRepository.insert(pool, requests.stream().flatMap(r -> r.drafts().stream()).toList())
                .map(rows -> handOver(requests, rows)),
            (stored, request) -> request.drafts().stream().map(x -> stored.get(x.messageId())).filter(Objects::nonNull).toList()));
  }

  Future<List<MessageRepository.Stored>> write(Request request) {
    return commit.submit(request).recover(e -> e instanceof GroupCommit.Overloaded
        ? Future.failedFuture(ApiException.unavailable("the gateway is writing too many sends right now", 1))
        : Future.failedFuture(e));
  }

  /**
   * Gives the committed rows that were stored taken to their actors on this node, and answers every
   * stored row by message id. Each actor's rows arrive in one call on its context, and the calls of all
   * the actors on one event loop in one task: a task per request woke the loop once per send.
   */
  static Map<String, MessageRepository.Stored> handOver(List<Request> requests, List<MessageRepository.Stored> rows) {
    Map<String, MessageRepository.Stored> stored = rows.stream()
        .collect(Collectors.toMap(MessageRepository.Stored::messageId, r -> r));
    Handoff handoff = new Handoff();
    for (Request request : requests) {
      if (request.local() == null) {
        continue;
      }
      List<MessageRepository.Claimed> taken = new ArrayList<>();
      for (MessageRepository.Draft d : request.drafts()) {
        MessageRepository.Stored row = stored.get(d.messageId());
        if (row != null && row.taken()) {
          taken.add(new MessageRepository.Claimed(row.id(), d.messageId(), d.chatId(), d.type(), d.content()));
        }
      }
      if (!taken.isEmpty()) {
        handoff.add(request.local().context(), () -> request.local().take(taken));
      }
    }
    handoff.run();
    return stored;
  }
}
