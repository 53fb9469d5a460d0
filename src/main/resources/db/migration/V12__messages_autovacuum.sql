-- Every send and every inbound message adds a row to messages, and each outbound row then changes two or
-- three times (SENT, DELIVERED, READ). By the defaults autovacuum analyzes the table once a tenth of it
-- has changed and vacuums it once a fifth of it has been inserted or has died: at 5,000 sends/s into a
-- table of half a million rows, an ANALYZE every 5 s and a VACUUM every 10-20 s, and each one ended
-- with a stall of 30-100 ms in the latency of the 202 (the send bench at a steady 5,000/s). Its
-- statements find rows through indexes, whose plans do not need fresh statistics, and most of its updates
-- are HOT, which free their space within the page. So both wait for a million changes more than the
-- defaults: a large table is looked after as before, a small one rarely.
ALTER TABLE messages SET (autovacuum_analyze_threshold = 1000000, autovacuum_vacuum_threshold = 1000000,
  autovacuum_vacuum_insert_threshold = 1000000);
