-- dangol store, schema version 3: the frame snapshot (docs/snapshot.md). The columnar frame of
-- the store, serialized, kept in the store itself in chunks with a checksum each, so a cold
-- process reads it in one pass instead of rebuilding it row by row. It is a cache: never
-- trusted unless its generation is the store's current one and every checksum matches.
-- frame_snapshot_state holds the store's generation and a dirty flag. Every record table has
-- triggers (created and re-created by the migrator, src/store/snapshot_sqlite.c) that, on the
-- first write after a snapshot was taken, bump the generation and set dirty: a snapshot is
-- current only while the state still shows its generation with dirty = 0.
CREATE TABLE frame_snapshot_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL,
    dirty      INTEGER NOT NULL CHECK (dirty IN (0, 1))
);
INSERT INTO frame_snapshot_state (id, generation, dirty) VALUES (1, 1, 1);
-- one row per kind of frame ("orders", "orders+lines"): what the chunks hold
CREATE TABLE frame_snapshot_header (
    variant    TEXT PRIMARY KEY,
    format     INTEGER NOT NULL,   -- serialization format version of the frame
    generation INTEGER NOT NULL,   -- the store's generation the frame was read at
    chunks     INTEGER NOT NULL,
    bytes      INTEGER NOT NULL,
    customers  INTEGER NOT NULL,
    orders     INTEGER NOT NULL,
    lines      INTEGER NOT NULL,
    as_of      INTEGER NOT NULL,   -- the frame's as-of day
    saved_at   INTEGER NOT NULL    -- UTC seconds
);
CREATE TABLE frame_snapshot (
    variant  TEXT NOT NULL,        -- a frame_snapshot_header's
    chunk    INTEGER NOT NULL,
    checksum INTEGER NOT NULL,     -- of data, src/store/snapshot_sqlite.c
    data     BLOB NOT NULL,        -- a rowid table: a chunk is read by incremental blob I/O,
    UNIQUE (variant, chunk)        -- straight into the reader's buffer
);
