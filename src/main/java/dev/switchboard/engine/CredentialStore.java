package dev.switchboard.engine;

import io.vertx.core.Future;

/**
 * Where an engine keeps a session's credentials, owned by the gateway (PostgreSQL, fenced by the
 * device's lease). An engine loads them when it opens a session, saves them whenever they change
 * and deletes them when the session is logged out.
 */
public interface CredentialStore {

  /** The stored credentials, or {@code null} when the device has never been linked. */
  Future<byte[]> load();

  Future<Void> save(byte[] credentials);

  Future<Void> delete();
}
