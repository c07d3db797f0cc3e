-- The points indexes of schema 32 made again in a store of schema 33
-- (src/store/schema/0033_points_expiry_pages.sql): the tests that put a store back to an earlier
-- schema version undo migration 33 with this, so that it applies again.
DROP INDEX points_lots_customer;
CREATE INDEX points_lots_open ON points_lots (customer_id, expires_on, lot_id) WHERE is_open;
CREATE INDEX points_allocations_lot ON points_allocations (lot_id);
