/* Schema migrations. Each src/store/schema/NNNN_name.sql is compiled in (scripts/embed.sh) and
 * applied in order, in one transaction per step that also sets PRAGMA user_version, so a store is
 * always at a whole version: a newer binary upgrades an older store, an older binary refuses a
 * newer store instead of guessing at tables it does not know. Steps run with foreign keys off,
 * so a step can rebuild a table others refer to (SQLite's documented way to change a table's
 * definition), and every reference is checked again before the step commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/store.h"
#include "store/migrate.h"
#include "store/snapshot.h"

typedef struct {
    int version;
    const char *const *lines;   /* the .sql file, one string per line, NULL-terminated */
} migration;

static int exec(sqlite3 *db, const char *sql, dg_error *err);

static const migration migrations[] = {
#include "schema.inc"
};

#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

size_t dg__sqlite_migration_versions(int *out, size_t cap)
{
    for (size_t i = 0; i < N_MIGRATIONS && i < cap; i++)
        out[i] = migrations[i].version;
    return N_MIGRATIONS;
}

int dg_store_schema_latest(void)
{
    return migrations[N_MIGRATIONS - 1].version;
}

int dg__store_version_error(const char *path, int version, dg_error *err)
{
    if (version > dg_store_schema_latest())
        return dg_error_set(err, DG_EVERSION, "%s: the store was written by a newer dangol (schema "
                            "version %d; this dangol knows up to %d); upgrade dangol to open it",
                            path, version, dg_store_schema_latest());
    return dg_error_set(err, DG_ESTORE, "%s: the store has schema version %d, this dangol needs %d; "
                        "open it once read-write (`dangol init` does) to upgrade it", path, version,
                        dg_store_schema_latest());
}

/* Runs one migration's lines as a single script. */
static int exec_lines(sqlite3 *db, const char *const *lines, dg_error *err)
{
    size_t len = 1;
    for (size_t i = 0; lines[i]; i++)
        len += strlen(lines[i]) + 1;
    char *sql = malloc(len), *p = sql;
    if (!sql)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; lines[i]; i++)
        p += sprintf(p, "%s\n", lines[i]);
    int rc = exec(db, sql, err);
    free(sql);
    return rc;
}

/* Fails when any row refers to a key that does not exist (PRAGMA foreign_key_check). */
static int check_references(sqlite3 *db, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
        return dg_error_set(err, DG_ESTORE, "schema migration failed: %s", sqlite3_errmsg(db));
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_ROW)
        rc = dg_error_set(err, DG_ESTORE, "schema migration failed: a row of %s refers to a "
                          "missing %s", (const char *)sqlite3_column_text(st, 0),
                          (const char *)sqlite3_column_text(st, 2));
    else if (step != SQLITE_DONE)
        rc = dg_error_set(err, DG_ESTORE, "schema migration failed: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

static int exec(sqlite3 *db, const char *sql, dg_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        dg_error_set(err, DG_ESTORE, "schema migration failed: %s", msg ? msg : "unknown error");
        sqlite3_free(msg);
        return DG_ESTORE;
    }
    return 0;
}

int dg__sqlite_migrate(sqlite3 *db, const char *path, int *version, dg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    int current = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return dg_error_set(err, DG_ESTORE, "%s: not a dangol store (%s)", path, sqlite3_errmsg(db));
    }
    current = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    int start = current;

    if (current > dg_store_schema_latest())
        return dg__store_version_error(path, current, err);
    /* PRAGMA foreign_keys cannot change inside a transaction: it is switched around the steps */
    int rc = current < dg_store_schema_latest() ? exec(db, "PRAGMA foreign_keys = OFF;", err) : 0;
    for (size_t i = 0; i < N_MIGRATIONS && rc == 0; i++) {
        if (migrations[i].version <= current)
            continue;
        char set_version[64];
        snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d;", migrations[i].version);
        rc = exec(db, "BEGIN IMMEDIATE;", err);
        if (rc == 0)
            rc = exec_lines(db, migrations[i].lines, err);
        if (rc == 0)
            rc = check_references(db, err);
        if (rc == 0)
            rc = exec(db, set_version, err);
        if (rc == 0)
            rc = exec(db, "COMMIT;", err);
        if (rc != 0)
            sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
        else
            current = migrations[i].version;
    }
    sqlite3_exec(db, "PRAGMA foreign_keys = ON;", NULL, NULL, NULL);
    bool migrated = current != start;
    *version = current;
    /* on every read-write open, not only after a step: a table added by a later step, or by
     * hand, gets its snapshot triggers too, and a migration marks the snapshot out of date */
    if (rc == 0)
        rc = dg__sqlite_snapshot_triggers(db, path, migrated, err);
    return rc;
}
