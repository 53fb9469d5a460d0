-- Each stored event checked three foreign keys per row (its client, and its delivery's event and client):
-- three lookups, and a row lock (a record in the write-ahead log) on the event the same statement had
-- just inserted. What they still did is the cascades, which triggers do now, once per statement:
-- deleting a client deletes its events and deliveries, deleting an event (the purge) its deliveries.
-- An event stored while its client is being deleted can outlive it; its delivery then fails ("the
-- client no longer exists") and the purge removes both.
ALTER TABLE events DROP CONSTRAINT events_client_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_client_id_fkey;

CREATE FUNCTION events_forget_deleted_clients() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM webhook_deliveries w USING gone g WHERE w.client_id = g.client_id;
  DELETE FROM events e USING gone g WHERE e.client_id = g.client_id;
  RETURN NULL;
END $$;

CREATE TRIGGER clients_deleted AFTER DELETE ON clients
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION events_forget_deleted_clients();

CREATE FUNCTION deliveries_forget_deleted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM webhook_deliveries w USING gone g WHERE w.event_id = g.id;
  RETURN NULL;
END $$;

CREATE TRIGGER events_deleted AFTER DELETE ON events
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION deliveries_forget_deleted_events();
