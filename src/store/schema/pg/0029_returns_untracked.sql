-- dangol store, schema version 29, PostgreSQL dialect of ../0029_returns_untracked.sql: the
-- returns' tables lose the statement trigger that marks the frame snapshot out of date
-- (src/store/snapshot_postgres.c gives it to the tables src/store/snapshot.h tracks, which no
-- longer include them): a return changes nothing the frame reads.
DROP TRIGGER IF EXISTS frame_snapshot_mark ON order_returns;
DROP TRIGGER IF EXISTS frame_snapshot_mark ON order_return_requests;
