package dev.switchboard.message;

import dev.switchboard.http.ApiException;
import dev.switchboard.store.GroupCommit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Group commit for sends: requests that arrive while a batch is being written wait for the next
 * one, so under load one INSERT commits hundreds of messages and a lone request is written at once.
 * Each request's future completes after its rows are committed, with the rows that were stored, in
 * the request's order (none when its device does not exist or is logged out).
 */
public final class MessageWriter {

  static final int MAX_BATCH_ROWS = 2_000;
  static final int MAX_IN_FLIGHT = 2;
  static final int MAX_WAITING_ROWS = 50_000;

  private final GroupCommit<List<MessageRepository.Draft>, List<MessageRepository.Stored>> commit;

  public MessageWriter(Pool pool) {
    this.commit = new GroupCommit<>("sends", MAX_IN_FLIGHT, MAX_BATCH_ROWS, MAX_WAITING_ROWS, List::size,
        GroupCommit.each(requests -> MessageRepository.insert(pool, requests.stream().flatMap(List::stream).toList())
                .map(rows -> rows.stream().collect(Collectors.toMap(MessageRepository.Stored::messageId, r -> r))),
            (stored, drafts) -> drafts.stream().map(x -> stored.get(x.messageId())).filter(Objects::nonNull).toList()));
  }

  public Future<List<MessageRepository.Stored>> write(List<MessageRepository.Draft> drafts) {
    return commit.submit(drafts).recover(e -> e instanceof GroupCommit.Overloaded
        ? Future.failedFuture(ApiException.unavailable("the gateway is writing too many sends right now", 1))
        : Future.failedFuture(e));
  }
}
