/* The PostgreSQL backend without a server (the e2e test tests/e2e/test_postgres.sh runs a real
 * one): every numbered migration has its PostgreSQL dialect, connection strings are told from
 * paths, a store's name never shows a password, a refused connection is an error and no crash;
 * and the scan's column selection the frame uses to read less. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dangol/store.h"
#include "store/migrate.h"
#include "store/postgres.h"
#include "support.h"

Test(postgres, every_migration_has_a_postgresql_dialect)
{
    int sqlite_versions[256], pg_versions[256];
    size_t n_sqlite = dg__sqlite_migration_versions(sqlite_versions, 256);
    size_t n_pg = dg__pg_migration_versions(pg_versions, 256);
    cr_assert_leq(n_sqlite, 256);
    for (size_t i = 0; i < n_sqlite; i++) {
        bool found = false;
        for (size_t j = 0; j < n_pg && j < 256; j++)
            found = found || pg_versions[j] == sqlite_versions[i];
        cr_expect(found, "migration %04d has no PostgreSQL dialect in src/store/schema/pg/",
                  sqlite_versions[i]);
    }
    cr_expect_eq(n_pg, n_sqlite, "src/store/schema/pg/ has a migration SQLite does not");
}

Test(postgres, connection_strings_are_told_from_paths)
{
    cr_expect(dg__pg_is_conninfo("postgresql://u:p@localhost:5432/db"));
    cr_expect(dg__pg_is_conninfo("postgres://localhost/db"));
    cr_expect(dg__pg_is_conninfo("host=localhost dbname=shop"));
    cr_expect(dg__pg_is_conninfo("host=/var/run/postgresql dbname=shop"));
    cr_expect(dg__pg_is_conninfo("dbname=shop"));
    cr_expect(dg__pg_is_conninfo("sslmode=require host=db.example dbname=shop"));   /* any option first */
    cr_expect(dg__pg_is_conninfo("connect_timeout=3 dbname=shop"));
    cr_expect(dg__pg_is_conninfo("application_name='dangol x' dbname=shop"));
    cr_expect(!dg__pg_is_conninfo("dangol.db"));
    cr_expect(!dg__pg_is_conninfo("/var/lib/dangol/shop.db"));
    cr_expect(!dg__pg_is_conninfo("./a=b/shop.db"));
    cr_expect(!dg__pg_is_conninfo("a=b/shop.db"));
    cr_expect(!dg__pg_is_conninfo("runs/day=1.db"));
    cr_expect(!dg__pg_is_conninfo("sslmode=require host=db /shop.db"));   /* not libpq's syntax */
}

Test(postgres, the_name_never_shows_the_password)
{
    char buf[256];
    dg_store_describe("postgresql://alice:s3cret@db.example:6543/shop", buf, sizeof buf);
    cr_expect_str_eq(buf, "PostgreSQL alice@db.example:6543/shop");
    cr_expect_null(strstr(buf, "s3cret"));
    dg_store_describe("host=db.internal user=bob password=hunter2 dbname=crm", buf, sizeof buf);
    cr_expect_null(strstr(buf, "hunter2"));
    cr_expect_str_eq(buf, "PostgreSQL bob@db.internal/crm");
    dg_store_describe("shop.db", buf, sizeof buf);
    cr_expect_str_eq(buf, "shop.db");
}

Test(postgres, a_refused_connection_is_an_error)
{
    dg_store *store = NULL;
    dg_error err;
    dg_error_clear(&err);
    /* nothing listens on port 1 of the loopback */
    int rc = dg_store_open(&store, "postgresql://dangol:pw@127.0.0.1:1/shop?connect_timeout=5", 0,
                           &err);
    cr_assert_eq(rc, DG_ESTORE, "%s", err.message);
    cr_expect_null(store);
    cr_expect(strstr(err.message, "PostgreSQL dangol@127.0.0.1:1/shop: cannot connect"), "%s",
              err.message);
    cr_expect_null(strstr(err.message, ":pw@"), "%s", err.message);
}

typedef struct {
    int name, phone;
    bool id_read, name_read, phone_unset;
} seen_row;

static int check_row(void *ctx, const dg_value *row)
{
    seen_row *x = ctx;
    x->id_read = !row[0].is_null && strcmp(row[0].u.s, "C-1") == 0;
    x->name_read = !row[x->name].is_null && strcmp(row[x->name].u.s, "Kim") == 0;
    x->phone_unset = row[x->phone].is_null;
    return 0;
}

Test(postgres, a_scan_reads_only_the_columns_asked_for)
{
    char path[64];
    dg_store *store = NULL;
    dg_error err;
    snprintf(path, sizeof path, "/tmp/dangol-test-pgcols-%d.db", (int)getpid());
    unlink(path);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    const dg_entity *e = dg_entity_find("customers");
    dg_value row[64];
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    int name = dg_entity_column(e, "name"), phone = dg_entity_column(e, "phone");
    row[0] = (dg_value){ .u.s = "C-1" };
    row[name] = (dg_value){ .u.s = "Kim" };
    row[phone] = (dg_value){ .u.s = "010" };
    cr_assert_eq(dg_store_put(store, e, row, &err), 0, "%s", err.message);
    seen_row seen = { .name = name, .phone = phone };
    dg_scan_filter only_name = { .columns = (UINT64_C(1) << 0) | (UINT64_C(1) << name) };
    cr_assert_eq(dg_store_scan(store, e, &only_name, check_row, &seen, &err), 0, "%s",
                 err.message);
    cr_expect(seen.id_read && seen.name_read);
    cr_expect(seen.phone_unset, "phone was not asked for");
    dg_scan_filter all = { 0 };
    cr_assert_eq(dg_store_scan(store, e, &all, check_row, &seen, &err), 0, "%s", err.message);
    cr_expect(!seen.phone_unset, "0 reads every column");
    dg_store_close(store);
    test_remove_store(path);
}
