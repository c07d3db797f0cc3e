/* The frame snapshot's delta segments in the SQLite store (snapshot_delta.h, docs/snapshot.md
 * "Appending"): an import writes the rows it added, found by key ranges after the greatest ids it
 * saw before writing (orders is a WITHOUT ROWID table: ids are the only watermark), and knows it
 * added nothing else by counting: the rows in those ranges must be every row the import changed.
 * An API write that changed one customer writes that customer's row as an update segment,
 * knowing by the same count that it changed nothing else, and only when the row before it shows
 * that a reader can apply it ("Updating", dg__update_applies). A segment is one row of
 * frame_snapshot_delta, its bytes the rows as the rebuild reads them (frame_store.c), encoded by
 * snapshot_delta_codec.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/snapshot.h"
#include "store/snapshot_delta.h"
#include "store/sql_day.h"

#define SHARE_OF_BASE 10          /* segments beyond 1/10 of the base: rebuild instead */
#define MAX_SEGMENTS 64           /* or beyond this many (a reader makes a pass over the frame's
                                   * customers for each) */

static const char *const customer_columns =
    "customer_id, birth_year, acquired_on, gender, region, acquisition_channel, staff_id, "
    "customer_type, income_band";
static const char *const order_columns =
    "order_id, customer_id, ordered_at, total, units, channel, payment_method, site, staff_id";

/* ---- the writer ---- */

static const char *text_at(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);   /* NULL for a NULL */
}

static dg_frame_customer_in customer_in(sqlite3_stmt *st)
{
    return (dg_frame_customer_in){
        .customer_id = text_at(st, 0), .birth_year = (int32_t)sqlite3_column_int64(st, 1),
        .has_acquired_day = sqlite3_column_type(st, 2) != SQLITE_NULL,
        .acquired_day = (int32_t)sqlite3_column_int64(st, 2), .gender = text_at(st, 3),
        .region = text_at(st, 4), .acquisition_channel = text_at(st, 5),
        .staff_id = text_at(st, 6), .customer_type = text_at(st, 7),
        .income_band = text_at(st, 8),
    };
}

static int add_customer(dg__segment *w, sqlite3_stmt *st)
{
    dg_frame_customer_in in = customer_in(st);
    return dg__segment_customer(w, &in);
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

/* A statement with up to three parameters: texts (NULL binds "", before every id) or days. */
typedef struct {
    const char *text[2];
    int64_t number[2];
} params;

static int prepare(sqlite3 *db, const char *sql, const params *p, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return DG_ESTORE;
    for (int i = 0; i < 2; i++) {
        sqlite3_bind_text(*st, i + 1, p->text[i] ? p->text[i] : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(*st, i + 3, p->number[i]);
    }
    return 0;
}

/* The first column of sql's first row as an integer (none when it has no row or a NULL). */
static int single(sqlite3 *db, const char *sql, const params *p, int64_t *value, bool *found)
{
    sqlite3_stmt *st = NULL;
    *found = false;
    if (prepare(db, sql, p, &st) != 0)
        return DG_ESTORE;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *value = sqlite3_column_int64(st, 0);
        *found = true;
    }
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : DG_ESTORE;
}

static char *max_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

void dg__delta_mark_free(dg__delta_mark *m)
{
    free(m->max_customer);
    free(m->max_order);
    free(m->was);
    *m = (dg__delta_mark){ 0 };
}

/* The generation the saved snapshots were read at (a save drops those of other generations),
 * and where the segments lead from it, their number and their bytes. */
static bool chain(dg_store *s, int64_t *reach, int64_t *count, int64_t *bytes)
{
    int64_t base = 0;
    bool found = false;
    dg_error ignored;
    params none = { { NULL, NULL }, { 0, 0 } };
    bool known = single(dg__store_db(s), "SELECT max(generation) FROM frame_snapshot_header",
                        &none, &base, &found) == 0 && found &&
                 dg__store_delta_reach(s, base, reach, bytes, &ignored) == 0;
    *count = known ? *reach - base : 0;
    return known;
}

void dg__store_delta_begin(dg_store *s, dg__delta_mark *m)
{
    *m = (dg__delta_mark){ 0 };
    sqlite3 *db = dg__store_db(s);
    if (!db || !dg__store_in_transaction(s))
        return;
    int64_t before = 0, reach = -1, count, bytes;
    bool clean = false;
    params none = { { NULL, NULL }, { 0, 0 } };
    if (single(db, "SELECT generation FROM frame_snapshot_state WHERE dirty = 0", &none, &before,
               &clean) != 0)
        return;
    /* what the import's first write would do: every write marks the snapshot out of date */
    if (sqlite3_exec(db, "UPDATE frame_snapshot_state SET generation = generation + 1, dirty = 1 "
                     "WHERE id = 1 AND dirty = 0", NULL, NULL, NULL) != SQLITE_OK ||
        !clean || !chain(s, &reach, &count, &bytes) || reach != before)
        return;
    m->generation = before + 1;
    m->changes = sqlite3_total_changes64(db);
    m->max_customer = max_text(db, "SELECT max(customer_id) FROM customers");
    m->max_order = max_text(db, "SELECT max(order_id) FROM orders");
    m->active = true;
}

/* The rows sql selects, in its order, added to w; their number, or -1. */
static int64_t add_rows(sqlite3 *db, const char *sql, const params *p, dg__segment *w,
                        int (*row)(dg__segment *, sqlite3_stmt *))
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    if (prepare(db, sql, p, &st) != 0)
        return -1;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && row(w, st) == 0)
        n++;
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? n : -1;
}

