package dev.switchboard.engine;

import io.vertx.core.Future;
import java.time.Instant;

/** What an engine session reports. Called on the Vert.x context that opened the session. */
public interface EngineListener {

  /** A new QR payload to show; it is valid until {@code expiresAt}. */
  void onQr(String qr, Instant expiresAt);

  /** The session is linked and online as {@code phoneNumber} (digits, no '+'). */
  void onConnected(String phoneNumber);

  /**
   * The connection ended. {@code loggedOut} means the credentials are dead (logged out from the
   * phone or refused by the network) and must not be retried; otherwise the gateway reconnects.
   */
  void onDisconnected(String reason, boolean loggedOut);

  /**
   * An event from the network: an inbound message, receipt, reaction, presence, group change, call.
   * The future completes once the gateway has made the event durable; an engine whose network
   * redelivers unacknowledged events acknowledges it then, and not before.
   */
  Future<Void> onEvent(EngineEvent event);
}
