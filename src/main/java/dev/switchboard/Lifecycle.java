package dev.switchboard;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of a node, started one after the other and stopped in reverse order: verticles
 * are deployed and undeployed, other parts say how they stop (flush what they hold, close a
 * connection). A part that fails to stop is logged and the next one still stops.
 */
final class Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
  private static final long STOP_TIMEOUT_SECONDS = 30;

  private record Part(String name, Supplier<Future<?>> stop) {
  }

  private final Vertx vertx;
  private final Deque<Part> started = new ArrayDeque<>();

  Lifecycle(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Deploys a verticle (or {@code instances} of it); stopping undeploys it. */
  Future<String> deploy(String name, Supplier<? extends Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle::get, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> started.push(new Part(name, () -> vertx.undeploy(id))));
  }

  /** Starts a part that is not a verticle; {@code stop} runs when the node stops. */
  Future<Void> start(String name, Supplier<Future<?>> start, Supplier<Future<?>> stop) {
    return start.get().<Void>mapEmpty().onSuccess(v -> started.push(new Part(name, stop)));
  }

  /** A part with nothing to start that must still be stopped (flushed) in its place. */
  void onStop(String name, Supplier<Future<?>> stop) {
    started.push(new Part(name, stop));
  }

  /** Stops every started part, last started first. Blocking: call it from a plain thread. */
  void stopAll() {
    while (!started.isEmpty()) {
      Part part = started.pop();
      try {
        part.stop().get().await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Stopping {} did not complete cleanly: {}", part.name(), e.toString());
      }
    }
  }
}
