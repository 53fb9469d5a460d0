package dev.switchboard.device;

import dev.switchboard.store.GroupCommit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * The node's device state changes, written through group commit: when many devices link, connect
 * or resume at once, one statement records the changes of all of them. One write is under way at a
 * time, so a device's changes are recorded in the order they happened.
 */
public final class StatusWriter {

  static final int PER_STATEMENT = 1_000;
  private static final int MAX_WAITING = 1_000_000;

  private final GroupCommit<DeviceRepository.StatusWrite, Boolean> commit;

  public StatusWriter(Pool pool) {
    this.commit = GroupCommit.of("device statuses", 1, PER_STATEMENT, MAX_WAITING, batch -> DeviceRepository.statuses(pool, batch));
  }

  /** True when written; false when the lease's epoch no longer owns the device. */
  public Future<Boolean> write(DeviceRepository.Lease lease, DeviceStatus status, String lastError, String phone) {
    return commit.submit(new DeviceRepository.StatusWrite(lease, status, lastError, phone));
  }
}
