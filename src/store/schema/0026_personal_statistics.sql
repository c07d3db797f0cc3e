-- dangol store, schema version 26: nothing on SQLite. Its PostgreSQL dialect keeps personal
-- values out of the planner's statistics (pg/0026_personal_statistics.sql); SQLite's ANALYZE is
-- never run by dangol and this build keeps no sampled values (no STAT4), so no statistic of a
-- SQLite store holds a name, a phone or a text.
SELECT 1;
