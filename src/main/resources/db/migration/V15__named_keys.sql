-- Several named keys per client, each with scopes and an optional list of devices. The key issued by
-- POST /api/clients/:clientId/key (the client's "main" key) stays one per client, with every scope.
ALTER TABLE client_keys DROP CONSTRAINT client_keys_pkey;
ALTER TABLE client_keys ADD PRIMARY KEY (key_id);
ALTER TABLE client_keys DROP CONSTRAINT client_keys_key_id_key;
ALTER TABLE client_keys
  ADD COLUMN main       BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN name       TEXT    NOT NULL DEFAULT 'main',
  ADD COLUMN scopes     TEXT[]  NOT NULL DEFAULT '{*}',
  ADD COLUMN device_ids TEXT[];
UPDATE client_keys SET main = true;
CREATE UNIQUE INDEX client_keys_main ON client_keys (client_id) WHERE main;
CREATE INDEX client_keys_client ON client_keys (client_id, created_at);
