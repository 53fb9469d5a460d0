package dev.switchboard.simulator;

import dev.switchboard.engine.CredentialStore;
import io.vertx.core.Future;

/** Credentials kept in a field, standing in for the gateway's database row in tests. */
public final class MemoryCredentialStore implements CredentialStore {

  private volatile byte[] credentials;

  public MemoryCredentialStore() {
  }

  public MemoryCredentialStore(byte[] credentials) {
    this.credentials = credentials;
  }

  public byte[] credentials() {
    return credentials;
  }

  @Override
  public Future<byte[]> load() {
    return Future.succeededFuture(credentials);
  }

  @Override
  public Future<Void> save(byte[] newCredentials) {
    credentials = newCredentials.clone();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> delete() {
    credentials = null;
    return Future.succeededFuture();
  }
}
