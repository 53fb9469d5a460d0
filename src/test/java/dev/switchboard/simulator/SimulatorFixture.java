package dev.switchboard.simulator;

import dev.switchboard.engine.simulator.SimulatorEngine;
import io.vertx.core.Vertx;

/** A simulator on an ephemeral loopback port, its control API and an engine pointed at it. */
public final class SimulatorFixture {

  public final SimulatorServer server;
  public final SimControl sim;
  public final SimulatorEngine engine;

  private SimulatorFixture(SimulatorServer server, SimControl sim, SimulatorEngine engine) {
    this.server = server;
    this.sim = sim;
    this.engine = engine;
  }

  public static SimulatorFixture start(Vertx vertx, long qrIntervalMs) {
    return start(vertx, SimulatorOptions.onPort(0).withQrIntervalMs(qrIntervalMs));
  }

  public static SimulatorFixture start(Vertx vertx, SimulatorOptions options) {
    return start(vertx, options, 0);
  }

  /** {@code connections}: the engine's multiplexed WebSockets, or 0 for one per device. */
  public static SimulatorFixture start(Vertx vertx, SimulatorOptions options, int connections) {
    SimulatorServer server = Await.result(SimulatorServer.start(vertx, options));
    return new SimulatorFixture(server, new SimControl(vertx, server.port()),
        new SimulatorEngine(vertx, "http://127.0.0.1:" + server.port(), connections));
  }

  public static SimulatorFixture start(Vertx vertx) {
    return start(vertx, SimulatorOptions.DEFAULT_QR_INTERVAL_MS);
  }

  public void stop() {
    Await.result(engine.close());
    sim.close();
    Await.result(server.stop());
  }
}
