-- dangol store, schema version 25: a points lot's is_open flag (1 while it has points left), on
-- which the lots' two partial indexes (a customer's open lots; the open lots by expiry day) are
-- now conditioned instead of on remaining > 0. SQLite rewrites a partial index's entry whenever
-- an UPDATE sets a column its WHERE clause reads, so every burn (remaining = remaining - n)
-- rewrote both index entries of its lot: two of the pages each burn wrote. is_open changes only
-- when a lot empties or is refilled, so a burn that leaves points in its lot writes neither
-- index. The expiry job reads the same entries and empties its lots as before (its UPDATE sets
-- is_open = 0 with remaining = 0), so it keeps its speed.
ALTER TABLE points_lots ADD COLUMN is_open INTEGER NOT NULL DEFAULT 1 CHECK (is_open IN (0, 1));
UPDATE points_lots SET is_open = 0 WHERE remaining = 0;
DROP INDEX points_lots_open;
DROP INDEX points_lots_expiry;
CREATE INDEX points_lots_open ON points_lots (customer_id, expires_on, lot_id) WHERE is_open;
CREATE INDEX points_lots_expiry ON points_lots (expires_on) WHERE is_open;
-- is_open = (remaining > 0) always, whatever writes remaining (a burn, a reversal, a rebuild of
-- the lots, a benchmark's fixture written by SQL): these set it when a row does not
CREATE TRIGGER points_lots_open_insert AFTER INSERT ON points_lots
WHEN NEW.is_open <> (NEW.remaining > 0)
BEGIN UPDATE points_lots SET is_open = (NEW.remaining > 0) WHERE lot_id = NEW.lot_id; END;
CREATE TRIGGER points_lots_open_update AFTER UPDATE OF remaining ON points_lots
WHEN NEW.is_open <> (NEW.remaining > 0)
BEGIN UPDATE points_lots SET is_open = (NEW.remaining > 0) WHERE lot_id = NEW.lot_id; END;
