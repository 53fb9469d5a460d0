package dev.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** The Vert.x of a bench JVM: on the native transport, as the node runs, and saying so in the output. */
final class BenchVertx {

  private BenchVertx() {
  }

  /** {@code roles}: what this JVM does in the bench, for the line that names its transport. */
  static Vertx create(String roles) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    System.out.println(roles + " on the " + (vertx.isNativeTransportEnabled() ? "native transport"
        : "NIO transport (native unavailable: " + vertx.unavailableNativeTransportCause() + ")"));
    return vertx;
  }
}
