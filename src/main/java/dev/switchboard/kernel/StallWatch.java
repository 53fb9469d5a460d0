package dev.switchboard.kernel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells a frozen process from a busy one. A daemon thread wakes every 250 ms and keeps the longest
 * gap between two of its wakes: a process that was stopped (SIGSTOP, a paused VM, a long collection)
 * stopped this thread too, while event loops with a deep queue of work do not delay it. A late timer
 * on an event loop says only the second: a node taking over 3,000 devices at once had its loop 9 s
 * behind while every thread ran.
 */
public final class StallWatch implements AutoCloseable {

  private static final long BEAT_MS = 250;

  private final AtomicLong longest = new AtomicLong();
  private final Thread thread;
  private volatile long lastBeat = System.nanoTime();
  private volatile boolean closed;

  public StallWatch(String name) {
    thread = Thread.ofPlatform().daemon().name(name).start(this::beat);
  }

  private void beat() {
    while (!closed) {
      try {
        Thread.sleep(BEAT_MS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      longest.accumulateAndGet((now - lastBeat) / 1_000_000, Math::max);
      lastBeat = now;
    }
  }

  /**
   * The longest time, in ms, that the process stood still since the last call: between two beats, or
   * since the last beat when this thread has not run yet after a freeze.
   */
  public long longestStallMs() {
    long sinceBeat = (System.nanoTime() - lastBeat) / 1_000_000;
    return Math.max(longest.getAndSet(0), sinceBeat);
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
