-- dangol store, schema version 2, PostgreSQL dialect of ../0002_orders_without_rowid.sql. SQLite
-- rebuilt orders as a WITHOUT ROWID table; a PostgreSQL heap with its primary-key index is what
-- version 1 made already, so this step changes nothing (it keeps the version numbers one list).
SELECT 1;
