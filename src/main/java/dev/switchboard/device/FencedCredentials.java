package dev.switchboard.device;

import dev.switchboard.engine.CredentialStore;
import dev.switchboard.engine.EngineException;
import dev.switchboard.kernel.LogIds;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A device's credentials as its engine session sees them: loaded in batches with other devices', and
 * written only under the lease's epoch. A write the epoch no longer allows means another node owns the
 * device now: {@code lost} stops this actor, and the engine is told it no longer owns the device.
 */
final class FencedCredentials implements CredentialStore {

  private static final Logger log = LoggerFactory.getLogger(FencedCredentials.class);

  private final CredentialReader reader;
  private final Pool pool;
  private final DeviceRepository.Lease lease;
  private final Runnable lost;

  FencedCredentials(CredentialReader reader, Pool pool, DeviceRepository.Lease lease, Runnable lost) {
    this.reader = reader;
    this.pool = pool;
    this.lease = lease;
    this.lost = lost;
  }

  @Override
  public Future<byte[]> load() {
    return reader.load(lease.clientId(), lease.deviceId());
  }

  @Override
  public Future<Void> save(byte[] bytes) {
    return DeviceRepository.saveCredentials(pool, lease, bytes).compose(this::fenced);
  }

  @Override
  public Future<Void> delete() {
    return DeviceRepository.saveCredentials(pool, lease, null).compose(this::fenced);
  }

  private Future<Void> fenced(boolean written) {
    if (!written) {
      LogIds.device(log, Level.WARN, lease.clientId(), lease.deviceId()).log("Device {}/{} lost its lease (epoch {}); stopping it",
          lease.clientId(), lease.deviceId(), lease.epoch());
      lost.run();
      return Future.failedFuture(new EngineException("UNAVAILABLE", "this node no longer owns the device"));
    }
    return Future.succeededFuture();
  }
}
