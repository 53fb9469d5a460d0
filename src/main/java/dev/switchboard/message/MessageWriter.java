package dev.switchboard.message;

import dev.switchboard.http.ApiException;
import dev.switchboard.store.GroupCommit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Group commit for sends: requests that arrive while a batch is being written wait for the next
 * one, so under load one INSERT commits hundreds of messages and a lone request is written at once.
 * Each request's future completes after its rows are committed, with its message ids that were
 * stored (none when its device does not exist or is logged out).
 */
public final class MessageWriter {

  static final int MAX_BATCH_ROWS = 2_000;
  static final int MAX_IN_FLIGHT = 2;
  static final int MAX_WAITING_ROWS = 50_000;

  private final GroupCommit<List<MessageRepository.Draft>, Set<String>> commit;

  public MessageWriter(Pool pool) {
    this.commit = new GroupCommit<>("sends", MAX_IN_FLIGHT, MAX_BATCH_ROWS, MAX_WAITING_ROWS, List::size,
        GroupCommit.each(requests -> MessageRepository.insert(pool, requests.stream().flatMap(List::stream).toList())
                .map(HashSet::new),
            (stored, drafts) -> drafts.stream().map(MessageRepository.Draft::messageId).filter(stored::contains)
                .collect(Collectors.toSet())));
  }

  public Future<Set<String>> write(List<MessageRepository.Draft> drafts) {
    return commit.submit(drafts).recover(e -> e instanceof GroupCommit.Overloaded
        ? Future.failedFuture(ApiException.unavailable("the gateway is writing too many sends right now", 1))
        : Future.failedFuture(e));
  }
}