static int add_left_out(dg__segment *w, sqlite3_stmt *st)
{
    dg_frame_customer_in in = customer_in(st);
    return dg__segment_left_out(w, &in);
}

/* The customers a frame of day ?3 may leave out (first seen after it: acquired after it, or
 * unknown with a partner activity or a referral after it), but ?1; the table scanned, which is
 * cheaper than a walk of its id index. */
static const char *const left_out_sql =
    "WITH out AS MATERIALIZED (SELECT * FROM customers NOT INDEXED WHERE customer_id <> ?1 AND "
    "(acquired_on > ?3 OR (acquired_on IS NULL AND (customer_id IN (SELECT customer_id FROM "
    "partner_activities WHERE occurred_on > ?3) OR customer_id IN (SELECT referrer_id FROM "
    "referrals WHERE referred_on > ?3)))))";

/* customer_id's row, as a rebuild reads it, as an update segment into *data (false when there is
 * none); with, for the dictionaries whose bits are set in `changed` (dg__update_applies), the rows
 * of the first customer by id of those a frame of day as_of leaves out to use each value (false
 * past DG__MAX_LEFT_OUT of them). */
static bool customer_row(sqlite3 *db, const char *customer_id, unsigned changed, int64_t as_of,
                         unsigned char **data, size_t *len)
{
    static const char *const fields[DG__CUSTOMER_CODES] = { "region", "gender",
        "acquisition_channel", "staff_id", "customer_type", "income_band" };
    char sql[2048];
    params p = { { customer_id, NULL }, { as_of, 0 } };
    dg__segment *w = NULL;
    *data = NULL;
    if (dg__segment_new(&w) != 0)
        return false;
    dg__segment_updates(w);
    snprintf(sql, sizeof sql, "SELECT %s FROM customers WHERE customer_id = ?1",
             customer_columns);
    bool one = add_rows(db, sql, &p, w, add_customer) == 1;
    if (one && changed) {
        int at = snprintf(sql, sizeof sql, "%s SELECT %s FROM customers WHERE customer_id IN (",
                          left_out_sql, customer_columns);
        for (unsigned i = 0, n = 0; i < DG__CUSTOMER_CODES; i++)
            if (changed & (1u << i))
                at += snprintf(sql + at, sizeof sql - (size_t)at, "%sSELECT min(customer_id) "
                               "FROM out GROUP BY %s", n++ ? " UNION " : "", fields[i]);
        snprintf(sql + at, sizeof sql - (size_t)at, ") ORDER BY customer_id LIMIT %d",
                 DG__MAX_LEFT_OUT + 1);
        int64_t n = add_rows(db, sql, &p, w, add_left_out);
        one = n >= 0 && n <= DG__MAX_LEFT_OUT;
    }
    one = one && dg__segment_bytes(w, data, len) == 0;
    dg__segment_free(w);
    return one;
}

