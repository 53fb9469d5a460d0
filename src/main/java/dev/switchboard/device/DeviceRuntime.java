package dev.switchboard.device;

import dev.switchboard.engine.WhatsAppEngine;
import dev.switchboard.event.EventSink;
import io.vertx.sqlclient.Pool;

/** What every device actor of a node shares: the database, the engine and where events go. */
public record DeviceRuntime(Pool pool, WhatsAppEngine engine, EventSink events) {
}
