-- The outbox is a queue: every row is inserted, updated once (taken) and deleted within seconds, so
-- at a few thousand sends a second it holds a few thousand live rows and gains that many dead ones a
-- second. Left to the default (vacuumed once a fifth of the table is dead, which its growing count of
-- dead rows keeps putting off), a claim walked tens of thousands of dead index entries and heap
-- tuples: 2,462 buffers per claim statement in a bench run, against under 200 when vacuumed. Vacuum it
-- whenever a thousand rows have died, without the cost-based pauses (it is small: a vacuum of it takes
-- milliseconds).
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_cost_delay = 0);
