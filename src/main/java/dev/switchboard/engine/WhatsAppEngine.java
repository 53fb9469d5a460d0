package dev.switchboard.engine;

import io.vertx.core.Future;

/**
 * The port between the gateway and a WhatsApp network (the real one through Cobalt, or the
 * project's simulator). Everything is asynchronous: calls return futures completed on the caller's
 * Vert.x context, and the session reports what happens through its {@link EngineListener}.
 * Credentials never live inside an engine: they come in and go out as bytes through the
 * {@link CredentialStore} the gateway hands over.
 */
public interface WhatsAppEngine {

  /** A short name, e.g. {@code simulator} or {@code cobalt}. */
  String name();

  /**
   * Opens the session of one device. With stored credentials the session resumes without a QR;
   * without, it starts linking and reports QR payloads through {@link EngineListener#onQr}.
   * The future completes once the session object exists (not when it is connected); connection
   * outcomes arrive through the listener.
   */
  Future<EngineSession> open(SessionSpec spec, CredentialStore credentials, EngineListener listener);

  /** Releases what the engine shares between sessions. */
  Future<Void> close();
}
