-- The device registry: it, not any node's memory, says which devices should be connected and who runs them.
CREATE TABLE devices (
  client_id      TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  device_id      TEXT NOT NULL,
  session_key    TEXT NOT NULL UNIQUE,
  status         TEXT NOT NULL DEFAULT 'CONNECTING',
  desired_state  TEXT NOT NULL DEFAULT 'CONNECTED',   -- CONNECTED or STOPPED
  phone_number   TEXT,
  last_error     TEXT,
  owner_node     TEXT,
  epoch          BIGINT NOT NULL DEFAULT 0,
  lease_until    TIMESTAMPTZ,
  credentials    BYTEA,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  connected_at   TIMESTAMPTZ,
  PRIMARY KEY (client_id, device_id)
);
CREATE INDEX devices_owner ON devices (owner_node);
