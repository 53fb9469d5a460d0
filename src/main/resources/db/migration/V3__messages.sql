-- Every message a device sent or received. Outbound rows are committed (QUEUED or SCHEDULED) before
-- the API answers 202; the device actor drains them in id order. SENDING is internal: the actor
-- has taken the row and is sending it (the API shows it as QUEUED); after a crash it is resent
-- with the same message_id, which the network delivers once.
CREATE TABLE messages (
  id            BIGSERIAL PRIMARY KEY,
  client_id     TEXT NOT NULL,
  device_id     TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  direction     TEXT NOT NULL,            -- outbound or inbound
  chat_id       TEXT NOT NULL,            -- the chat's JID
  sender        TEXT,                     -- inbound: the author's JID
  type          TEXT NOT NULL,
  content       JSONB NOT NULL,           -- the type's fields; media as a mediaId
  status        TEXT NOT NULL,            -- SCHEDULED QUEUED SENDING SENT DELIVERED READ FAILED CANCELLED RECEIVED
  error         TEXT,
  send_at       TIMESTAMPTZ,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at       TIMESTAMPTZ,
  delivered_at  TIMESTAMPTZ,
  read_at       TIMESTAMPTZ,
  UNIQUE (client_id, device_id, message_id),
  FOREIGN KEY (client_id, device_id) REFERENCES devices (client_id, device_id) ON DELETE CASCADE
);
CREATE INDEX messages_outbox ON messages (client_id, device_id, id) WHERE status IN ('QUEUED', 'SENDING');
CREATE INDEX messages_scheduled ON messages (send_at) WHERE status = 'SCHEDULED';
CREATE INDEX messages_scheduled_client ON messages (client_id, send_at) WHERE status = 'SCHEDULED';
CREATE INDEX messages_chat ON messages (client_id, device_id, chat_id, id DESC);

-- Uploaded, fetched and received media, kept in the database (size-limited) so every node serves it.
CREATE TABLE media (
  client_id   TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  media_id    TEXT NOT NULL,
  mime_type   TEXT NOT NULL,
  file_name   TEXT,
  size        INTEGER NOT NULL,
  data        BYTEA NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, device_id, media_id),
  FOREIGN KEY (client_id, device_id) REFERENCES devices (client_id, device_id) ON DELETE CASCADE
);

-- Idempotency-Key: the first answer to a key, kept 24 h per client.
CREATE TABLE idempotency_keys (
  client_id     TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  key           TEXT NOT NULL,
  request_hash  BYTEA NOT NULL,
  status_code   INTEGER NOT NULL,
  response      JSONB NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
