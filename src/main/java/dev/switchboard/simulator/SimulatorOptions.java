package dev.switchboard.simulator;

/**
 * Where the simulator listens and how often an unlinked session gets a new QR payload
 * (WhatsApp rotates them every 20 s; tests use a few milliseconds).
 */
public record SimulatorOptions(int port, String host, long qrIntervalMs) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final long DEFAULT_QR_INTERVAL_MS = 20_000;

  public SimulatorOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535");
    }
    if (host == null || host.isBlank()) {
      host = DEFAULT_HOST;
    }
    if (qrIntervalMs <= 0) {
      qrIntervalMs = DEFAULT_QR_INTERVAL_MS;
    }
  }

  /** Port {@code port} (0 = any free port), loopback, QR every 20 s. */
  public static SimulatorOptions onPort(int port) {
    return new SimulatorOptions(port, DEFAULT_HOST, DEFAULT_QR_INTERVAL_MS);
  }

  public SimulatorOptions withQrIntervalMs(long ms) {
    return new SimulatorOptions(port, host, ms);
  }

  public SimulatorOptions withHost(String newHost) {
    return new SimulatorOptions(port, newHost, qrIntervalMs);
  }
}
