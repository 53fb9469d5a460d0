package dev.switchboard.support;

import java.util.function.Supplier;

/** Polls until a condition holds, failing with the last observed value. */
public final class Wait {

  private Wait() {
  }

  public static <T> T until(String what, long timeoutMs, Supplier<T> probe, java.util.function.Predicate<T> done) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    T last = null;
    while (System.currentTimeMillis() < deadline) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
  }
}
