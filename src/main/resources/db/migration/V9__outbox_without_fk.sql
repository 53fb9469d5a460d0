-- The outbox's foreign key to messages checked, for every send, a row the same statement had just
-- inserted: a lookup and a row lock (a record in the write-ahead log) per message, for nothing.
-- What it still did is the cascade: an outbox row goes when its message goes, which happens only
-- when the device (or its client) is deleted. A trigger does that now, once per statement.
ALTER TABLE outbox DROP CONSTRAINT outbox_id_fkey;

CREATE FUNCTION outbox_forget_deleted_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM outbox o USING gone g WHERE o.id = g.id;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_deleted AFTER DELETE ON messages
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION outbox_forget_deleted_messages();
