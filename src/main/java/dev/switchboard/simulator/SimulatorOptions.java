package dev.switchboard.simulator;

/**
 * Where the simulator listens, how often an unlinked session gets a new QR payload (WhatsApp rotates
 * them every 20 s; tests use a few milliseconds), and how much it remembers: each simulated person's
 * inbox and receipts keep their newest {@code inboxLimit} entries, so a long load test does not fill
 * the heap with every message it ever routed. Each linked device holds one socket, or shares one that
 * carries many sessions ({@code /sim/mux}): {@code maxSessions} caps how many device sockets the
 * simulator holds at once (0: as many as its open-file limit allows, less a reserve for the control
 * API); the next one is refused with a clear error instead of running out of files.
 */
public record SimulatorOptions(int port, String host, long qrIntervalMs, int inboxLimit, int maxSessions) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final long DEFAULT_QR_INTERVAL_MS = 20_000;
  public static final int DEFAULT_INBOX_LIMIT = 10_000;

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
    if (inboxLimit < 1) {
      throw new IllegalArgumentException("inboxLimit must be at least 1");
    }
    if (maxSessions < 0) {
      throw new IllegalArgumentException("maxSessions must be 0 (the open-file limit decides) or more");
    }
  }

  /** Port {@code port} (0 = any free port), loopback, QR every 20 s, 10,000 messages kept per inbox. */
  public static SimulatorOptions onPort(int port) {
    return new SimulatorOptions(port, DEFAULT_HOST, DEFAULT_QR_INTERVAL_MS, DEFAULT_INBOX_LIMIT, 0);
  }

  public SimulatorOptions withQrIntervalMs(long ms) {
    return new SimulatorOptions(port, host, ms, inboxLimit, maxSessions);
  }

  public SimulatorOptions withHost(String newHost) {
    return new SimulatorOptions(port, newHost, qrIntervalMs, inboxLimit, maxSessions);
  }

  public SimulatorOptions withInboxLimit(int limit) {
    return new SimulatorOptions(port, host, qrIntervalMs, limit, maxSessions);
  }

  /** At most {@code max} device connections at once (0: as many as the open-file limit allows). */
  public SimulatorOptions withMaxSessions(int max) {
    return new SimulatorOptions(port, host, qrIntervalMs, inboxLimit, max);
  }
}
