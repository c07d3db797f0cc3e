/* The frame snapshot's delta segments, the same on both stores (snapshot_delta.h, docs/snapshot.md
 * "Appending" and "Updating"): an import writes the rows it added, found by key ranges after the
 * greatest ids it saw before writing (ids are the only watermark both stores share), and knows it
 * added nothing else by counting: the rows in those ranges must be every row the import changed.
 * An API write that changed one customer writes that customer's row as an update segment,
 * knowing by the same count that it changed nothing else; one that added a piece of feedback
 * writes that row, when a rebuild would scan it last and place it last on its day. A segment is
 * one row of frame_snapshot_delta, its bytes the rows as the rebuild reads them (frame_store.c),
 * encoded by snapshot_delta_codec.c. What differs between SQLite and PostgreSQL (binding,
 * marking, counting the changes, the blob) is behind snapshot_delta_store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/snapshot.h"
#include "store/snapshot_delta_store.h"
#include "store/sql_day.h"

#define SHARE_OF_BASE 10          /* segments beyond 1/10 of the base: rebuild instead */
#define MAX_SEGMENTS 64           /* or beyond this many (a reader makes a pass over the frame's
                                   * customers for each) */

static const dg__delta_store *backend(dg_store *s)
{
    return dg__store_is_postgres(s) ? &dg__delta_postgres : &dg__delta_sqlite;
}

static const dg__delta_params no_params = { { NULL, NULL }, { 0, 0 } };

/* ---- the writer ---- */

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
    bool known = backend(s)->integer(s, "SELECT max(generation) FROM frame_snapshot_header",
                                     &no_params, &base, &found) && found &&
                 dg__store_delta_reach(s, base, reach, bytes, &ignored) == 0;
    *count = known ? *reach - base : 0;
    return known;
}

void dg__store_delta_begin(dg_store *s, dg__delta_mark *m)
{
    *m = (dg__delta_mark){ 0 };
    if (!dg__store_in_transaction(s))
        return;
    const dg__delta_store *b = backend(s);
    int64_t before = 0, reach = -1, count, bytes;
    if (!b->mark(s, &before) || !chain(s, &reach, &count, &bytes) || reach != before)
        return;
    char sql[128];
    m->generation = before + 1;
    m->changes = b->changes(s);
    snprintf(sql, sizeof sql, "SELECT max(customer_id%s) FROM customers", b->text_order(s));
    m->max_customer = b->text(s, sql);
    snprintf(sql, sizeof sql, "SELECT max(order_id%s) FROM orders", b->text_order(s));
    m->max_order = b->text(s, sql);
    m->active = m->changes >= 0;
}

/* Does sql find a row? True when it cannot tell. */
static bool any_row(dg_store *s, const char *sql, const dg__delta_params *p)
{
    int64_t one;
    bool found = false;
    return !backend(s)->integer(s, sql, p, &one, &found) || found;
}

/* Would a rebuild at the new last day hold anything the segment does not? Customers acquired,
 * partner activities and referrals dated after the old last day ($3), up to the new one ($4), are
 * left out of the base; rows of other tables that belong to the new customers or orders (written
 * around the import's checks) would be read by a rebuild. */
static bool outside_the_segment(dg_store *s, const dg__delta_mark *m, int32_t old_day,
                                int32_t new_day)
{
    static const struct {
        const char *table, *column, *after;   /* rows of table with column after $1 or $2 */
    } belonging[] = {
        { "order_lines", "order_id", "$2" }, { "surveys", "customer_id", "$1" },
        { "feedback", "customer_id", "$1" }, { "interactions", "customer_id", "$1" },
        { "partner_activities", "customer_id", "$1" },
    };
    static const struct {
        const char *table, *day;   /* rows of table with day in ($3, $4] */
        bool existing;             /* only the customers up to $1 */
    } newly_dated[] = {
        { "customers", "acquired_on", true }, { "partner_activities", "occurred_on", false },
        { "referrals", "referred_on", false },
    };
    const char *order = backend(s)->text_order(s);
    dg__delta_params p = { { m->max_customer, m->max_order }, { old_day, new_day } };
    char sql[256], existing[64];
    snprintf(existing, sizeof existing, " AND customer_id%s <= $1", order);
    for (size_t i = 0; i < sizeof belonging / sizeof belonging[0]; i++) {
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s%s > %s LIMIT 1", belonging[i].table,
                 belonging[i].column, order, belonging[i].after);
        if (any_row(s, sql, &p))
            return true;
    }
    for (size_t i = 0; new_day > old_day && i < sizeof newly_dated / sizeof newly_dated[0]; i++) {
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s > $3 AND %s <= $4%s LIMIT 1",
                 newly_dated[i].table, newly_dated[i].day, newly_dated[i].day,
                 newly_dated[i].existing ? existing : "");
        if (any_row(s, sql, &p))
            return true;
    }
    return false;
}

