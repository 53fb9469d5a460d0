package dev.switchboard.device;

import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * How many device sessions one node opens at a time. A takeover starts thousands of actors within a
 * second; each loads its credentials, connects and writes its first state. Unbounded, all of that work
 * lands on the event loops at once: a survivor taking 3,000 devices had its loops 9 s behind, with its
 * lease renewals and API requests queued behind the connections. Bounded, the same work goes through in
 * waves and the loops stay on time. A place is held from the start of a connection attempt until it
 * has settled: connected, showing a QR, failed or dropped. The node's {@code SWITCHBOARD_MAX_OPENINGS}
 * (256 by default) sets how many: a connection to the simulator settles in milliseconds, to WhatsApp
 * in about a second, so a node on Cobalt that takes over thousands of devices may want more.
 */
final class Openings {

  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int taken;

  Openings(int max) {
    this.max = max;
  }

  /**
   * Calls {@code start} on {@code context} once a place is free, with what gives the place back
   * (to be run once; running it again does nothing).
   */
  void whenFree(Context context, Consumer<Runnable> start) {
    Runnable run = () -> start.accept(giveBack());
    synchronized (this) {
      if (taken >= max) {
        waiting.add(() -> context.runOnContext(v -> run.run()));
        return;
      }
      taken++;
    }
    run.run();
  }

  private Runnable giveBack() {
    AtomicBoolean given = new AtomicBoolean();
    return () -> {
      if (given.compareAndSet(false, true)) {
        Runnable next;
        synchronized (this) {
          next = waiting.poll();
          if (next == null) {
            taken--;
          }
        }
        if (next != null) {
          next.run();
        }
      }
    };
  }

  /** Attempts waiting for a place. */
  synchronized int waiting() {
    return waiting.size();
  }
}