void dg__store_delta_begin_update(dg_store *s, dg__delta_mark *m, const char *customer_id)
{
    dg__store_delta_begin(s, m);
    if (m->active && !customer_row(dg__store_db(s), customer_id, 0, 0, &m->was, &m->was_len)) {
        free(m->was);   /* a row not found (the write then fails) leaves the snapshot dirty */
        m->was = NULL;
    }
}

/* Would a rebuild at the new last day hold anything the segment does not? Customers acquired,
 * partner activities and referrals dated after the old last day, up to the new one, are left out
 * of the base; rows of other tables that belong to the new customers or orders (written around
 * the import's checks) would be read by a rebuild. */
static bool outside_the_segment(sqlite3 *db, const dg__delta_mark *m, int32_t old_day,
                                int32_t new_day)
{
    static const char *const newly_dated[] = {
        "SELECT 1 FROM customers WHERE customer_id <= ?1 AND acquired_on > ?3 "
        "AND acquired_on <= ?4 LIMIT 1",
        "SELECT 1 FROM partner_activities WHERE occurred_on > ?3 AND occurred_on <= ?4 LIMIT 1",
        "SELECT 1 FROM referrals WHERE referred_on > ?3 AND referred_on <= ?4 LIMIT 1",
    };
    static const char *const belonging[] = {
        "SELECT 1 FROM order_lines WHERE order_id > ?2 LIMIT 1",
        "SELECT 1 FROM surveys WHERE customer_id > ?1 LIMIT 1",
        "SELECT 1 FROM feedback WHERE customer_id > ?1 LIMIT 1",
        "SELECT 1 FROM interactions WHERE customer_id > ?1 LIMIT 1",
        "SELECT 1 FROM partner_activities WHERE customer_id > ?1 LIMIT 1",
    };
    params p = { { m->max_customer, m->max_order }, { old_day, new_day } };
    int64_t one;
    bool found = false;
    for (size_t i = 0; i < sizeof belonging / sizeof belonging[0]; i++)
        if (single(db, belonging[i], &p, &one, &found) != 0 || found)
            return true;
    for (size_t i = 0; new_day > old_day && i < sizeof newly_dated / sizeof newly_dated[0]; i++)
        if (single(db, newly_dated[i], &p, &one, &found) != 0 || found)
            return true;
    return false;
}

/* The segment of the rows after the mark into *data, with its counts; false when the import did
 * anything but add them, or a rebuild would read more. */
static bool encode(sqlite3 *db, const dg__delta_mark *m, unsigned char **data, size_t *len,
                   int64_t *customers, int64_t *orders)
{
    char sql[512];
    params p = { { m->max_customer, m->max_order }, { 0, 0 } };
    dg__segment *w = NULL;
    *data = NULL;
    if (dg__segment_new(&w) != 0)
        return false;
    snprintf(sql, sizeof sql, "SELECT %s FROM customers WHERE customer_id > ?1 "
             "ORDER BY customer_id", customer_columns);
    *customers = add_rows(db, sql, &p, w, add_customer);
    snprintf(sql, sizeof sql, "SELECT %s FROM orders WHERE order_id > ?2 ORDER BY order_id",
             order_columns);
    *orders = *customers < 0 ? -1 : add_rows(db, sql, &p, w, add_order);
    bool added_only = *orders >= 0 && *customers <= UINT32_MAX && *orders <= UINT32_MAX &&
                      *customers + *orders == sqlite3_total_changes64(db) - m->changes &&
                      dg__segment_bytes(w, data, len) == 0;
    dg__segment_free(w);
    int64_t old_day = 0, new_day = 0;
    bool dated = false, any = false;
    if (!added_only ||
        single(db, "SELECT as_of FROM frame_snapshot_header LIMIT 1", &p, &old_day, &dated) != 0 ||
        !dated || single(db, "SELECT max(" DG__SQL_DAY_OF("ordered_at") ") FROM orders "
                         "WHERE order_id > ?2", &p, &new_day, &any) != 0 ||
        outside_the_segment(db, m, (int32_t)old_day,
                            (int32_t)(any && new_day > old_day ? new_day : old_day))) {
        free(*data);
        *data = NULL;
        return false;
    }
    return true;
}

