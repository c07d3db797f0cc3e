/* The frame snapshot's delta segments in a PostgreSQL store: the calls snapshot_delta.c makes of a
 * store (snapshot_delta_store.h), a segment a BYTEA row of frame_snapshot_delta
 * (schema/pg/0027_snapshot_delta_postgres.sql). Writers run side by side there, so marking is
 * what the statement trigger of snapshot_postgres.c does, done first: the write takes the
 * writers' shared advisory lock and bumps the generation, and the segment is written only when
 * that bump found the snapshot current. The state row stays locked by the write until it ends, so
 * no other writer's first statement passes its trigger meanwhile (a writer already under way has
 * bumped the generation itself, and holds the row), nor does a claim or a save: the rows after
 * the write's marks are its own. Its changes are counted by the server
 * (pg_stat_xact_user_tables: the rows its transaction inserted, updated or deleted in the record
 * tables, attempts rolled back to a savepoint included, so those only make the count differ). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/snapshot.h"
#include "store/snapshot_delta_store.h"
#include "store/snapshot_postgres.h"

/* sql run with p as $1..$4 (typed, so that a statement may leave some out): its result, NULL
 * when it failed. Inside a transaction, in a savepoint of its own: a statement that fails must
 * not abort the write it is part of (whose COMMIT would then only roll it back). */
static PGresult *query(dg_store *s, const char *sql, const dg__delta_params *p, int format)
{
    static const Oid types[] = { 25, 25, 20, 20 };   /* text, text, bigint, bigint */
    dg_pg *pg = dg__store_pg(s);
    dg__pg_number numbers[2];
    const char *values[] = {
        p->text[0] ? p->text[0] : "", p->text[1] ? p->text[1] : "",
        dg__pg_int(numbers[0], p->number[0]), dg__pg_int(numbers[1], p->number[1]),
    };
    bool inside = PQtransactionStatus(pg->conn) == PQTRANS_INTRANS;
    if (inside)
        PQclear(PQexec(pg->conn, "SAVEPOINT dg_delta"));
    PGresult *res = PQexecParams(pg->conn, sql, 4, types, values, NULL, NULL, format);
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK;
    if (inside)
        PQclear(PQexec(pg->conn, ok ? "RELEASE SAVEPOINT dg_delta"
                                    : "ROLLBACK TO SAVEPOINT dg_delta"));
    if (!ok) {
        PQclear(res);
        return NULL;
    }
    return res;
}

/* The rows a bulk load streamed written to their tables, so that the counts and the reads see
 * them: the store's error, which is the write's. */
static int settle(dg_store *s, dg_error *err)
{
    return dg__pg_sync(dg__store_pg(s), err);
}

static const dg__delta_params no_params;

/* A database whose texts sort by their bytes already keeps its key indexes usable */
static const char *text_order(dg_store *s)
{
    PGresult *res = query(s, "SELECT datcollate IN ('C', 'POSIX') FROM pg_database "
                          "WHERE datname = current_database()", &no_params, 0);
    bool bytes = res && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return bytes ? "" : " COLLATE \"C\"";
}

static bool integer(dg_store *s, const char *sql, const dg__delta_params *p, int64_t *value,
                    bool *found)
{
    PGresult *res = query(s, sql, p, 0);
    *found = res && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0);
    if (*found)
        *value = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return res != NULL;
}

static char *text(dg_store *s, const char *sql)
{
    PGresult *res = query(s, sql, &no_params, 0);
    char *out = res && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)
                    ? strdup(PQgetvalue(res, 0, 0)) : NULL;
    PQclear(res);
    return out;
}

static bool mark(dg_store *s, int64_t *before)
{
    bool clean = false;
    PGresult *res = query(s, "SELECT pg_advisory_xact_lock_shared(" DG__PG_MARK_LOCK "), "
                          "set_config('dangol.frame_marked', 'on', true)", &no_params, 0);
    PQclear(res);
    return res && integer(s, "UPDATE frame_snapshot_state SET generation = generation + 1, "
                          "dirty = 1 WHERE id = 1 AND dirty = 0 RETURNING generation - 1",
                          &no_params, before, &clean) && clean;
}

static int64_t changes(dg_store *s)
{
    int64_t n = -1;
    bool found;
    if (!integer(s, "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                 "FROM pg_stat_xact_user_tables WHERE schemaname = current_schema() "
                 "AND relname NOT IN ('schema_version', 'settings') AND "
                 DG__SNAPSHOT_TRACKED("relname"), &no_params, &n, &found))
        return -1;
    return n;
}

