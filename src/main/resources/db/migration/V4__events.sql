-- Every event a client has switched on, as the exact envelope text sent to webhooks and live feeds.
CREATE TABLE events (
  id          TEXT PRIMARY KEY,                 -- evt_...: the same on every delivery attempt
  client_id   TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  device_id   TEXT NOT NULL,
  event       TEXT NOT NULL,
  payload     TEXT NOT NULL,                    -- the envelope, byte for byte what a webhook receives
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX events_created ON events (created_at);

-- One row per event and webhook: the outbox that dispatchers on every node drain.
-- status: pending (waiting or in flight), delivered, failed (dead letter: retried for 24 h, or stopped).
-- A dispatcher claims a row by setting locked_by/locked_until (a lease); a claim by a node that dies
-- becomes due again when the lease runs out.
CREATE TABLE webhook_deliveries (
  id               BIGSERIAL PRIMARY KEY,
  event_id         TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  client_id        TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  device_id        TEXT NOT NULL,
  event            TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending',
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  retry_from       TIMESTAMPTZ NOT NULL DEFAULT now(),   -- start of the 24 h retry window (reset by a manual retry)
  locked_by        TEXT,
  locked_until     TIMESTAMPTZ,
  url              TEXT,                                 -- where the last attempt went
  last_status_code INTEGER,
  last_error       TEXT,
  last_attempt_at  TIMESTAMPTZ,
  delivered_at     TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_client ON webhook_deliveries (client_id, id DESC);
-- Pending and dead-lettered rows are few; a delivered row leaves this index when it is updated.
CREATE INDEX webhook_deliveries_client_open ON webhook_deliveries (client_id, id DESC) WHERE status <> 'delivered';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
