/* The frame snapshot's delta segments in the SQLite store: the calls snapshot_delta.c makes of a
 * store (snapshot_delta_store.h). One writer holds the whole store, so marking the snapshot out
 * of date is one UPDATE and the write's changes are the connection's count of them
 * (sqlite3_total_changes64, which leaves out what triggers do); a segment is a BLOB of
 * frame_snapshot_delta (schema/0023_snapshot_delta.sql). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/snapshot.h"
#include "store/snapshot_delta_store.h"

static const char *text_at(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);   /* NULL for a NULL */
}

static int add_customer(dg__segment *w, sqlite3_stmt *st, dg__delta_rows kind)
{
    dg_frame_customer_in in = {
        .customer_id = text_at(st, 0), .birth_year = (int32_t)sqlite3_column_int64(st, 1),
        .has_acquired_day = sqlite3_column_type(st, 2) != SQLITE_NULL,
        .acquired_day = (int32_t)sqlite3_column_int64(st, 2), .gender = text_at(st, 3),
        .region = text_at(st, 4), .acquisition_channel = text_at(st, 5),
        .staff_id = text_at(st, 6), .customer_type = text_at(st, 7),
        .income_band = text_at(st, 8),
    };
    return kind == DG__ROWS_LEFT_OUT ? dg__segment_left_out(w, &in) : dg__segment_customer(w, &in);
}

static int add_order(dg__segment *w, sqlite3_stmt *st)
{
    dg_frame_order_in in = {
        .customer_id = text_at(st, 1), .ordered_at = sqlite3_column_int64(st, 2),
        .amount_minor = sqlite3_column_int64(st, 3), .units = (int32_t)sqlite3_column_int64(st, 4),
        .channel = text_at(st, 5), .payment_method = text_at(st, 6), .site = text_at(st, 7),
        .staff_id = text_at(st, 8),
    };
    return dg__segment_order(w, &in);
}

static int add_feedback(dg__segment *w, sqlite3_stmt *st)
{
    dg_frame_feedback_in in = {
        .customer_id = text_at(st, 0), .received_at = sqlite3_column_int64(st, 1),
        .kind = text_at(st, 2), .channel = text_at(st, 3), .staff_id = text_at(st, 4),
        .rating = (int)sqlite3_column_int64(st, 5),
    };
    return dg__segment_feedback(w, &in);
}

static int add_row(dg__segment *w, sqlite3_stmt *st, dg__delta_rows kind)
{
    return kind == DG__ROWS_ORDERS ? add_order(w, st)
           : kind == DG__ROWS_FEEDBACK ? add_feedback(w, st) : add_customer(w, st, kind);
}

/* sql with p's values bound to those of $1..$4 it names. */
static int prepare(sqlite3 *db, const char *sql, const dg__delta_params *p, sqlite3_stmt **st)
{
    static const char *const names[] = { "$1", "$2", "$3", "$4" };
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return DG_ESTORE;
    for (int i = 0; i < 2; i++) {
        int text = sqlite3_bind_parameter_index(*st, names[i]);
        int number = sqlite3_bind_parameter_index(*st, names[i + 2]);
        if (text)
            sqlite3_bind_text(*st, text, p->text[i] ? p->text[i] : "", -1, SQLITE_STATIC);
        if (number)
            sqlite3_bind_int64(*st, number, p->number[i]);
    }
    return 0;
}

static int settle(dg_store *s, dg_error *err)
{
    (void)s;
    (void)err;
    return 0;   /* every statement has written its rows */
}

static const char *text_order(dg_store *s)
{
    (void)s;
    return "";   /* SQLite compares text by its bytes */
}

static bool integer(dg_store *s, const char *sql, const dg__delta_params *p, int64_t *value,
                    bool *found)
{
    sqlite3_stmt *st = NULL;
    *found = false;
    if (prepare(dg__store_db(s), sql, p, &st) != 0)
        return false;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *value = sqlite3_column_int64(st, 0);
        *found = true;
    }
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE;
}

