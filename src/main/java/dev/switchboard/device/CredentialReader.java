package dev.switchboard.device;

import dev.switchboard.store.GroupCommit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * The node's credential loads, batched: when thousands of devices start at once (a restart, a
 * failover) one statement reads the credentials of hundreds of them, instead of one query each
 * queueing for the pool until some time out.
 */
public final class CredentialReader {

  static final int PER_STATEMENT = 500;
  private static final int MAX_WAITING = 1_000_000;

  private final GroupCommit<DeviceRepository.DeviceKey, byte[]> loads;

  public CredentialReader(Pool pool) {
    this.loads = GroupCommit.of("credential loads", 2, PER_STATEMENT, MAX_WAITING, batch -> DeviceRepository.loadCredentials(pool, batch));
  }

  /** The device's stored credentials; null when it has none (never linked, or logged out). */
  public Future<byte[]> load(String clientId, String deviceId) {
    return loads.submit(new DeviceRepository.DeviceKey(clientId, deviceId));
  }
}
