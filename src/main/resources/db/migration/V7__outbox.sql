-- The outbox moves out of messages into its own small table: one row per outbound message that is
-- still to be sent (queued or scheduled), deleted once it is sent or failed. Before this, every
-- status change of a message (QUEUED -> SENDING -> SENT -> DELIVERED -> READ) touched a column in the
-- predicate of partial indexes on messages, so none could be a HOT update: each wrote a new entry
-- into every index, and the outbox scans and the SENT update waded through those dead versions.
-- Now messages has no index on status: its updates stay on their page (fillfactor leaves the room).
CREATE TABLE outbox (
  id          BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  client_id   TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  send_at     TIMESTAMPTZ,                        -- set while scheduled; NULL once due
  sending     BOOLEAN NOT NULL DEFAULT false,     -- taken by the device actor: no longer cancellable
  queued_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX outbox_queue ON outbox (client_id, device_id, id) WHERE send_at IS NULL;
CREATE INDEX outbox_due ON outbox (send_at) WHERE send_at IS NOT NULL;
CREATE INDEX outbox_scheduled ON outbox (client_id, id) WHERE send_at IS NOT NULL;

INSERT INTO outbox (id, client_id, device_id, send_at, sending, queued_at)
SELECT id, client_id, device_id, CASE WHEN status = 'SCHEDULED' THEN send_at END, status = 'SENDING', created_at
FROM messages WHERE status IN ('QUEUED', 'SENDING', 'SCHEDULED');
UPDATE messages SET status = 'QUEUED' WHERE status = 'SENDING';

DROP INDEX messages_outbox;
DROP INDEX messages_scheduled;
DROP INDEX messages_scheduled_client;
ALTER TABLE messages SET (fillfactor = 80);
