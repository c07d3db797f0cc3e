-- dangol store, schema version 28, PostgreSQL dialect of ../0028_set_based_references.sql: the
-- references of the tables `dangol import` loads are checked once per statement instead of once
-- per row (docs/postgresql.md, "Import"). PostgreSQL's foreign keys check each written row with a
-- query of its own; an import of 1 M orders made 2 M of them at COMMIT, most of its server time.
-- Here each reference is two statement-level AFTER triggers on the referring table (INSERT, which
-- COPY fires too, and UPDATE), whose transition table of the statement's rows is checked with one
-- join against the referenced table that also locks the rows it finds FOR KEY SHARE, as a foreign
-- key's check does, so that a concurrent DELETE of one waits for this transaction and then finds
-- it referred to. The referenced table has one trigger for DELETE and UPDATE (a key still
-- referred to may not go) and one for TRUNCATE. The messages and SQLSTATE (23503) are those of
-- the foreign keys they replace; a table's owner creates them, no superuser. Dropping the
-- constraint takes no lock on the rows; the migration runs in its own transaction as ever.
-- A table a cluster distributes (partitioned over foreign tables, src/store/cluster_postgres.c)
-- gets no trigger: PostgreSQL cannot collect transition tuples from foreign partitions, and a
-- cluster leaves those references to the importer and the services, as it did their foreign keys.

-- The rows of `added` (and for an UPDATE, the keys `removed` did not hold already) whose
-- reference TG_ARGV[0] has no row in table TG_ARGV[1] of key TG_ARGV[2]: an error, as the foreign
-- key's. The rows found are locked first, all in one statement; a key whose row was deleted
-- meanwhile is not locked and so not counted (a key added meanwhile: counted again).
CREATE FUNCTION dg_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted text := format(CASE TG_OP WHEN 'INSERT' THEN 'SELECT %1$I AS k FROM added'
                       ELSE 'SELECT %1$I AS k FROM added EXCEPT SELECT %1$I FROM removed' END,
                       TG_ARGV[0]);
    shortfall bigint;
    missing text;
BEGIN
    LOOP
        EXECUTE format('WITH w AS MATERIALIZED (SELECT DISTINCT k FROM (%s) a WHERE k IS NOT '
                       'NULL) SELECT (SELECT count(*) FROM w) - (SELECT count(*) FROM (SELECT 1 '
                       'FROM %I p WHERE p.%I IN (SELECT k FROM w) FOR KEY SHARE OF p) l)',
                       wanted, TG_ARGV[1], TG_ARGV[2]) INTO shortfall;
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

-- A DELETE or an UPDATE of key TG_ARGV[0] of this table may not take away a key that a table
-- TG_ARGV[i] still refers to in its column TG_ARGV[i + 1]; a TRUNCATE may not empty it while
-- one of them has rows (unless truncated in the same command, as TRUNCATE a, b allows).
CREATE FUNCTION dg_referenced_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    gone text[];
    used text;
    rows_left boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        FOR i IN 1 .. TG_NARGS - 1 BY 2 LOOP
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', TG_ARGV[i]) INTO rows_left;
            IF rows_left THEN
                RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                    MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                    DETAIL = format('Table "%s" references "%s".', TG_ARGV[i], TG_TABLE_NAME),
                    HINT = format('Truncate table "%s" at the same time, or use TRUNCATE ... '
                                  'CASCADE.', TG_ARGV[i]);
            END IF;
        END LOOP;
        RETURN NULL;
    END IF;
    EXECUTE format(CASE TG_OP WHEN 'DELETE' THEN 'SELECT array_agg(%1$I) FROM removed'
                   ELSE 'SELECT array_agg(k) FROM (SELECT %1$I AS k FROM removed EXCEPT '
                        'SELECT %1$I FROM added) v' END, TG_ARGV[0]) INTO gone;
    FOR i IN 1 .. TG_NARGS - 1 BY 2 LOOP
        EXIT WHEN gone IS NULL;
        EXECUTE format('SELECT k FROM unnest($1) k WHERE EXISTS (SELECT 1 FROM %I c WHERE c.%I '
                       '= k) LIMIT 1', TG_ARGV[i], TG_ARGV[i + 1]) INTO used USING gone;
        IF used IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
                MESSAGE = format('update or delete on table "%s" violates foreign key '
                                 'constraint "%s_%s_fkey" on table "%s"', TG_TABLE_NAME,
                                 TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i]),
                DETAIL = format('Key (%s)=(%s) is still referenced from table "%s".',
                                TG_ARGV[0], used, TG_ARGV[i]),
                TABLE = TG_ARGV[i],
                CONSTRAINT = format('%s_%s_fkey', TG_ARGV[i], TG_ARGV[i + 1]);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- The references: referring table, its column, the referenced table and its key.
