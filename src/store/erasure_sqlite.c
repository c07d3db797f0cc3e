/* The erasure's SQL on SQLite (src/store/consent.h, schema/0010_consent.sql), and the hand-over
 * of a PostgreSQL store's calls to erasure_postgres.c: which columns it empties (the entity
 * catalog's personal columns of every customer-owned entity, and the few more listed in `extra`
 * below, which the schema's guard triggers name too; the statements both backends run are in
 * erasure_sql.h), the secure_delete and checkpoint pragmas, the guard check after a bulk load,
 * the inactivity query of the retention job, and the per-customer tables subject access lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/entity.h"
#include "store/consent.h"
#include "store/consent_postgres.h"
#include "store/erasure_postgres.h"
#include "store/erasure_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

#define SQL_MAX 2048
#define MAX_TABLES 64

/* Columns erased beyond the catalog's personal ones: the birth year identifies with the rest,
 * and the notes are free text about the customer (shown unmasked, so never flagged). */
static const struct { const char *table, *column; } extra[] = {
    { "customers", "birth_year" },
    { "interactions", "note" },
    { "partner_activities", "note" },
};

bool dg__erasure_columns(const dg_entity *e, bool assign, char *sql, size_t cap)
{
    size_t len = 0;
    sql[0] = '\0';
    if (dg_entity_column(e, "customer_id") < 0)
        return false;
    for (size_t c = 0; c < e->n_columns; c++) {
        bool erase = e->columns[c].personal != DG_PERSONAL_NONE;
        for (size_t x = 0; x < sizeof extra / sizeof extra[0]; x++)
            erase = erase || (strcmp(extra[x].table, e->name) == 0 &&
                              strcmp(extra[x].column, e->columns[c].name) == 0);
        if (erase)
            len += (size_t)snprintf(sql + len, cap - len, "%s%s%s", len ? (assign ? ", " : " OR ")
                                    : "", e->columns[c].name, assign ? " = NULL" : " IS NOT NULL");
    }
    return len > 0;
}

int dg__erasure_get(dg_store *s, const char *customer_id, bool *erased, int64_t *erased_at,
                    dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_erasure_get(dg__store_pg(s), customer_id, erased, erased_at, err);
    sqlite3_stmt *st = NULL;
    *erased = false;
    int rc = dg__store_statement(s, "SELECT erased_at FROM customer_erasures WHERE "
                                 "customer_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading an erasure", err);
    if (rc == 1) {
        *erased = true;
        *erased_at = sqlite3_column_int64(st, 0);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

/* Runs sql (on the customer's id, $1, when it names one); *changed (NULL: not wanted) gets
 * the rows it changed. */
static int run(dg_store *s, const char *sql, const char *customer_id, int64_t *changed,
               const char *what, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    if (strstr(sql, "$1"))
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    rc = dg__stmt_run(s, st, what, err);
    dg__store_statement_done(s, st);
    if (rc == 0 && changed)
        *changed += sqlite3_changes(dg__store_db(s));
    return rc;
}

/* Empties e's erased columns of the customer; *changed: rows changed. */
static int erase_entity(dg_store *s, const dg_entity *e, const char *customer_id,
                        int64_t *changed, dg_error *err)
{
    char set[SQL_MAX / 2], any[SQL_MAX / 2], sql[SQL_MAX];
    if (!dg__erasure_columns(e, true, set, sizeof set))
        return 0;
    dg__erasure_columns(e, false, any, sizeof any);
    snprintf(sql, sizeof sql, "UPDATE %s SET %s WHERE customer_id = $1 AND (%s)", e->name, set,
             any);
    return run(s, sql, customer_id, changed, "erasing personal fields", err);
}

int dg__erasure_apply(dg_store *s, const char *customer_id, const char *kind,
                      const char *reason, const char *actor, int64_t now, int64_t *texts,
                      dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_erasure_apply(dg__store_pg(s), customer_id, kind, reason, actor, now,
                                    texts, err);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = 0;
    *texts = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int64_t changed = 0;
        rc = erase_entity(s, all[i], customer_id, &changed, err);
        if (strcmp(all[i]->name, "customers") != 0)
            *texts += changed;
    }
    sqlite3_stmt *st = NULL;
    if (rc == 0 && (rc = dg__store_statement(s, DG__ERASURE_RECORD_SQL, &st, err)) == 0) {
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, actor, -1, SQLITE_STATIC);
        rc = dg__stmt_run(s, st, "recording an erasure", err);
        dg__store_statement_done(s, st);
    }
    for (size_t i = 0; i < sizeof dg__erasure_texts / sizeof *dg__erasure_texts && rc == 0; i++)
        rc = run(s, dg__erasure_texts[i], customer_id, texts, "erasing service texts", err);
    for (size_t i = 0; i < sizeof dg__erasure_snapshot_drop / sizeof *dg__erasure_snapshot_drop
                       && rc == 0; i++)   /* zeroed under secure_delete */
        rc = run(s, dg__erasure_snapshot_drop[i], customer_id, NULL, "dropping the frame "
                 "snapshots", err);
    /* the full-text indexes of tickets and of their event texts (0018) are merged whole
     * ('optimize'), so the terms of a ticket subject or comment emptied above leave their
     * segments too (secure_delete zeroes the freed pages) */
    if (rc == 0)
        rc = dg__stmt_exec(s, "INSERT INTO ticket_search (ticket_search) VALUES ('optimize')",
                           "merging the ticket search index", err);
    if (rc == 0)
        rc = dg__stmt_exec(s, "INSERT INTO ticket_event_search (ticket_event_search) VALUES "
                           "('optimize')", "merging the ticket event search index", err);
    return rc;
}

