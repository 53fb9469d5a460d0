package dev.switchboard.engine.simulator;

/**
 * Every test of {@link SimulatorEngineTest} again, with the engine's device sessions carried over two
 * multiplexed WebSockets instead of one socket each: each session keeps its semantics (linking,
 * resuming, conflicts, kicks, faults, acknowledgements and redelivery, messaging).
 */
class MultiplexedSimulatorEngineTest extends SimulatorEngineTest {

  @Override
  int connections() {
    return 2;
  }
}
