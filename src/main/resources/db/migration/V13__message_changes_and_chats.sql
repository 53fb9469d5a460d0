-- Edits and revokes, either direction: history shows a message's edited text with when it was
-- edited, and a revoked message without its content. Nullable columns without a default: adding
-- them rewrites nothing.
ALTER TABLE messages ADD COLUMN edited_at TIMESTAMPTZ, ADD COLUMN revoked_at TIMESTAMPTZ;

-- Votes on the polls a device sent: each voter's whole current choice (option names, in the order
-- the poll lists them); a new vote replaces the voter's earlier one, an empty one withdraws it.
CREATE TABLE poll_votes (
  client_id        TEXT NOT NULL,
  device_id        TEXT NOT NULL,
  poll_message_id  TEXT NOT NULL,
  voter            TEXT NOT NULL,           -- the voter's JID
  options          JSONB NOT NULL,          -- ["option name", ...]
  voted_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, device_id, poll_message_id, voter),
  FOREIGN KEY (client_id, device_id) REFERENCES devices (client_id, device_id) ON DELETE CASCADE
);

-- A chat's flags as the device set them through the gateway (archived, pinned, muted until).
CREATE TABLE chat_flags (
  client_id    TEXT NOT NULL,
  device_id    TEXT NOT NULL,
  chat_id      TEXT NOT NULL,
  archived     BOOLEAN NOT NULL DEFAULT false,
  pinned       BOOLEAN NOT NULL DEFAULT false,
  muted_until  TIMESTAMPTZ,
  PRIMARY KEY (client_id, device_id, chat_id),
  FOREIGN KEY (client_id, device_id) REFERENCES devices (client_id, device_id) ON DELETE CASCADE
);
