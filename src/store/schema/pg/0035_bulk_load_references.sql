-- dangol store, schema version 35, PostgreSQL dialect of ../0035_bulk_load_references.sql: the
-- reference check of schema 28 (pg/0028_set_based_references.sql) remembers, during a bulk
-- import, the keys it has locked, and does not look them up and lock them again. A bulk import
-- (dg_store_begin_unchecked: `SET LOCAL dangol.bulk_load = on`, src/store/postgres.c) writes its
-- rows in chunks of 128 k, one INSERT each, and each chunk's trigger looked up and locked its
-- distinct customers again: 1 M orders over 100 k customers locked ~580 k rows for 100 k keys.
-- Now each key the check has locked FOR KEY SHARE goes into a temporary table of the session,
-- dropped at COMMIT (pg_temp.dg_locked_<referenced table>), and the next statements of the
-- transaction check only the keys not in it. A lock stays until the transaction ends, so a key
-- in that table is still locked (a ROLLBACK TO SAVEPOINT takes back the locks and the table's
-- rows of the subtransaction together). Outside a bulk import (the services, SQL) nothing
-- changes. The temporary table is the session's own: only the writer of the import can put keys
-- in it, a writer who, as the tables' owner, could as well drop the triggers.
CREATE OR REPLACE FUNCTION dg_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted text := format(CASE TG_OP WHEN 'INSERT' THEN 'SELECT %1$I AS k FROM added'
                       ELSE 'SELECT %1$I AS k FROM added EXCEPT SELECT %1$I FROM removed' END,
                       TG_ARGV[0]);
    bulk boolean := coalesce(current_setting('dangol.bulk_load', true), '') = 'on';
    locked text := 'dg_locked_' || TG_ARGV[1];
    shortfall bigint;
    missing text;
BEGIN
    IF bulk THEN
        EXECUTE format('CREATE TEMPORARY TABLE IF NOT EXISTS %I (k text) ON COMMIT DROP', locked);
    END IF;
    LOOP
        IF bulk THEN   -- the keys not locked yet, locked and remembered in one statement
            EXECUTE format('WITH w AS MATERIALIZED (SELECT DISTINCT k FROM (%s) a WHERE k IS '
                           'NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_temp.%I d WHERE d.k = '
                           'a.k)), l AS (INSERT INTO pg_temp.%I SELECT p.%I FROM %I p WHERE p.%I '
                           'IN (SELECT k FROM w) FOR KEY SHARE OF p RETURNING 1) '
                           'SELECT (SELECT count(*) FROM w) - (SELECT count(*) FROM l)',
                           wanted, locked, locked, TG_ARGV[2], TG_ARGV[1], TG_ARGV[2])
                INTO shortfall;
        ELSE
            EXECUTE format('WITH w AS MATERIALIZED (SELECT DISTINCT k FROM (%s) a WHERE k IS '
                           'NOT NULL) SELECT (SELECT count(*) FROM w) - (SELECT count(*) FROM '
                           '(SELECT 1 FROM %I p WHERE p.%I IN (SELECT k FROM w) FOR KEY SHARE '
                           'OF p) l)', wanted, TG_ARGV[1], TG_ARGV[2]) INTO shortfall;
        END IF;
        IF shortfall = 0 THEN
            RETURN NULL;
        END IF;
        EXECUTE format('SELECT k FROM (%s) a WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM '
                       '%I p WHERE p.%I = a.k) LIMIT 1', wanted, TG_ARGV[1], TG_ARGV[2])
            INTO missing;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
                MESSAGE = format('insert or update on table "%s" violates foreign key constraint '
                                 '"%s_%s_fkey"', TG_TABLE_NAME, TG_TABLE_NAME, TG_ARGV[0]),
                DETAIL = format('Key (%s)=(%s) is not present in table "%s".', TG_ARGV[0],
                                missing, TG_ARGV[1]),
                TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[0],
                CONSTRAINT = format('%s_%s_fkey', TG_TABLE_NAME, TG_ARGV[0]);
        END IF;
    END LOOP;
END $$;
