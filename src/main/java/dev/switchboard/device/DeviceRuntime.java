package dev.switchboard.device;

import dev.switchboard.engine.WhatsAppEngine;
import dev.switchboard.event.EventSink;
import dev.switchboard.message.MessageStore;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.tenant.ClientConfigCache;
import io.vertx.sqlclient.Pool;

/**
 * What every device actor of a node shares: the database, the engine, where events go, and the
 * send pacing (messages per second per device; 0 = no pacing), client settings (call policy), the
 * batched writes of messages and of device states and the batched credential loads. {@code leases}
 * is a pool of its own for the device manager's lease statements, so that no flood of device work
 * queued on {@code pool} can hold up a renewal. {@code metrics} counts reconnects, lease losses and takeovers.
 */
public record DeviceRuntime(Pool pool, Pool leases, WhatsAppEngine engine, EventSink events, double sendRate,
    ClientConfigCache configs, MessageStore messages, StatusWriter statuses, CredentialReader credentials,
    Metrics metrics) {
}
