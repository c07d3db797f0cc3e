/* The audit trail's SQL (src/store/audit.h, schema/0009_audit.sql). Every statement binds its
 * values and comes from the connection's statement cache; the callers hold the transaction. The
 * reads and the prune are store/audit_sql.h's, which a PostgreSQL store runs too (its calls go to
 * audit_postgres.c). */
#include <string.h>

#include <sqlite3.h>

#include "store/audit.h"
#include "store/audit_postgres.h"
#include "store/audit_sql.h"
#include "store/snapshot.h"

/* audit_sql.h's dialect here: a hash is its blob, bound as one. */
#define BLOB(x) x
#define HAS_CUSTOMER(param) "EXISTS (SELECT 1 FROM json_each(customers) WHERE value = " param ")"

static void bind_text(sqlite3_stmt *st, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static const char *column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Copies a 32-byte blob column into out; false when the column is not one. */
static bool column_hash(sqlite3_stmt *st, int i, unsigned char out[DG_AUDIT_HASH_BYTES])
{
    const void *blob = sqlite3_column_blob(st, i);
    if (!blob || sqlite3_column_bytes(st, i) != DG_AUDIT_HASH_BYTES) {
        memset(out, 0, DG_AUDIT_HASH_BYTES);
        return false;
    }
    memcpy(out, blob, DG_AUDIT_HASH_BYTES);
    return true;
}

/* Runs a one-row query: 1 with a row (st still positioned), 0 without, or the error. */
static int one_row(dg_store *s, sqlite3_stmt *st, const char *what, dg_error *err)
{
    int step = sqlite3_step(st);
    return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : dg__store_error(s, err, what);
}

int dg__audit_anchor(dg_store *s, int64_t *through_id, unsigned char hash[DG_AUDIT_HASH_BYTES],
                     dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_anchor(dg__store_pg(s), through_id, hash, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__AUDIT_ANCHOR_SQL(BLOB), &st, err);
    if (rc != 0)
        return rc;
    *through_id = 0;
    memset(hash, 0, DG_AUDIT_HASH_BYTES);
    rc = one_row(s, st, "reading the audit anchor", err);
    if (rc == 1) {
        *through_id = sqlite3_column_int64(st, 0);
        column_hash(st, 1, hash);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__audit_tail(dg_store *s, int64_t *id, unsigned char hash[DG_AUDIT_HASH_BYTES],
                   bool *found, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_tail(dg__store_pg(s), id, hash, found, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__AUDIT_TAIL_SQL(BLOB), &st, err);
    if (rc != 0)
        return rc;
    rc = one_row(s, st, "reading the audit trail's last entry", err);
    *found = rc == 1;
    if (rc == 1) {
        *id = sqlite3_column_int64(st, 0);
        column_hash(st, 1, hash);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    if (rc != 0 || *found)
        return rc;
    rc = dg__audit_anchor(s, id, hash, err);
    *found = rc == 0 && *id > 0;
    return rc;
}

/* The row's 13 values from parameter first on. */
static void bind_row(sqlite3_stmt *st, int first, const dg__audit_row *row)
{
    const dg_audit_entry *e = &row->entry;
    sqlite3_bind_int64(st, first, e->entry_id);
    sqlite3_bind_int64(st, first + 1, e->at);
    sqlite3_bind_text(st, first + 2, e->actor_kind, -1, SQLITE_STATIC);
    if (row->actor_id_set)
        sqlite3_bind_int64(st, first + 3, e->actor_id);
    sqlite3_bind_text(st, first + 4, e->actor ? e->actor : "", -1, SQLITE_STATIC);
    bind_text(st, first + 5, e->role);
    sqlite3_bind_text(st, first + 6, e->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, first + 7, e->action, -1, SQLITE_STATIC);
    bind_text(st, first + 8, e->customers);
    bind_text(st, first + 9, e->reason);
    bind_text(st, first + 10, e->detail);
    sqlite3_bind_blob(st, first + 11, row->prev_hash, DG_AUDIT_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(st, first + 12, row->hash, DG_AUDIT_HASH_BYTES, SQLITE_STATIC);
}

/* Rows per INSERT statement: each execution of the INSERT builds the table's CHECK IN-list as
 * a temporary b-tree and updates sqlite_sequence once, so a batch shares them. */
#define ROWS_PER_INSERT 16
#define ROW_VALUES "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

/* Inserts rows[0 .. k) with one statement of k value rows (k <= ROWS_PER_INSERT). */
static int insert_some(dg_store *s, const dg__audit_row *rows, size_t k, dg_error *err)
{
    char sql[160 + ROWS_PER_INSERT * sizeof ", " ROW_VALUES] =
        "INSERT INTO auth_audit (entry_id, at, actor_kind, actor_id, actor, role, origin, action, "
        "customers, reason, detail, prev_hash, hash) VALUES " ROW_VALUES;
    for (size_t i = 1; i < k; i++)
        strcat(sql, ", " ROW_VALUES);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < k; i++)
        bind_row(st, 1 + 13 * (int)i, &rows[i]);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dg__store_error(s, err, "writing an audit entry");
    dg__store_statement_done(s, st);
    return rc;
}

int dg__audit_insert_rows(dg_store *s, const dg__audit_row *rows, size_t n, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_insert_rows(dg__store_pg(s), rows, n, err);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n;) {
        /* full statements, then one row at a time: two statements stay prepared, not 16 */
        size_t k = n - i >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
        rc = insert_some(s, &rows[i], k, err);
        i += k;
    }
    return rc;
}

int dg__audit_sequence(dg_store *s, int64_t *seq, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_sequence(dg__store_pg(s), seq, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT seq FROM sqlite_sequence WHERE name = 'auth_audit'",
                                 &st, err);
    if (rc != 0)
        return rc;
    *seq = 0;
    rc = one_row(s, st, "reading the audit trail's sequence", err);
    if (rc == 1) {
        *seq = sqlite3_column_int64(st, 0);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

/* Reads a row of DG__AUDIT_COLUMNS. NULL texts of role, customers, reason and detail read as "";
 * the chain's canonical form tells them apart by entry.role etc. being "" (see audit.c). */
static void read_row(sqlite3_stmt *st, dg__audit_row *row)
{
    dg_audit_entry *e = &row->entry;
    e->entry_id = sqlite3_column_int64(st, 0);
    e->at = sqlite3_column_int64(st, 1);
    e->actor_kind = column_text(st, 2);
    row->actor_id_set = sqlite3_column_type(st, 3) != SQLITE_NULL;
    e->actor_id = sqlite3_column_int64(st, 3);
    e->actor = column_text(st, 4);
    e->role = column_text(st, 5);
    e->origin = column_text(st, 6);
    e->action = column_text(st, 7);
    e->customers = column_text(st, 8);
    e->reason = column_text(st, 9);
    e->detail = column_text(st, 10);
    row->prev_ok = column_hash(st, 11, row->prev_hash);
    row->hash_ok = column_hash(st, 12, row->hash);
}

int dg__audit_rows(dg_store *s, dg__audit_row_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_rows(dg__store_pg(s), fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__AUDIT_ROWS_SQL(BLOB), &st, err);
    if (rc != 0)
        return rc;
    int step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        dg__audit_row row;
        read_row(st, &row);
        rc = fn(ctx, &row);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading the audit trail");
    dg__store_statement_done(s, st);
    return rc;
}

int dg__audit_prunable(dg_store *s, int64_t cutoff, int64_t *through_id,
                       unsigned char hash[DG_AUDIT_HASH_BYTES], int64_t *count, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_prunable(dg__store_pg(s), cutoff, through_id, hash, count, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__AUDIT_PRUNABLE_SQL(BLOB), &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, cutoff);
    *through_id = 0;
    *count = 0;
    rc = one_row(s, st, "finding old audit entries", err);
    if (rc == 1) {
        *through_id = sqlite3_column_int64(st, 0);
        column_hash(st, 1, hash);
        *count = sqlite3_column_int64(st, 2);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__audit_cut(dg_store *s, int64_t through_id, const unsigned char *hash, int64_t count,
                  int64_t now, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_cut(dg__store_pg(s), through_id, hash, count, now, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__AUDIT_ANCHOR_INSERT_SQL(BLOB), &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, through_id);
    sqlite3_bind_blob(st, 2, hash, DG_AUDIT_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, count);
    sqlite3_bind_int64(st, 4, now);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dg__store_error(s, err, "writing an audit anchor");
    dg__store_statement_done(s, st);
    if (rc != 0 || (rc = dg__store_statement(s, DG__AUDIT_CUT_SQL, &st, err)) != 0)
        return rc;
    sqlite3_bind_int64(st, 1, through_id);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dg__store_error(s, err, "pruning the audit trail");
    dg__store_statement_done(s, st);
    return rc;
}

int dg__audit_select(dg_store *s, const dg_audit_filter *f, dg_audit_entry_fn fn, void *ctx,
                     dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_audit_select(dg__store_pg(s), f, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__AUDIT_SELECT_SQL(BLOB, HAS_CUSTOMER), &st, err);
    if (rc != 0)
        return rc;
    bind_text(st, 1, f->customer_id);
    bind_text(st, 2, f->user);
    sqlite3_bind_int64(st, 3, f->since);
    sqlite3_bind_int64(st, 4, f->limit ? (sqlite3_int64)f->limit : -1);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)f->offset);
    int step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        dg__audit_row row;
        read_row(st, &row);
        rc = fn(ctx, &row.entry);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading the audit trail");
    dg__store_statement_done(s, st);
    return rc;
}
