-- How many devices each client has, kept by the statements that add and remove devices, so that a
-- registration checks maxDevices by incrementing it (one row lock, held for one statement and its
-- commit) instead of counting the client's devices under a lock held across several round trips.
ALTER TABLE clients ADD COLUMN device_count INTEGER NOT NULL DEFAULT 0;
UPDATE clients c SET device_count = (SELECT count(*) FROM devices d WHERE d.client_id = c.client_id);