int dg__erasure_secure(dg_store *s, bool on, dg_error *err)
{
    if (dg__store_is_postgres(s))   /* nothing to zero in place: the purge rewrites the tables */
        return 0;
    const char *sql = on ? "PRAGMA secure_delete = ON" : "PRAGMA secure_delete = FAST";
    if (sqlite3_exec(dg__store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
        return dg__store_error(s, err, sql);
    return 0;
}

bool dg__erasure_purge_once(dg_store *s)
{
    return dg__store_is_postgres(s);
}

int dg__erasure_purge(dg_store *s, const char **name, bool *done, dg_error *err)
{
    if (dg__store_pg(s)) {
        *name = "vacuumed";
        return dg__pg_erasure_vacuum(dg__store_pg(s), done, err);
    }
    *name = "wal_truncated";
    int log = -1, copied = -1;
    int step = sqlite3_wal_checkpoint_v2(dg__store_db(s), NULL, SQLITE_CHECKPOINT_TRUNCATE, &log,
                                         &copied);
    *done = step == SQLITE_OK && log == 0;
    if (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED)
        return 0;
    return dg__store_error(s, err, "checkpointing the write-ahead log");
}

int dg__erasure_guard(dg_store *s, dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char any[SQL_MAX / 2], sql[SQL_MAX];
        if (!dg__erasure_columns(all[i], false, any, sizeof any))
            continue;
        snprintf(sql, sizeof sql, "SELECT customer_id FROM %s WHERE (%s) AND customer_id IN "
                 "(SELECT customer_id FROM customer_erasures) LIMIT 1", all[i]->name, any);
        sqlite3_stmt *st = NULL;
        if ((rc = dg__store_statement(s, sql, &st, err)) != 0)
            return rc;
        rc = dg__stmt_step(s, st, "checking erased customers", err);
        if (rc == 1)
            rc = dg_error_set(err, DG_ECONFLICT, "customer \"%s\" was erased; the %s cannot hold "
                              "their personal fields again (leave them empty for this customer)",
                              (const char *)sqlite3_column_text(st, 0), all[i]->name);
        dg__store_statement_done(s, st);
    }
    return rc;
}

int dg__erasure_inactive(dg_store *s, int32_t before, dg__inactive_fn fn, void *ctx,
                         int64_t *undated, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_erasure_inactive(dg__store_pg(s), before, fn, ctx, undated, err);
    sqlite3_stmt *st = NULL;
    *undated = 0;
    int rc = dg__store_statement(s, DG__ERASURE_INACTIVE_SQL " ORDER BY c.customer_id", &st,
                                 err);
    if (rc != 0)
        return rc;
    while ((rc = dg__stmt_step(s, st, "finding inactive customers", err)) == 1) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            (*undated)++;
            continue;
        }
        int32_t last = sqlite3_column_int(st, 1);
        if (last < before && (rc = fn(ctx, (const char *)sqlite3_column_text(st, 0), last)) != 0)
            break;
    }
    dg__store_statement_done(s, st);
    return rc;
}

