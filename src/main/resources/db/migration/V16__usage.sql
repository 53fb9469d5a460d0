-- A client's monthly quota of outbound messages (null: unlimited) and its use per calendar month (UTC).
ALTER TABLE clients ADD COLUMN monthly_message_quota BIGINT;
CREATE TABLE client_usage (
  client_id     TEXT   NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  month         DATE   NOT NULL,
  messages_sent BIGINT NOT NULL DEFAULT 0,
  api_requests  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, month)
);
