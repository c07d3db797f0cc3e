-- dangol store, schema version 25, PostgreSQL dialect of ../0025_points_lot_open.sql: the lots'
-- two partial indexes conditioned on is_open (true while a lot has points left) instead of
-- remaining > 0. Here it matters too: an UPDATE that changes a column an index reads, its
-- predicate included, cannot be a heap-only (HOT) update and writes a new entry in every index of
-- the table; with remaining read by no index, a burn that leaves points in its lot is HOT. A
-- BEFORE trigger keeps is_open = (remaining > 0) whatever writes remaining.
ALTER TABLE points_lots ADD COLUMN is_open BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE points_lots SET is_open = FALSE WHERE remaining = 0;
DROP INDEX points_lots_open;
DROP INDEX points_lots_expiry;
CREATE INDEX points_lots_open ON points_lots (customer_id, expires_on, lot_id) WHERE is_open;
CREATE INDEX points_lots_expiry ON points_lots (expires_on) WHERE is_open;
CREATE FUNCTION points_lots_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.is_open := NEW.remaining > 0;
    RETURN NEW;
END $$;
CREATE TRIGGER points_lots_open BEFORE INSERT OR UPDATE OF remaining ON points_lots
FOR EACH ROW EXECUTE FUNCTION points_lots_open();
