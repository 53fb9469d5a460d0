-- Node-wide secrets and settings shared by every node of a cluster (master key hash, JWT signing key).
CREATE TABLE settings (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Tenants. NULL config columns mean "the default".
CREATE TABLE clients (
  client_id              TEXT PRIMARY KEY,
  name                   TEXT,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  webhook_url            TEXT,
  webhook_api_key        TEXT,
  webhook_secret         TEXT NOT NULL,
  events                 JSONB,
  max_devices            INTEGER,
  call_policy            JSONB,
  rate_limit_per_minute  INTEGER
);

-- At most one key per client; only its SHA-256 is kept.
CREATE TABLE client_keys (
  client_id    TEXT PRIMARY KEY REFERENCES clients (client_id) ON DELETE CASCADE,
  key_id       UUID NOT NULL UNIQUE,
  key_hash     BYTEA NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at   TIMESTAMPTZ NOT NULL,
  last_used_at TIMESTAMPTZ
);

-- Kept after a client is deleted: operators need to see who deleted what.
CREATE TABLE audit_log (
  id         BIGSERIAL PRIMARY KEY,
  client_id  TEXT NOT NULL,
  action     TEXT NOT NULL,
  actor      TEXT NOT NULL,
  source_ip  TEXT,
  details    JSONB NOT NULL DEFAULT '{}'::jsonb,
  at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_client ON audit_log (client_id, id DESC);
