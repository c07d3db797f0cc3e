/* The audit trail on a PostgreSQL store (the SQLite one is audit_sqlite.c; the SQL both run is
 * store/audit_sql.h): the appends, and the reads that verify, list and prune it. Appends and
 * prunes are serialized by a transaction-scoped advisory lock, taken with the tail or with the
 * entries a prune may cut, as SQLite's BEGIN IMMEDIATE serializes them: two writers never link to
 * the same entry, and of two prunes at once the second finds the first's cut made. Hashes travel
 * as hex text (encode/decode). SQLite's sqlite_sequence remembers the largest entry id ever given,
 * which lets verify see entries removed from the end; here the setting audit_last_id, written in
 * the append's own transaction, remembers it (a store appended to before it existed has none:
 * such removals then go unseen until its next append). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit_postgres.h"
#include "store/audit_sql.h"
#include "store/postgres.h"

#define AUDIT_LOCK 0x6175646974LL   /* pg_advisory_xact_lock key of the audit chain */
#define LAST_ID_SETTING "audit_last_id"

#define HEX(column) "encode(" column ", 'hex')"
#define UNHEX(param) "decode(" param ", 'hex')"
#define HAS_CUSTOMER(param) "EXISTS (SELECT 1 FROM json_array_elements_text(" \
    "CAST(customers AS json)) v WHERE v = " param ")"

static void hex_of(const unsigned char *bytes, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < DG_AUDIT_HASH_BYTES; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * DG_AUDIT_HASH_BYTES] = '\0';
}

/* The hash of a hex column into bytes; false (and zeros) when it is not 32 bytes' worth. */
static bool bytes_of(const char *hex, unsigned char *bytes)
{
    memset(bytes, 0, DG_AUDIT_HASH_BYTES);
    if (strlen(hex) != 2 * DG_AUDIT_HASH_BYTES)
        return false;
    for (size_t i = 0; i < DG_AUDIT_HASH_BYTES; i++) {
        char pair[3] = { hex[2 * i], hex[2 * i + 1], '\0' };
        bytes[i] = (unsigned char)strtoul(pair, NULL, 16);
    }
    return true;
}

/* The one row of sql: its first column (an id) and second (a hash in hex) and, when count is not
 * NULL, third; *found false when there is none. */
static int id_and_hash(dg_pg *pg, const char *sql, int n, const char *const *params, int64_t *id,
                       unsigned char *hash, int64_t *count, bool *found, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, n, params, &res, "reading the audit trail", err);
    if (rc < 0)
        return rc;
    *found = rc == 1;
    if (*found) {
        *id = dg__pg_int_at(res, 0);
        bytes_of(PQgetvalue(res, 0, 1), hash);
        if (count)
            *count = dg__pg_int_at(res, 2);
        PQclear(res);
    }
    return 0;
}

int dg__pg_audit_anchor(dg_pg *pg, int64_t *through_id, unsigned char *hash, dg_error *err)
{
    bool found;
    *through_id = 0;
    memset(hash, 0, DG_AUDIT_HASH_BYTES);
    return id_and_hash(pg, DG__AUDIT_ANCHOR_SQL(HEX), 0, NULL, through_id, hash, NULL, &found,
                       err);
}

int dg__pg_audit_tail(dg_pg *pg, int64_t *id, unsigned char *hash, bool *found, dg_error *err)
{
    int rc = dg__pg_lock_job(pg, AUDIT_LOCK, "locking the audit trail", err);
    if (rc == 0)
        rc = id_and_hash(pg, DG__AUDIT_TAIL_SQL(HEX), 0, NULL, id, hash, NULL, found, err);
    if (rc != 0 || *found)
        return rc;
    rc = dg__pg_audit_anchor(pg, id, hash, err);
    *found = rc == 0 && *id > 0;
    return rc;
}

static int insert_row(dg_pg *pg, const dg__audit_row *row, dg_error *err)
{
    const dg_audit_entry *e = &row->entry;
    dg__pg_number id, at, actor_id;
    char prev[2 * DG_AUDIT_HASH_BYTES + 1], hash[2 * DG_AUDIT_HASH_BYTES + 1];
    hex_of(row->prev_hash, prev);
    hex_of(row->hash, hash);
    const char *params[] = { dg__pg_int(id, e->entry_id), dg__pg_int(at, e->at), e->actor_kind,
                             row->actor_id_set ? dg__pg_int(actor_id, e->actor_id) : NULL,
                             e->actor ? e->actor : "", e->role, e->origin, e->action,
                             e->customers, e->reason, e->detail, prev, hash };
    return dg__pg_exec(pg, "INSERT INTO auth_audit (entry_id, at, actor_kind, actor_id, actor, "
                       "role, origin, action, customers, reason, detail, prev_hash, hash) VALUES "
                       "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " UNHEX("$12") ", "
                       UNHEX("$13") ")", 13, params, NULL, "writing an audit entry", err);
}

