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
 * is a pool of its own for the device manager's claims and hand-offs, so that no flood of device work
 * queued on {@code pool} can hold them up; {@code renewals} is one connection for nothing but lease
 * renewals: after a whole-cluster restart of 15,000 devices, claims of thousands of devices at once
 * kept the lease pool busy for over 10 s, and a node whose renewals wait that long must stop all its
 * devices before their leases run out. {@code metrics} counts reconnects, lease losses and takeovers.
 */
public record DeviceRuntime(Pool pool, Pool leases, Pool renewals, WhatsAppEngine engine, EventSink events, double sendRate,
    ClientConfigCache configs, MessageStore messages, StatusWriter statuses, CredentialReader credentials,
    Metrics metrics) {
}