/* The segment of the rows after the mark into *data, with its counts; false when the import did
 * anything but add them, or a rebuild would read more. */
static bool encode(dg_store *s, const dg__delta_mark *m, unsigned char **data, size_t *len,
                   int64_t *customers, int64_t *orders)
{
    const dg__delta_store *b = backend(s);
    const char *order = b->text_order(s);
    char sql[512];
    dg__delta_params p = { { m->max_customer, m->max_order }, { 0, 0 } };
    dg__segment *w = NULL;
    *data = NULL;
    if (dg__segment_new(&w) != 0)
        return false;
    snprintf(sql, sizeof sql, "SELECT " DG__DELTA_CUSTOMER_COLUMNS " FROM customers "
             "WHERE customer_id%s > $1 ORDER BY customer_id%s", order, order);
    *customers = b->add_rows(s, sql, &p, w, DG__ROWS_CUSTOMERS);
    snprintf(sql, sizeof sql, "SELECT " DG__DELTA_ORDER_COLUMNS " FROM orders "
             "WHERE order_id%s > $2 ORDER BY order_id%s", order, order);
    *orders = *customers < 0 ? -1 : b->add_rows(s, sql, &p, w, DG__ROWS_ORDERS);
    bool added_only = *orders >= 0 && *customers <= UINT32_MAX && *orders <= UINT32_MAX &&
                      *customers + *orders == b->changes(s) - m->changes &&
                      dg__segment_bytes(w, data, len) == 0;
    dg__segment_free(w);
    int64_t old_day = 0, new_day = 0;
    bool dated = false, any = false;
    snprintf(sql, sizeof sql, "SELECT max(%s) FROM orders WHERE order_id%s > $2",
             DG__SQL_DAY_OF("ordered_at"), order);
    if (!added_only ||
        !b->integer(s, "SELECT as_of FROM frame_snapshot_header LIMIT 1", &p, &old_day, &dated) ||
        !dated || !b->integer(s, sql, &p, &new_day, &any) ||
        outside_the_segment(s, m, (int32_t)old_day,
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
    return backend(s)->integer(s, "SELECT min(bytes) FROM frame_snapshot_header", &no_params,
                               &base, &found) && found && chain(s, &reach, &count, &bytes) &&
           (bytes + (int64_t)len) * SHARE_OF_BASE <= base && count < MAX_SEGMENTS;
}

/* The customers a frame of day $3 may leave out (first seen after it: acquired after it, or
 * unknown with a partner activity or a referral after it), but $1: two ranges of the index on
 * acquired_on (schema 0031), after $3 and NULL, not the whole table. */
#define LEFT_OUT_SQL \
    "WITH out AS MATERIALIZED (SELECT * FROM customers WHERE customer_id <> $1 AND " \
    "(acquired_on > $3 OR (acquired_on IS NULL AND (customer_id IN (SELECT customer_id FROM " \
    "partner_activities WHERE occurred_on > $3) OR customer_id IN (SELECT referrer_id FROM " \
    "referrals WHERE referred_on > $3)))))"

/* customer_id's row, as a rebuild reads it, as an update segment into *data (false when there is
 * none); with, for the dictionaries whose bits are set in `changed` (dg__update_applies), the rows
 * of the first customer by id of those a frame of day as_of leaves out to use each value (false
 * past DG__MAX_LEFT_OUT of them). */
static bool customer_row(dg_store *s, const char *customer_id, unsigned changed, int64_t as_of,
                         unsigned char **data, size_t *len)
{
    static const char *const fields[DG__CUSTOMER_CODES] = { "region", "gender",
        "acquisition_channel", "staff_id", "customer_type", "income_band" };
    const dg__delta_store *b = backend(s);
    const char *order = b->text_order(s);
    char sql[2048];
    dg__delta_params p = { { customer_id, NULL }, { as_of, 0 } };
    dg__segment *w = NULL;
    *data = NULL;
    if (dg__segment_new(&w) != 0)
        return false;
    dg__segment_updates(w);
    bool one = b->add_rows(s, "SELECT " DG__DELTA_CUSTOMER_COLUMNS " FROM customers "
                           "WHERE customer_id = $1", &p, w, DG__ROWS_CUSTOMERS) == 1;
    if (one && changed) {
        int at = snprintf(sql, sizeof sql, LEFT_OUT_SQL " SELECT " DG__DELTA_CUSTOMER_COLUMNS
                          " FROM customers WHERE customer_id IN (");
        for (unsigned i = 0, n = 0; i < DG__CUSTOMER_CODES; i++)
            if (changed & (1u << i))
                at += snprintf(sql + at, sizeof sql - (size_t)at, "%sSELECT min(customer_id%s) "
                               "FROM out GROUP BY %s", n++ ? " UNION " : "", order, fields[i]);
        snprintf(sql + at, sizeof sql - (size_t)at, ") ORDER BY customer_id%s LIMIT %d", order,
                 DG__MAX_LEFT_OUT + 1);
        int64_t n = b->add_rows(s, sql, &p, w, DG__ROWS_LEFT_OUT);
        one = n >= 0 && n <= DG__MAX_LEFT_OUT;
    }
    one = one && dg__segment_bytes(w, data, len) == 0;
    dg__segment_free(w);
    return one;
}

void dg__store_delta_begin_update(dg_store *s, dg__delta_mark *m, const char *customer_id)
{
    dg__store_delta_begin(s, m);
    if (m->active && !customer_row(s, customer_id, 0, 0, &m->was, &m->was_len)) {
        free(m->was);   /* a row not found (the write then fails) leaves the snapshot dirty */
        m->was = NULL;
    }
}

/* The writer's decision (dg__update_applies) on the change of the customer from m->was to the
 * row in now (len bytes), the snapshot's day it was made for and the dictionaries changed. */
static dg__update_verdict verdict_of(dg_store *s, const dg__delta_mark *m,
                                     const unsigned char *now, size_t len, int64_t *as_of,
                                     unsigned *changed)
{
    bool dated = false;
    dg__delta *rows = calloc(2, sizeof *rows);
    if (!rows || !m->was ||
        !backend(s)->integer(s, "SELECT min(as_of) FROM frame_snapshot_header", &no_params,
                             as_of, &dated) ||
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
static bool encode_update(dg_store *s, const dg__delta_mark *m, const char *customer_id,
                          unsigned char **data, size_t *len)
{
    int64_t as_of = 0;
    unsigned changed = 0;
    *data = NULL;
    if (backend(s)->changes(s) - m->changes != 1 ||
        !customer_row(s, customer_id, 0, 0, data, len))
        return false;
    dg__update_verdict verdict = verdict_of(s, m, *data, *len, &as_of, &changed);
    if (verdict == DG__UPDATE_APPLIES)
        return true;
    free(*data);
    *data = NULL;
    return verdict == DG__UPDATE_WITH_LEFT_OUT &&
           customer_row(s, customer_id, changed, as_of, data, len);
}

/* The feedback row the write added as a feedback segment into *data; false when the write changed
 * anything else, or a rebuild would not read it where the reader puts it. */
static bool encode_feedback(dg_store *s, const dg__delta_mark *m, const char *feedback_id,
                            unsigned char **data, size_t *len)
{
    const dg__delta_store *b = backend(s);
    dg__delta_params p = { { feedback_id, NULL }, { 0, 0 } };
    bool dated = false, one = false;
    dg__segment *w = NULL;
    *data = NULL;
    if (b->changes(s) - m->changes != 1 ||
        !b->integer(s, "SELECT min(as_of) FROM frame_snapshot_header", &no_params,
                    &p.number[0], &dated) || !dated || dg__segment_new(&w) != 0)
        return false;
    one = b->add_rows(s, b->last_feedback_sql, &p, w, DG__ROWS_FEEDBACK) == 1 &&
          dg__segment_bytes(w, data, len) == 0;
    dg__segment_free(w);
    return one;
}

/* The segment of len bytes (encoded: NULL when the write cannot be one) written as m's
 * generation, and the snapshot marked current, when it stays small enough; frees data and m. */
static int write_segment(dg_store *s, dg__delta_mark *m, unsigned char *data, size_t len,
                         int64_t customers, int64_t orders, dg_error *err)
{
    int rc = 0;
    if (data && small_enough(s, len))
        rc = backend(s)->insert(s, m->generation, customers, orders, data, len, err);
    free(data);
    dg__delta_mark_free(m);
    return rc;
}

/* The write's rows where the reads below see them, when m is active; on the store's error (the
 * write's: it fails) m is freed. */
static int settle(dg_store *s, dg__delta_mark *m, dg_error *err)
{
    int rc = m->active ? backend(s)->settle(s, err) : 0;
    if (rc != 0)
        dg__delta_mark_free(m);
    return rc;
}

int dg__store_delta_end(dg_store *s, dg__delta_mark *m, dg_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int64_t customers = 0, orders = 0;
    int rc = settle(s, m, err);
    if (rc != 0)
        return rc;
    if (m->active)
        encode(s, m, &data, &len, &customers, &orders);
    return write_segment(s, m, data, len, customers, orders, err);
}

/* After a write of the one row called id: its segment, encoded by `encode_row` (false when it
 * cannot be one), written as for dg__store_delta_end, counting `customers` customers. */
static int end_one(dg_store *s, dg__delta_mark *m, const char *id,
                   bool (*encode_row)(dg_store *, const dg__delta_mark *, const char *,
                                      unsigned char **, size_t *),
                   int64_t customers, dg_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = settle(s, m, err);
    if (rc != 0)
        return rc;
    if (m->active && !encode_row(s, m, id, &data, &len)) {
        free(data);
        data = NULL;
    }
    return write_segment(s, m, data, len, customers, 0, err);
}

int dg__store_delta_end_update(dg_store *s, dg__delta_mark *m, const char *customer_id,
                               dg_error *err)
{
    return end_one(s, m, customer_id, encode_update, 1, err);
}

int dg__store_delta_end_feedback(dg_store *s, dg__delta_mark *m, const char *feedback_id,
                                 dg_error *err)
{
    return end_one(s, m, feedback_id, encode_feedback, 0, err);
}

/* ---- the reader ---- */

typedef struct {
    int64_t reach, bytes;
} reach_ctx;

static int on_reach(void *p, const dg__delta_row *row)
{
    reach_ctx *c = p;
    if (row->base != c->reach || row->generation != c->reach + 1)
        return 1;   /* a gap: the chain stops here */
    c->reach += 1;
    c->bytes += row->bytes;
    return 0;
}

int dg__store_delta_reach(dg_store *s, int64_t base, int64_t *reach, int64_t *bytes,
                          dg_error *err)
{
    reach_ctx c = { base, 0 };
    int rc = backend(s)->list(s, base, INT64_MAX, false, on_reach, &c, err);
    *reach = c.reach;
    *bytes = c.bytes;
    return rc == 1 ? 0 : rc;
}

void dg__deltas_free(dg__delta *deltas, size_t n)
{
    for (size_t i = 0; deltas && i < n; i++) {
        free(deltas[i].customers);
        free(deltas[i].orders);
        free(deltas[i].feedback);
        free(deltas[i].data);
        free(deltas[i].texts);
    }
    free(deltas);
}

typedef struct {
    const char *path;
    int64_t base;
    dg__delta *all;
    size_t want, got;
    dg_error *err;
} deltas_ctx;

static int on_delta(void *p, const dg__delta_row *row)
{
    deltas_ctx *c = p;
    dg__delta *d = &c->all[c->got];
    if (c->got == c->want || row->generation != c->base + 1 + (int64_t)c->got ||
        row->base != row->generation - 1)
        return dg_error_set(c->err, DG_ENOTFOUND, "%s: the snapshot's deltas have a gap",
                            c->path);
    c->got++;
    d->generation = row->generation;
    if (!(d->data = malloc(row->len ? row->len : 1)))
        return dg_error_set(c->err, DG_ENOMEM, "out of memory reading the snapshot's deltas");
    memcpy(d->data, row->data, row->len);
    if (dg__snapshot_checksum(d->data, row->len) != row->checksum ||
        !dg__segment_decode(d, row->len))
        return dg_error_set(c->err, DG_ESTORE, "%s: the snapshot's delta %lld is damaged",
                            c->path, (long long)row->generation);
    return 0;
}

int dg__store_deltas(dg_store *s, int64_t base, int64_t to, dg__delta **out, size_t *n,
                     dg_error *err)
{
    size_t want = to > base ? (size_t)(to - base) : 0;
    deltas_ctx c = { dg__store_path(s), base, calloc(want ? want : 1, sizeof *c.all), want, 0,
                     err };
    *out = NULL;
    *n = 0;
    if (!c.all)
        return dg_error_set(err, DG_ENOMEM, "out of memory reading the snapshot's deltas");
    int rc = backend(s)->list(s, base, to, true, on_delta, &c, err);
    if (rc == 0 && c.got != want)
        rc = dg_error_set(err, DG_ENOTFOUND, "%s: the snapshot's deltas stop at %lld, not %lld",
                          c.path, (long long)(base + (int64_t)c.got), (long long)to);
    if (rc != 0) {
        dg__deltas_free(c.all, c.got);
        return rc;
    }
    *out = c.all;
    *n = c.got;
    return 0;
}
