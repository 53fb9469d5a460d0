-- A client's monthly quota of outbound messages (null: unlimited) and its use per calendar month (UTC).
ALTER TABLE clients ADD COLUMN monthly_message_quota BIGINT;
CREATE TABLE client_usage (
  client_id     TEXT   NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  month         DATE   NOT NULL,
  messages_sent BIGINT NOT NULL DEFAULT 0,
  api_requests  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, month)
);

-- Reserves messages under monthly quotas for a batch of sends, in one call: each request (its client,
-- its count, its client's limit) is granted whole or refused whole, in order. Returns, per request,
-- the month's count after it when granted, or -(count)-1 when refused. The clients' rows are locked
-- in client order, so concurrent calls from several nodes cannot deadlock and never pass a limit together.
CREATE FUNCTION reserve_messages(clients TEXT[], counts INT[], limits BIGINT[], for_month DATE)
RETURNS BIGINT[] LANGUAGE plpgsql AS $$
DECLARE
  used   JSONB := '{}';
  answer BIGINT[] := '{}';
  r      RECORD;
  now_at BIGINT;
BEGIN
  INSERT INTO client_usage (client_id, month)
    SELECT DISTINCT c, for_month FROM unnest(clients) AS c ORDER BY 1
    ON CONFLICT DO NOTHING;
  FOR r IN SELECT client_id, messages_sent FROM client_usage
           WHERE client_id = ANY(clients) AND month = for_month ORDER BY client_id FOR UPDATE LOOP
    used := used || jsonb_build_object(r.client_id, r.messages_sent);
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(clients, 1), 0) LOOP
    now_at := (used ->> clients[i])::BIGINT;
    IF now_at + counts[i] <= limits[i] THEN
      used := used || jsonb_build_object(clients[i], now_at + counts[i]);
      answer := answer || (now_at + counts[i]);
    ELSE
      answer := answer || (-now_at - 1);
    END IF;
  END LOOP;
  UPDATE client_usage u SET messages_sent = (used ->> u.client_id)::BIGINT
    WHERE u.month = for_month AND u.client_id = ANY(clients)
      AND u.messages_sent <> (used ->> u.client_id)::BIGINT;
  RETURN answer;
END $$;