/* Do the segments, with one more of len bytes, stay within their share of the base and their
 * number? */
static bool small_enough(dg_store *s, size_t len)
{
    int64_t base = 0, reach, count = 0, bytes = 0;
    bool found = false;
    params none = { { NULL, NULL }, { 0, 0 } };
    return single(dg__store_db(s), "SELECT min(bytes) FROM frame_snapshot_header", &none, &base,
                  &found) == 0 && found && chain(s, &reach, &count, &bytes) &&
           (bytes + (int64_t)len) * SHARE_OF_BASE <= base && count < MAX_SEGMENTS;
}

/* The writer's decision (dg__update_applies) on the change of the customer from m->was to the
 * row in now (len bytes), the snapshot's day it was made for and the dictionaries changed. */
static dg__update_verdict verdict_of(sqlite3 *db, const dg__delta_mark *m,
                                     const unsigned char *now, size_t len, int64_t *as_of,
                                     unsigned *changed)
{
    bool dated = false;
    params none = { { NULL, NULL }, { 0, 0 } };
    dg__delta *rows = calloc(2, sizeof *rows);
    if (!rows || !m->was ||
        single(db, "SELECT min(as_of) FROM frame_snapshot_header", &none, as_of, &dated) != 0 ||
        !dated || !(rows[0].data = malloc(m->was_len)) || !(rows[1].data = malloc(len))) {
        dg__deltas_free(rows, 2);
        return DG__UPDATE_REFUSED;
    }
    memcpy(rows[0].data, m->was, m->was_len);
    memcpy(rows[1].data, now, len);
    dg__update_verdict verdict = DG__UPDATE_REFUSED;
    if (dg__segment_decode(&rows[0], m->was_len) && dg__segment_decode(&rows[1], len) &&
        rows[0].n_customers == 1 && rows[1].n_customers == 1)
        verdict = dg__update_applies(&rows[0].customers[0], &rows[1].customers[0],
                                     (int32_t)*as_of, changed);
    dg__deltas_free(rows, 2);
    return verdict;
}

/* The changed customer's row, as a rebuild reads it, as an update segment into *data (with the
 * customers left out when the reader needs them); false when the write changed anything but that
 * one row, or a reader could not apply the change: decided here, so that the snapshot is then out
 * of date at once. */
static bool encode_update(sqlite3 *db, const dg__delta_mark *m, const char *customer_id,
                          unsigned char **data, size_t *len)
{
    int64_t as_of = 0;
    unsigned changed = 0;
    *data = NULL;
    if (sqlite3_total_changes64(db) - m->changes != 1 ||
        !customer_row(db, customer_id, 0, 0, data, len))
        return false;
    dg__update_verdict verdict = verdict_of(db, m, *data, *len, &as_of, &changed);
    if (verdict == DG__UPDATE_APPLIES)
        return true;
    free(*data);
    *data = NULL;
    return verdict == DG__UPDATE_WITH_LEFT_OUT &&
           customer_row(db, customer_id, changed, as_of, data, len);
}

/* The segment of len bytes (encoded: NULL when the write cannot be one) written as m's
 * generation, and the snapshot marked current, when it stays small enough; frees data and m. */
static int write_segment(dg_store *s, dg__delta_mark *m, unsigned char *data, size_t len,
                         int64_t customers, int64_t orders, dg_error *err)
{
    sqlite3 *db = dg__store_db(s);
    int rc = 0;
    if (data && small_enough(s, len)) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "INSERT INTO frame_snapshot_delta (generation, base, customers, "
                               "orders, bytes, checksum, data, saved_at) "
                               "VALUES (?1, ?1 - 1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st,
                               NULL) != SQLITE_OK)
            rc = dg__store_error(s, err, "writing the snapshot's delta");
        if (rc == 0) {
            sqlite3_bind_int64(st, 1, m->generation);
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
    }
    free(data);
    dg__delta_mark_free(m);
    return rc;
}

int dg__store_delta_end(dg_store *s, dg__delta_mark *m, dg_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int64_t customers = 0, orders = 0;
    if (m->active)
        encode(dg__store_db(s), m, &data, &len, &customers, &orders);
    return write_segment(s, m, data, len, customers, orders, err);
}