int dg__pg_audit_insert_rows(dg_pg *pg, const dg__audit_row *rows, size_t n, dg_error *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = insert_row(pg, &rows[i], err);
    if (rc != 0 || n == 0)
        return rc;
    dg__pg_number last;
    const char *params[] = { LAST_ID_SETTING, dg__pg_int(last, rows[n - 1].entry.entry_id) };
    return dg__pg_exec(pg, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) "
                       "DO UPDATE SET value = excluded.value", 2, params, NULL,
                       "writing an audit entry", err);
}

int dg__pg_audit_sequence(dg_pg *pg, int64_t *seq, dg_error *err)
{
    const char *key = LAST_ID_SETTING;
    return dg__pg_scalar(pg, "SELECT CAST(value AS bigint) FROM settings WHERE key = $1", 1, &key,
                         seq, "reading the audit trail's sequence", err);
}

/* Row r of a result of DG__AUDIT_COLUMNS: its texts point into res. */
static void read_row(const PGresult *res, int r, dg__audit_row *row)
{
    dg_audit_entry *e = &row->entry;
    e->entry_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
    e->at = strtoll(PQgetvalue(res, r, 1), NULL, 10);
    e->actor_kind = PQgetvalue(res, r, 2);
    row->actor_id_set = !PQgetisnull(res, r, 3);
    e->actor_id = strtoll(PQgetvalue(res, r, 3), NULL, 10);
    e->actor = PQgetvalue(res, r, 4);
    e->role = PQgetvalue(res, r, 5);
    e->origin = PQgetvalue(res, r, 6);
    e->action = PQgetvalue(res, r, 7);
    e->customers = PQgetvalue(res, r, 8);
    e->reason = PQgetvalue(res, r, 9);
    e->detail = PQgetvalue(res, r, 10);
    row->prev_ok = bytes_of(PQgetvalue(res, r, 11), row->prev_hash);
    row->hash_ok = bytes_of(PQgetvalue(res, r, 12), row->hash);
}

/* Runs sql and hands each row to fn (or, fn NULL, its entry to entry_fn) until one returns
 * non-zero, which is returned. */
static int each_row(dg_pg *pg, const char *sql, int n, const char *const *params,
                    dg__audit_row_fn fn, dg_audit_entry_fn entry_fn, void *ctx, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, n, params, &res, "reading the audit trail", err);
    for (int r = 0; rc == 0 && r < (res ? PQntuples(res) : 0); r++) {
        dg__audit_row row;
        read_row(res, r, &row);
        rc = fn ? fn(ctx, &row) : entry_fn(ctx, &row.entry);
    }
    PQclear(res);
    return rc;
}

int dg__pg_audit_rows(dg_pg *pg, dg__audit_row_fn fn, void *ctx, dg_error *err)
{
    return each_row(pg, DG__AUDIT_ROWS_SQL(HEX), 0, NULL, fn, NULL, ctx, err);
}

int dg__pg_audit_select(dg_pg *pg, const dg_audit_filter *f, dg_audit_entry_fn fn, void *ctx,
                        dg_error *err)
{
    dg__pg_number since, limit, offset;
    const char *params[] = { f->customer_id, f->user, dg__pg_int(since, f->since),
                             f->limit ? dg__pg_int(limit, (int64_t)f->limit) : NULL,
                             dg__pg_int(offset, (int64_t)f->offset) };
    return each_row(pg, DG__AUDIT_SELECT_SQL(HEX, HAS_CUSTOMER), 5, params, NULL, fn, ctx, err);
}

int dg__pg_audit_prunable(dg_pg *pg, int64_t cutoff, int64_t *through_id, unsigned char *hash,
                          int64_t *count, dg_error *err)
{
    dg__pg_number before;
    const char *param = dg__pg_int(before, cutoff);
    bool found;
    *through_id = 0;
    *count = 0;
    int rc = dg__pg_lock_job(pg, AUDIT_LOCK, "locking the audit trail", err);
    return rc != 0 ? rc : id_and_hash(pg, DG__AUDIT_PRUNABLE_SQL(HEX), 1, &param, through_id,
                                      hash, count, &found, err);
}

int dg__pg_audit_cut(dg_pg *pg, int64_t through_id, const unsigned char *hash, int64_t count,
                     int64_t now, dg_error *err)
{
    dg__pg_number through, entries, at;
    char hash_hex[2 * DG_AUDIT_HASH_BYTES + 1];
    hex_of(hash, hash_hex);
    const char *params[] = { dg__pg_int(through, through_id), hash_hex,
                             dg__pg_int(entries, count), dg__pg_int(at, now) };
    int rc = dg__pg_exec(pg, DG__AUDIT_ANCHOR_INSERT_SQL(UNHEX), 4, params, NULL,
                         "writing an audit anchor", err);
    return rc != 0 ? rc : dg__pg_exec(pg, DG__AUDIT_CUT_SQL, 1, params, NULL,
                                      "pruning the audit trail", err);
}
