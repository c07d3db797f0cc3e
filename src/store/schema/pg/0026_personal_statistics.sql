-- dangol store, schema version 26, PostgreSQL dialect of ../0026_personal_statistics.sql: the
-- columns an erasure empties (the catalog's personal columns, the birth year, the notes and the
-- service texts: src/store/erasure_sql.h, erasure_sqlite.c) and the text-search indexes over
-- them get a statistics target of 0. ANALYZE (autovacuum runs it) otherwise samples their values
-- into pg_statistic (most common values, histogram bounds, the indexes' most common lexemes),
-- where an erased name or phone would survive the erasure's VACUUM (FULL): that catalog is the
-- superuser's to rewrite. With a target of 0 ANALYZE gathers nothing for them. Statistics already
-- gathered before this migration stay until a superuser deletes them (docs/security.md).
ALTER TABLE customers ALTER COLUMN name SET STATISTICS 0, ALTER COLUMN phone SET STATISTICS 0,
    ALTER COLUMN email SET STATISTICS 0, ALTER COLUMN birth_year SET STATISTICS 0;
ALTER TABLE feedback ALTER COLUMN text SET STATISTICS 0;
ALTER TABLE interactions ALTER COLUMN note SET STATISTICS 0;
ALTER TABLE partner_activities ALTER COLUMN note SET STATISTICS 0;
ALTER TABLE tickets ALTER COLUMN subject SET STATISTICS 0;
ALTER TABLE ticket_events ALTER COLUMN detail SET STATISTICS 0;
ALTER TABLE order_returns ALTER COLUMN reason SET STATISTICS 0;
ALTER TABLE followup_tasks ALTER COLUMN note SET STATISTICS 0;
ALTER INDEX ticket_search ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX ticket_event_search ALTER COLUMN 1 SET STATISTICS 0;
