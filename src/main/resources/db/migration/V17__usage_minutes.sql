-- What the stats API sums: per client and minute, the messages sent, delivered, read, failed and
-- received and the webhook deliveries delivered and dead-lettered. The statements that make those
-- changes count them, and each node adds the counts to their minute's row once a second
-- (store.UsageRollup); a month of a client is at most 43,200 rows read by key.
CREATE TABLE usage_minutes (
  client_id          TEXT NOT NULL,
  minute             TIMESTAMPTZ NOT NULL,
  sent               BIGINT NOT NULL DEFAULT 0,
  delivered          BIGINT NOT NULL DEFAULT 0,
  read               BIGINT NOT NULL DEFAULT 0,
  failed             BIGINT NOT NULL DEFAULT 0,
  received           BIGINT NOT NULL DEFAULT 0,
  webhook_delivered  BIGINT NOT NULL DEFAULT 0,
  webhook_failed     BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, minute)
);
-- The operator's stats sum every client's rows of a period.
CREATE INDEX usage_minutes_minute ON usage_minutes (minute);

-- The client's message log, newest first across its devices and chats (the cursor is the id).
CREATE INDEX messages_client_log ON messages (client_id, id DESC);

-- The client's call log: every call a device saw (events are stored only for clients with a webhook).
CREATE TABLE calls (
  client_id  TEXT NOT NULL,
  device_id  TEXT NOT NULL,
  call_id    TEXT NOT NULL,
  caller     TEXT,
  video      BOOLEAN NOT NULL,
  rejected   BOOLEAN NOT NULL,
  at         TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (client_id, device_id, call_id),
  FOREIGN KEY (client_id, device_id) REFERENCES devices (client_id, device_id) ON DELETE CASCADE
);
CREATE INDEX calls_client ON calls (client_id, at DESC, call_id DESC);
