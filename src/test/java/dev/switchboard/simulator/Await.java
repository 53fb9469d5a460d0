package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on the test thread for a future, failing the test after 15 s rather than hanging. */
public final class Await {

  private Await() {
  }

  public static <T> T result(Future<T> future) {
    try {
      return future.await(15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("no answer within 15 s");
    }
  }
}
