-- dangol store, schema version 23: the frame snapshot's delta segments (docs/snapshot.md,
-- "Appending"). An import that only added records (new customers and orders whose ids sort after
-- every existing one) writes the rows it added here, in its own transaction, and leaves the
-- snapshot current at the new generation instead of marking it out of date: a reader loads the
-- base snapshot and merges the segments in memory, so importing 1 % more orders writes about 1 %
-- of the snapshot, not all of it. A segment is used only when its checksum matches and the
-- segments run without a gap from the base's generation to the store's; otherwise, and once the
-- segments pass a tenth of the base, the next reader rebuilds the frame and saves a whole
-- snapshot, which drops them.
CREATE TABLE IF NOT EXISTS frame_snapshot_delta (
    generation INTEGER PRIMARY KEY,   -- the store's generation after the import that wrote it
    base       INTEGER NOT NULL,      -- the generation it applies to (generation - 1)
    customers  INTEGER NOT NULL,      -- customers added
    orders     INTEGER NOT NULL,      -- orders added
    bytes      INTEGER NOT NULL,
    checksum   INTEGER NOT NULL,      -- of data, src/store/snapshot_sqlite.c
    data       BLOB NOT NULL,         -- the added rows (src/store/snapshot_delta.h)
    saved_at   INTEGER NOT NULL       -- UTC seconds
);
