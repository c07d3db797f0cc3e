-- dangol store, schema version 27, PostgreSQL dialect: the frame snapshot's delta segments
-- (docs/snapshot.md, "Appending" and "Updating"; ../0023_snapshot_delta.sql, whose PostgreSQL
-- dialect did nothing when a PostgreSQL store kept no snapshot). An import that only added
-- customers and orders, or an API write of one customer or order, writes the rows it added or
-- changed here in its own transaction and leaves the snapshot current at the new generation
-- (src/store/snapshot_delta_postgres.c), instead of putting it out of date: the next reader
-- applies the segments to the base snapshot's frame rather than rebuilding it from the rows.
CREATE TABLE IF NOT EXISTS frame_snapshot_delta (
    generation BIGINT PRIMARY KEY,   -- the store's generation after the write that wrote it
    base       BIGINT NOT NULL,      -- the generation it applies to (generation - 1)
    customers  BIGINT NOT NULL,      -- customers added (changed, for an update segment)
    orders     BIGINT NOT NULL,      -- orders added
    bytes      BIGINT NOT NULL,
    checksum   BIGINT NOT NULL,      -- of data, src/store/snapshot_sqlite.c
    data       BYTEA NOT NULL,       -- the rows (src/store/snapshot_delta.h)
    saved_at   BIGINT NOT NULL       -- UTC seconds
);
-- the segments are read in one piece and checked by their own checksum: not compressed again
ALTER TABLE frame_snapshot_delta ALTER COLUMN data SET STORAGE EXTERNAL;