int dg__store_delta_end_update(dg_store *s, dg__delta_mark *m, const char *customer_id,
                               dg_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (m->active && !encode_update(dg__store_db(s), m, customer_id, &data, &len)) {
        free(data);
        data = NULL;
    }
    return write_segment(s, m, data, len, 1, 0, err);
}

/* ---- the reader ---- */

int dg__store_delta_reach(dg_store *s, int64_t base, int64_t *reach, int64_t *bytes,
                          dg_error *err)
{
    sqlite3 *db = dg__store_db(s);
    sqlite3_stmt *st = NULL;
    *reach = base;
    *bytes = 0;
    if (!db)   /* a PostgreSQL store keeps no segments (schema/pg/0023) */
        return 0;
    if (sqlite3_prepare_v2(db, "SELECT generation, base, bytes FROM frame_snapshot_delta "
                           "WHERE generation > ? ORDER BY generation", -1, &st, NULL) != SQLITE_OK)
        return dg__store_error(s, err, "reading the snapshot's deltas");
    sqlite3_bind_int64(st, 1, base);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int64(st, 1) == *reach &&
           sqlite3_column_int64(st, 0) == *reach + 1) {
        *reach += 1;
        *bytes += sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE
               ? 0 : dg__store_error(s, err, "reading the snapshot's deltas");
}

void dg__deltas_free(dg__delta *deltas, size_t n)
{
    for (size_t i = 0; deltas && i < n; i++) {
        free(deltas[i].customers);
        free(deltas[i].orders);
        free(deltas[i].data);
        free(deltas[i].texts);
    }
    free(deltas);
}

int dg__store_deltas(dg_store *s, int64_t base, int64_t to, dg__delta **out, size_t *n,
                     dg_error *err)
{
    sqlite3 *db = dg__store_db(s);
    const char *path = dg__store_path(s);
    sqlite3_stmt *st = NULL;
    size_t want = to > base ? (size_t)(to - base) : 0;
    *out = NULL;
    *n = 0;
    if (!db)
        return dg_error_set(err, DG_ENOTFOUND, "%s: a PostgreSQL store keeps no delta segments",
                            path);
    dg__delta *all = calloc(want ? want : 1, sizeof *all);
    int rc = 0;
    *out = NULL;
    *n = 0;
    if (!all)
        return dg_error_set(err, DG_ENOMEM, "out of memory reading the snapshot's deltas");
    if (sqlite3_prepare_v2(db, "SELECT generation, base, checksum, data FROM frame_snapshot_delta "
                           "WHERE generation > ?1 AND generation <= ?2 ORDER BY generation", -1,
                           &st, NULL) != SQLITE_OK)
        rc = dg__store_error(s, err, "reading the snapshot's deltas");
    sqlite3_bind_int64(st, 1, base);
    sqlite3_bind_int64(st, 2, to);
    size_t got = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        int64_t generation = sqlite3_column_int64(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 3);
        const void *blob = sqlite3_column_blob(st, 3);
        dg__delta *d = &all[got];
        if (got == want || generation != base + 1 + (int64_t)got ||
            sqlite3_column_int64(st, 1) != generation - 1) {
            rc = dg_error_set(err, DG_ENOTFOUND, "%s: the snapshot's deltas have a gap", path);
            break;
        }
        got++;
        d->generation = generation;
        if (!(d->data = malloc(len ? len : 1))) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory reading the snapshot's deltas");
            break;
        }
        memcpy(d->data, blob, len);
        if (dg__snapshot_checksum(d->data, len) != (uint64_t)sqlite3_column_int64(st, 2) ||
            !dg__segment_decode(d, len))
            rc = dg_error_set(err, DG_ESTORE, "%s: the snapshot's delta %lld is damaged", path,
                              (long long)generation);
    }
    sqlite3_finalize(st);
    if (rc == 0 && got != want)
        rc = dg_error_set(err, DG_ENOTFOUND, "%s: the snapshot's deltas stop at %lld, not %lld",
                          path, (long long)(base + (int64_t)got), (long long)to);
    if (rc != 0) {
        dg__deltas_free(all, got);
        return rc;
    }
    *out = all;
    *n = got;
    return 0;
}
