package dev.switchboard.message;

import io.vertx.core.Context;
import java.util.List;

/**
 * The live outbox of a device whose actor runs on this node, as the send path sees it. A send for
 * such a device is stored already taken under {@link #epoch()} and its rows are given to {@link
 * #take} as a task on the actor's own context, which is the actor's mailbox: passing them through
 * the event bus instead would copy every row and look up the consumer once per send.
 */
public interface Outlet {

  /** The lease epoch the rows are stored under. */
  long epoch();

  /** The actor's context; {@link #take} runs only there. */
  Context context();

  /** Rows committed for this device, taken by its actor without a claim statement. */
  void take(List<MessageRepository.Claimed> rows);
}
