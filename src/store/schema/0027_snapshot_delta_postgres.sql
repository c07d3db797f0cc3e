-- dangol store, schema version 27: nothing to do on SQLite. This version gives a PostgreSQL store
-- the frame snapshot's delta segments (pg/0027_snapshot_delta_postgres.sql), which a SQLite
-- store has had since version 23 (0023_snapshot_delta.sql).
SELECT 1;
