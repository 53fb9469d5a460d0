package dev.switchboard.store;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands the completions of one batch back to the contexts that submitted its items. Each context's
 * work runs on its own thread, as {@link Context#runOnContext} would run it, but every item bound for
 * the same event loop thread goes there in one task: waking a sleeping event loop costs a system
 * call, and with one hand-off per item those wake-ups were an eighth of a busy node's Java samples.
 * Tasks keep the order they were added in (per event loop, and per context otherwise). Only tasks
 * without a context run on the calling thread, within {@link #run}; the others run later, on theirs.
 */
public final class Handoff {

  private record Item(ContextInternal context, Runnable task) {
  }

  private final List<Item> items = new ArrayList<>();

  /** {@code task} to run on {@code context}; a null context runs it at {@link #run}, on the calling thread. */
  public Handoff add(Context context, Runnable task) {
    items.add(new Item((ContextInternal) context, task));
    return this;
  }

  /** Hands every added task over: one task per event loop thread, the others one by one. */
  public void run() {
    Map<EventLoop, List<Item>> byLoop = new IdentityHashMap<>();
    List<Runnable> here = new ArrayList<>();
    for (Item item : items) {
      if (item.context() == null) {
        here.add(item.task());
      } else if (item.context().isEventLoopContext()) {
        byLoop.computeIfAbsent(item.context().nettyEventLoop(), loop -> new ArrayList<>()).add(item);
      } else {
        item.context().runOnContext(v -> item.task().run());
      }
    }
    byLoop.forEach((loop, batch) -> loop.execute(() -> {
      for (Item item : batch) {
        item.context().emit(v -> item.task().run());
      }
    }));
    here.forEach(Runnable::run);
  }
}
