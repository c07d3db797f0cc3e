-- dangol store, schema version 3, PostgreSQL dialect of ../0003_frame_snapshot.sql. The tables of
-- the frame snapshot, so the schema is the same; a PostgreSQL store does not keep a snapshot yet
-- (docs/postgresql.md): its frame is read from the rows with COPY every time, never stale.
CREATE TABLE frame_snapshot_state (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    dirty      BIGINT NOT NULL CHECK (dirty IN (0, 1))
);
INSERT INTO frame_snapshot_state (id, generation, dirty) VALUES (1, 1, 1);
CREATE TABLE frame_snapshot_header (
    variant    TEXT PRIMARY KEY,
    format     BIGINT NOT NULL,
    generation BIGINT NOT NULL,
    chunks     BIGINT NOT NULL,
    bytes      BIGINT NOT NULL,
    customers  BIGINT NOT NULL,
    orders     BIGINT NOT NULL,
    lines      BIGINT NOT NULL,
    as_of      BIGINT NOT NULL,
    saved_at   BIGINT NOT NULL
);
CREATE TABLE frame_snapshot (
    variant  TEXT NOT NULL,
    chunk    BIGINT NOT NULL,
    checksum BIGINT NOT NULL,
    data     BYTEA NOT NULL,
    UNIQUE (variant, chunk)
);