/* Each row of st as cells to rows->row. */
static int each_row(dg_store *s, sqlite3_stmt *st, const dg__customer_rows *rows, dg_error *err)
{
    int n = sqlite3_column_count(st), step, rc = 0;
    dg__cell *cells = calloc((size_t)n + 1, sizeof *cells);
    if (!cells)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < n; c++) {
            dg__cell *cell = &cells[c];
            cell->column = sqlite3_column_name(st, c);
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_NULL: cell->kind = DG__CELL_NULL; break;
            case SQLITE_INTEGER:
                cell->kind = DG__CELL_INT;
                cell->i = sqlite3_column_int64(st, c);
                break;
            case SQLITE_FLOAT:
                cell->kind = DG__CELL_REAL;
                cell->r = sqlite3_column_double(st, c);
                break;
            case SQLITE_BLOB:
                cell->kind = DG__CELL_BLOB;
                cell->bytes = sqlite3_column_blob(st, c);
                cell->len = (size_t)sqlite3_column_bytes(st, c);
                break;
            default:
                cell->kind = DG__CELL_TEXT;
                cell->bytes = sqlite3_column_text(st, c);
                cell->len = (size_t)sqlite3_column_bytes(st, c);
            }
        }
        rc = rows->row(rows->ctx, cells, (size_t)n);
    }
    free(cells);
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading a table of the customer");
    return rc;
}

int dg__customer_tables(dg_store *s, const char *customer_id, const dg__customer_rows *rows,
                        dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_customer_tables(dg__store_pg(s), customer_id, rows, err);
    char *names[MAX_TABLES];
    size_t n = 0;
    sqlite3 *db = dg__store_db(s);
    sqlite3_stmt *st = NULL;
    /* the tier history and tiers as their views show them (schema 32: the rows of
     * tier_changes, in the columns of PostgreSQL's tables), not tier_changes' code numbers */
    int rc = dg__store_statement(s, "SELECT m.name FROM sqlite_master m WHERE (m.type = 'table' "
                                 "AND m.name <> 'tier_changes' OR m.name IN ('tier_history', "
                                 "'tier_state')) AND EXISTS (SELECT 1 FROM "
                                 "pragma_table_info(m.name) p WHERE p.name = 'customer_id') "
                                 "ORDER BY m.name", &st, err);
    if (rc != 0)
        return rc;
    while ((rc = dg__stmt_step(s, st, "listing the tables", err)) == 1) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (dg_entity_find(name) || n == MAX_TABLES)
            continue;
        if (!(names[n] = strdup(name))) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
            break;
        }
        n++;
    }
    dg__store_statement_done(s, st);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" WHERE customer_id = ?", names[i]);
        if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            rc = sql ? dg__store_error(s, err, "reading a table") : dg_error_set(err, DG_ENOMEM,
                                                                             "out of memory");
        sqlite3_free(sql);
        if (rc != 0)
            break;
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
        if ((rc = rows->table(rows->ctx, names[i])) == 0)
            rc = each_row(s, st, rows, err);
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return rc;
}
