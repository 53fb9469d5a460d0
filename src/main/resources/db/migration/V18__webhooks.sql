-- Several webhooks per client, each with its own secret, filters, headers and deliveries. The client's
-- v1 webhook (clients.webhook_url) stays as it was: its deliveries have no webhook_id.
CREATE TABLE webhooks (
  webhook_id  TEXT PRIMARY KEY,                  -- wh_...
  client_id   TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  url         TEXT NOT NULL,
  events      TEXT[],                            -- null: every event the client's config lets through
  device_ids  TEXT[],                            -- null: every device
  headers     JSONB NOT NULL DEFAULT '{}',       -- sent with every post, besides the gateway's own
  active      BOOLEAN NOT NULL DEFAULT true,
  secret      TEXT NOT NULL,                     -- whsec_...: signs this webhook's posts
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_client ON webhooks (client_id, created_at);

-- Which webhook a delivery is for (null: the client's v1 webhookUrl). A delivery of a deleted
-- webhook fails at its next attempt and is purged with its event.
ALTER TABLE webhook_deliveries ADD COLUMN webhook_id TEXT;
