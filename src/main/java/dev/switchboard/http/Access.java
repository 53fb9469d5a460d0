package dev.switchboard.http;

/** The auth rule of a route. Every route has exactly one; a route test fails for one that has none. */
public enum Access {
  /** No credential needed (health, OpenAPI, docs). */
  PUBLIC,
  /** The master key only. */
  MASTER,
  /** The master key, or the key of the client named by the path's {@code :clientId}. */
  CLIENT,
  /** Any valid key or token. */
  ANY
}