static const char *text_at(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int64_t integer_at(const PGresult *res, int row, int col)
{
    return strtoll(PQgetvalue(res, row, col), NULL, 10);   /* 0 for a NULL, as SQLite's */
}

static int add_customer(dg__segment *w, const PGresult *res, int row, dg__delta_rows kind)
{
    dg_frame_customer_in in = {
        .customer_id = text_at(res, row, 0), .birth_year = (int32_t)integer_at(res, row, 1),
        .has_acquired_day = !PQgetisnull(res, row, 2),
        .acquired_day = (int32_t)integer_at(res, row, 2), .gender = text_at(res, row, 3),
        .region = text_at(res, row, 4), .acquisition_channel = text_at(res, row, 5),
        .staff_id = text_at(res, row, 6), .customer_type = text_at(res, row, 7),
        .income_band = text_at(res, row, 8),
    };
    return kind == DG__ROWS_LEFT_OUT ? dg__segment_left_out(w, &in) : dg__segment_customer(w, &in);
}

static int add_order(dg__segment *w, const PGresult *res, int row)
{
    dg_frame_order_in in = {
        .customer_id = text_at(res, row, 1), .ordered_at = integer_at(res, row, 2),
        .amount_minor = integer_at(res, row, 3), .units = (int32_t)integer_at(res, row, 4),
        .channel = text_at(res, row, 5), .payment_method = text_at(res, row, 6),
        .site = text_at(res, row, 7), .staff_id = text_at(res, row, 8),
    };
    return dg__segment_order(w, &in);
}

static int add_feedback(dg__segment *w, const PGresult *res, int row)
{
    dg_frame_feedback_in in = {
        .customer_id = text_at(res, row, 0), .received_at = integer_at(res, row, 1),
        .kind = text_at(res, row, 2), .channel = text_at(res, row, 3),
        .staff_id = text_at(res, row, 4), .rating = (int)integer_at(res, row, 5),
    };
    return dg__segment_feedback(w, &in);
}

static int add_row(dg__segment *w, const PGresult *res, int row, dg__delta_rows kind)
{
    return kind == DG__ROWS_ORDERS ? add_order(w, res, row)
           : kind == DG__ROWS_FEEDBACK ? add_feedback(w, res, row)
                                        : add_customer(w, res, row, kind);
}

static int64_t add_rows(dg_store *s, const char *sql, const dg__delta_params *p, dg__segment *w,
                        dg__delta_rows kind)
{
    PGresult *res = query(s, sql, p, 0);
    int n = res ? PQntuples(res) : -1, row = 0;
    while (row < n && add_row(w, res, row, kind) == 0)
        row++;
    PQclear(res);
    return row == n ? n : -1;
}

static int insert(dg_store *s, int64_t generation, int64_t customers, int64_t orders,
                  const unsigned char *data, size_t len, dg_error *err)
{
    static const Oid types[] = { 20, 20, 20, 20, 20, 17, 20 };   /* bigint ..., bytea */
    dg_pg *pg = dg__store_pg(s);
    dg__pg_number number[6];
    const char *values[] = {
        dg__pg_int(number[0], generation), dg__pg_int(number[1], customers),
        dg__pg_int(number[2], orders), dg__pg_int(number[3], (int64_t)len),
        dg__pg_int(number[4], (int64_t)dg__snapshot_checksum(data, len)), (const char *)data,
        dg__pg_int(number[5], (int64_t)time(NULL)),
    };
    const int lengths[] = { 0, 0, 0, 0, 0, (int)len, 0 }, formats[] = { 0, 0, 0, 0, 0, 1, 0 };
    PGresult *res = PQexecParams(pg->conn, "INSERT INTO frame_snapshot_delta (generation, base, "
                                 "customers, orders, bytes, checksum, data, saved_at) "
                                 "VALUES ($1, $1 - 1, $2, $3, $4, $5, $6, $7)", 7, types,
                                 values, lengths, formats, 0);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK
                 ? 0 : dg__pg_error(pg, res, "writing the snapshot's delta", err);
    PQclear(res);
    /* last: the snapshot is current again only with its segment written */
    return rc ? rc : dg__pg_run(pg, "UPDATE frame_snapshot_state SET dirty = 0 WHERE id = 1", 0,
                                NULL, NULL, "marking the snapshot current", err);
}

static int list(dg_store *s, int64_t base, int64_t to, bool with_data, dg__delta_row_fn fn,
                void *ctx, dg_error *err)
{
    dg__delta_params p = { { NULL, NULL }, { base, to } };
    /* binary: the data as its bytes, the numbers as big-endian int8 */
    PGresult *res = query(s, with_data
                              ? "SELECT generation, base, bytes, checksum, data "
                                "FROM frame_snapshot_delta WHERE generation > $3 "
                                "AND generation <= $4 ORDER BY generation"
                              : "SELECT generation, base, bytes, 0::bigint, ''::bytea "
                                "FROM frame_snapshot_delta WHERE generation > $3 "
                                "AND generation <= $4 ORDER BY generation", &p, 1);
    if (!res)
        return dg__pg_error(dg__store_pg(s), NULL, "reading the snapshot's deltas", err);
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
        int64_t n[4];
        for (int c = 0; c < 4; c++) {
            const unsigned char *b = (const unsigned char *)PQgetvalue(res, i, c);
            uint64_t v = 0;
            for (int k = 0; k < 8; k++)
                v = v << 8 | b[k];
            n[c] = (int64_t)v;
        }
        dg__delta_row row = {
            .generation = n[0], .base = n[1], .bytes = n[2], .checksum = (uint64_t)n[3],
            .data = PQgetvalue(res, i, 4), .len = (size_t)PQgetlength(res, i, 4),
        };
        rc = fn(ctx, &row);
    }
    PQclear(res);
    return rc;
}

const dg__delta_store dg__delta_postgres = {
    .settle = settle, .text_order = text_order, .mark = mark, .changes = changes, .integer = integer,
    .text = text, .add_rows = add_rows,
    .last_feedback_sql = DG__LAST_FEEDBACK_SQL("g.ctid > f.ctid"), .insert = insert, .list = list,
};