DO $$
DECLARE
    refs CONSTANT text[] := ARRAY[
        ['customers', 'staff_id', 'staff', 'staff_id'],
        ['orders', 'customer_id', 'customers', 'customer_id'],
        ['orders', 'staff_id', 'staff', 'staff_id'],
        ['order_lines', 'order_id', 'orders', 'order_id'],
        ['order_lines', 'product_id', 'products', 'product_id'],
        ['feedback', 'customer_id', 'customers', 'customer_id'],
        ['feedback', 'staff_id', 'staff', 'staff_id'],
        ['surveys', 'customer_id', 'customers', 'customer_id'],
        ['interactions', 'customer_id', 'customers', 'customer_id'],
        ['interactions', 'staff_id', 'staff', 'staff_id'],
        ['referrals', 'referrer_id', 'customers', 'customer_id'],
        ['referrals', 'referred_id', 'customers', 'customer_id'],
        ['partner_activities', 'customer_id', 'customers', 'customer_id'],
        ['mot_visits', 'customer_id', 'customers', 'customer_id'],
        ['mot_visits', 'staff_id', 'staff', 'staff_id'],
        ['mot_ratings', 'visit_id', 'mot_visits', 'visit_id'],
        ['staff_surveys', 'staff_id', 'staff', 'staff_id']];
    r text[];
    parent text;
    args text;
BEGIN
    FOREACH r SLICE 1 IN ARRAY refs LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_partitioned_table
                              WHERE partrelid IN (r[1]::regclass, r[3]::regclass));
        EXECUTE format('ALTER TABLE %1$I DROP CONSTRAINT IF EXISTS %1$s_%2$s_fkey; '
                       'CREATE TRIGGER %1$s_%2$s_fkey_insert AFTER INSERT ON %1$I '
                       'REFERENCING NEW TABLE AS added FOR EACH STATEMENT '
                       'EXECUTE FUNCTION dg_reference_check(%2$L, %3$L, %4$L); '
                       'CREATE TRIGGER %1$s_%2$s_fkey_update AFTER UPDATE ON %1$I '
                       'REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT '
                       'EXECUTE FUNCTION dg_reference_check(%2$L, %3$L, %4$L)',
                       r[1], r[2], r[3], r[4]);
    END LOOP;
    FOR parent IN SELECT DISTINCT refs[i][3] FROM generate_subscripts(refs, 1) i LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_partitioned_table
                              WHERE partrelid = parent::regclass);
        SELECT string_agg(format('%L, %L', refs[i][1], refs[i][2]), ', ' ORDER BY i)
            INTO args FROM generate_subscripts(refs, 1) i WHERE refs[i][3] = parent;
        EXECUTE format('CREATE TRIGGER %1$s_referenced_delete AFTER DELETE ON %1$I '
                       'REFERENCING OLD TABLE AS removed FOR EACH STATEMENT '
                       'EXECUTE FUNCTION dg_referenced_check(%2$L, %3$s); '
                       'CREATE TRIGGER %1$s_referenced_update AFTER UPDATE ON %1$I '
                       'REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT '
                       'EXECUTE FUNCTION dg_referenced_check(%2$L, %3$s); '
                       'CREATE TRIGGER %1$s_referenced_truncate AFTER TRUNCATE ON %1$I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION dg_referenced_check(%2$L, %3$s)',
                       parent, (SELECT refs[i][4] FROM generate_subscripts(refs, 1) i
                                WHERE refs[i][3] = parent LIMIT 1), args);
    END LOOP;
END $$;
