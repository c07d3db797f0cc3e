-- The tier tables of schema 31 made again, with their rows, from a store of schema 32
-- (src/store/schema/0032_tier_history_narrow.sql): the tests that put a store back to an earlier
-- schema version undo migration 32 with this, so that it applies again
-- (test_snapshot_programmes.c) or is checked to carry the rows across (test_tiers.c). Their
-- columns, not their constraints: migration 32 only reads the two tables and drops them. The
-- later migrations undone too: 33's points indexes (as they were before it) and 34's customer of
-- the points allocations and ticket events.
CREATE TABLE tier_state_31 AS SELECT customer_id, tier, since, run_id FROM tier_state;
CREATE TABLE tier_history_31 AS SELECT * FROM tier_history ORDER BY history_id;
DROP VIEW tier_state;
DROP VIEW tier_history;
DROP TABLE tier_changes;
DROP TABLE tier_codes;
ALTER TABLE tier_state_31 RENAME TO tier_state;
ALTER TABLE tier_history_31 RENAME TO tier_history;
DROP INDEX points_lots_customer;
CREATE INDEX points_lots_open ON points_lots (customer_id, expires_on, lot_id) WHERE is_open;
CREATE INDEX points_allocations_lot ON points_allocations (lot_id);
ALTER TABLE points_allocations DROP COLUMN customer_id;
ALTER TABLE ticket_events DROP COLUMN customer_id;
