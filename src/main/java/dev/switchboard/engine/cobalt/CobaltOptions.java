package dev.switchboard.engine.cobalt;

import java.net.URI;
import java.time.Duration;

/**
 * How the Cobalt engine connects. {@code proxy} is an HTTP(S) proxy for the WhatsApp socket and
 * media (Cobalt's own option), or null; the durations bound the session supervisor's waits.
 */
public record CobaltOptions(URI proxy, Duration connectTimeout, Duration qrLifetime, Duration reconnectGrace) {

  public static CobaltOptions defaults() {
    return new CobaltOptions(null, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(20));
  }

  public CobaltOptions withProxy(URI newProxy) {
    return new CobaltOptions(newProxy, connectTimeout, qrLifetime, reconnectGrace);
  }

  public CobaltOptions withConnectTimeout(Duration timeout) {
    return new CobaltOptions(proxy, timeout, qrLifetime, reconnectGrace);
  }
}
