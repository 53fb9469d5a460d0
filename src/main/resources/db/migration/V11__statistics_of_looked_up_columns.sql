-- ANALYZE sorts a sample of up to 30,000 rows by every column. No query filters, joins or sorts on the
-- columns below; a message id and an event id are looked up through unique indexes, which tell the
-- planner one row without statistics. Sorting the sample by them (JSON documents and whole envelopes
-- among them) was 8% of PostgreSQL's CPU in a send bench run, where autovacuum analyzes the fast-growing
-- messages table every few seconds. Without statistics, ANALYZE skips them.
ALTER TABLE messages
  ALTER COLUMN message_id SET STATISTICS 0,
  ALTER COLUMN sender SET STATISTICS 0,
  ALTER COLUMN content SET STATISTICS 0,
  ALTER COLUMN error SET STATISTICS 0,
  ALTER COLUMN sent_at SET STATISTICS 0,
  ALTER COLUMN delivered_at SET STATISTICS 0,
  ALTER COLUMN read_at SET STATISTICS 0;
ALTER TABLE events
  ALTER COLUMN id SET STATISTICS 0,
  ALTER COLUMN payload SET STATISTICS 0;