static char *text(dg_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(dg__store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out = strdup(text_at(st, 0));
    sqlite3_finalize(st);
    return out;
}

static bool mark(dg_store *s, int64_t *before)
{
    sqlite3 *db = dg__store_db(s);
    bool clean = false;
    dg__delta_params none = { { NULL, NULL }, { 0, 0 } };
    if (!integer(s, "SELECT generation FROM frame_snapshot_state WHERE dirty = 0", &none, before,
                 &clean))
        return false;
    /* what the write's first statement would do: every write marks the snapshot out of date */
    return sqlite3_exec(db, "UPDATE frame_snapshot_state SET generation = generation + 1, "
                        "dirty = 1 WHERE id = 1 AND dirty = 0", NULL, NULL, NULL) == SQLITE_OK &&
           clean;
}

static int64_t changes(dg_store *s)
{
    return sqlite3_total_changes64(dg__store_db(s));
}

static int64_t add_rows(dg_store *s, const char *sql, const dg__delta_params *p, dg__segment *w,
                        dg__delta_rows kind)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    if (prepare(dg__store_db(s), sql, p, &st) != 0)
        return -1;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW &&
           add_row(w, st, kind) == 0)
        n++;
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? n : -1;
}

static int insert(dg_store *s, int64_t generation, int64_t customers, int64_t orders,
                  const unsigned char *data, size_t len, dg_error *err)
{
    sqlite3 *db = dg__store_db(s);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "INSERT INTO frame_snapshot_delta (generation, base, customers, "
                           "orders, bytes, checksum, data, saved_at) "
                           "VALUES (?1, ?1 - 1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st,
                           NULL) != SQLITE_OK)
        rc = dg__store_error(s, err, "writing the snapshot's delta");
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, generation);
        sqlite3_bind_int64(st, 2, customers);
        sqlite3_bind_int64(st, 3, orders);
        sqlite3_bind_int64(st, 4, (int64_t)len);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)dg__snapshot_checksum(data, len));
        sqlite3_bind_blob64(st, 6, data, len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, (int64_t)time(NULL));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = dg__store_error(s, err, "writing the snapshot's delta");
    }
    sqlite3_finalize(st);
    /* last: the snapshot is current again only with its segment written */
    if (rc == 0 && sqlite3_exec(db, "UPDATE frame_snapshot_state SET dirty = 0 WHERE id = 1",
                                NULL, NULL, NULL) != SQLITE_OK)
        rc = dg__store_error(s, err, "marking the snapshot current");
    return rc;
}

static int list(dg_store *s, int64_t base, int64_t to, bool with_data, dg__delta_row_fn fn,
                void *ctx, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dg__store_db(s), with_data
                               ? "SELECT generation, base, bytes, checksum, data "
                                 "FROM frame_snapshot_delta WHERE generation > ?1 "
                                 "AND generation <= ?2 ORDER BY generation"
                               : "SELECT generation, base, bytes FROM frame_snapshot_delta "
                                 "WHERE generation > ?1 AND generation <= ?2 ORDER BY generation",
                           -1, &st, NULL) != SQLITE_OK)
        return dg__store_error(s, err, "reading the snapshot's deltas");
    sqlite3_bind_int64(st, 1, base);
    sqlite3_bind_int64(st, 2, to);
    int rc = 0, step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        dg__delta_row row = {
            .generation = sqlite3_column_int64(st, 0), .base = sqlite3_column_int64(st, 1),
            .bytes = sqlite3_column_int64(st, 2),
        };
        if (with_data) {
            row.checksum = (uint64_t)sqlite3_column_int64(st, 3);
            row.data = sqlite3_column_blob(st, 4);
            row.len = (size_t)sqlite3_column_bytes(st, 4);
        }
        rc = fn(ctx, &row);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading the snapshot's deltas");
    sqlite3_finalize(st);
    return rc;
}

const dg__delta_store dg__delta_sqlite = {
    .settle = settle, .text_order = text_order, .mark = mark, .changes = changes, .integer = integer,
    .text = text, .add_rows = add_rows,
    .last_feedback_sql = DG__LAST_FEEDBACK_SQL("g.rowid > f.rowid"), .insert = insert, .list = list,
};
