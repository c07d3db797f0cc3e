/* The frame snapshot's delta segments in the SQLite store (snapshot_delta.h, docs/snapshot.md
 * "Appending"): an import writes the rows it added, found by key ranges after the greatest ids it
 * saw before writing (orders is a WITHOUT ROWID table: ids are the only watermark), and knows it
 * added nothing else by counting: the rows in those ranges must be every row the import changed.
 * A segment is one row: a magic word, the counts, then each customer and order as the rebuild
 * reads it (frame_store.c), texts as a length and bytes and a NUL (so the decoded rows point into
 * the segment), in the machine's byte order like the base snapshot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/snapshot.h"
#include "store/snapshot_delta.h"

#define MAGIC 0x31414744u         /* "DGA1" */
#define NULL_TEXT UINT32_MAX
#define SHARE_OF_BASE 10          /* segments beyond 1/10 of the base: rebuild instead */

static const char *const customer_columns =
    "customer_id, birth_year, acquired_on, gender, region, acquisition_channel, staff_id, "
    "customer_type, income_band";
static const char *const order_columns =
    "order_id, customer_id, ordered_at, total, units, channel, payment_method, site, staff_id";

/* ---- the writer ---- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
    bool failed;
} buffer;

static void put(buffer *b, const void *data, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 65536;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_u32(buffer *b, uint32_t v) { put(b, &v, 4); }
static void put_i32(buffer *b, int32_t v) { put(b, &v, 4); }
static void put_i64(buffer *b, int64_t v) { put(b, &v, 8); }

static void put_text(buffer *b, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        put_u32(b, NULL_TEXT);
        return;
    }
    const unsigned char *s = sqlite3_column_text(st, col);
    uint32_t n = (uint32_t)sqlite3_column_bytes(st, col);
    put_u32(b, n);
    put(b, s, n);
    put(b, "", 1);
}

static void put_customer(buffer *b, sqlite3_stmt *st)
{
    put_text(b, st, 0);
    put_i32(b, (int32_t)sqlite3_column_int64(st, 1));
    unsigned char has_acquired = sqlite3_column_type(st, 2) != SQLITE_NULL;
    put(b, &has_acquired, 1);
    put_i32(b, (int32_t)sqlite3_column_int64(st, 2));
    for (int c = 3; c < 9; c++)
        put_text(b, st, c);
}

static void put_order(buffer *b, sqlite3_stmt *st)
{
    put_text(b, st, 0);
    put_text(b, st, 1);
    put_i64(b, sqlite3_column_int64(st, 2));
    put_i64(b, sqlite3_column_int64(st, 3));
    put_i32(b, (int32_t)sqlite3_column_int64(st, 4));
    for (int c = 5; c < 9; c++)
        put_text(b, st, c);
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
    *m = (dg__delta_mark){ 0 };
}

/* The generation every saved snapshot was read at, when the segments lead from it to g. */
static bool reaches(dg_store *s, int64_t g)
{
    sqlite3 *db = dg__store_db(s);
    int64_t base = 0, reach = -1, bytes;
    bool found = false;
    dg_error ignored;
    params none = { { NULL, NULL }, { 0, 0 } };
    return single(db, "SELECT max(generation) FROM frame_snapshot_header", &none, &base,
                  &found) == 0 && found &&
           dg__store_delta_reach(s, base, &reach, &bytes, &ignored) == 0 && reach == g;
}

void dg__store_delta_begin(dg_store *s, dg__delta_mark *m)
{
    *m = (dg__delta_mark){ 0 };
    sqlite3 *db = dg__store_db(s);
    if (!db || !dg__store_in_transaction(s))
        return;
    int64_t before = 0;
    bool clean = false;
    params none = { { NULL, NULL }, { 0, 0 } };
    if (single(db, "SELECT generation FROM frame_snapshot_state WHERE dirty = 0", &none, &before,
               &clean) != 0)
        return;
    /* what the import's first write would do: every write marks the snapshot out of date */
    if (sqlite3_exec(db, "UPDATE frame_snapshot_state SET generation = generation + 1, dirty = 1 "
                     "WHERE id = 1 AND dirty = 0", NULL, NULL, NULL) != SQLITE_OK ||
        !clean || !reaches(s, before))
        return;
    m->generation = before + 1;
    m->changes = sqlite3_total_changes64(db);
    m->max_customer = max_text(db, "SELECT max(customer_id) FROM customers");
    m->max_order = max_text(db, "SELECT max(order_id) FROM orders");
    m->active = true;
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

/* The rows in the ranges after the mark, in scan order, appended to b; their number. */
static int64_t encode_rows(sqlite3 *db, const char *sql, const params *p, buffer *b,
                           void (*row)(buffer *, sqlite3_stmt *))
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    if (prepare(db, sql, p, &st) != 0)
        return -1;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        row(b, st);
        n++;
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE && !b->failed ? n : -1;
}

/* The segment of the rows after the mark into b, with its counts; false when the import did
 * anything but add them, or a rebuild would read more. */
static bool encode(sqlite3 *db, const dg__delta_mark *m, buffer *b, int64_t *customers,
                   int64_t *orders)
{
    char sql[512];
    params p = { { m->max_customer, m->max_order }, { 0, 0 } };
    uint32_t header[3] = { MAGIC, 0, 0 };
    put(b, header, sizeof header);
    snprintf(sql, sizeof sql, "SELECT %s FROM customers WHERE customer_id > ?1 "
             "ORDER BY customer_id", customer_columns);
    *customers = encode_rows(db, sql, &p, b, put_customer);
    snprintf(sql, sizeof sql, "SELECT %s FROM orders WHERE order_id > ?2 ORDER BY order_id",
             order_columns);
    *orders = *customers < 0 ? -1 : encode_rows(db, sql, &p, b, put_order);
    if (*orders < 0 || *customers > UINT32_MAX || *orders > UINT32_MAX ||
        *customers + *orders != sqlite3_total_changes64(db) - m->changes)
        return false;
    header[1] = (uint32_t)*customers;
    header[2] = (uint32_t)*orders;
    memcpy(b->p, header, sizeof header);
    int64_t old_day = 0, new_day = 0;
    bool dated = false, any = false;
    if (single(db, "SELECT as_of FROM frame_snapshot_header LIMIT 1", &p, &old_day, &dated) != 0 ||
        !dated || single(db, "SELECT max((ordered_at - ((ordered_at % 86400 + 86400) % 86400)) "
                         "/ 86400) FROM orders WHERE order_id > ?2", &p, &new_day, &any) != 0)
        return false;
    return !outside_the_segment(db, m, (int32_t)old_day,
                                (int32_t)(any && new_day > old_day ? new_day : old_day));
}

/* Do the segments, with one more of len bytes, stay within their share of the base? */
static bool small_enough(dg_store *s, size_t len)
{
    sqlite3 *db = dg__store_db(s);
    int64_t base = 0, bytes = 0, reach, generation = 0;
    bool found = false;
    dg_error ignored;
    params none = { { NULL, NULL }, { 0, 0 } };
    if (single(db, "SELECT min(bytes) FROM frame_snapshot_header", &none, &base, &found) != 0 ||
        !found ||
        single(db, "SELECT max(generation) FROM frame_snapshot_header", &none, &generation,
               &found) != 0 ||
        dg__store_delta_reach(s, generation, &reach, &bytes, &ignored) != 0)
        return false;
    return (bytes + (int64_t)len) * SHARE_OF_BASE <= base;
}

int dg__store_delta_end(dg_store *s, dg__delta_mark *m, dg_error *err)
{
    sqlite3 *db = dg__store_db(s);
    buffer b = { 0 };
    int64_t customers = 0, orders = 0;
    int rc = 0;
    if (m->active && encode(db, m, &b, &customers, &orders) && small_enough(s, b.len)) {
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
            sqlite3_bind_int64(st, 4, (int64_t)b.len);
            sqlite3_bind_int64(st, 5, (sqlite3_int64)dg__snapshot_checksum(b.p, b.len));
            sqlite3_bind_blob64(st, 6, b.p, b.len, SQLITE_STATIC);
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
    free(b.p);
    dg__delta_mark_free(m);
    return rc;
}

/* ---- the reader ---- */

int dg__store_delta_reach(dg_store *s, int64_t base, int64_t *reach, int64_t *bytes,
                          dg_error *err)
{
    sqlite3 *db = dg__store_db(s);
    sqlite3_stmt *st = NULL;
    *reach = base;
    *bytes = 0;
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

typedef struct {
    const unsigned char *p, *end;
    bool bad;
} cursor;

static void take(cursor *c, void *out, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, c->p, n);
    c->p += n;
}

static int32_t take_i32(cursor *c) { int32_t v; take(c, &v, 4); return v; }
static int64_t take_i64(cursor *c) { int64_t v; take(c, &v, 8); return v; }

static const char *take_text(cursor *c)
{
    uint32_t n;
    take(c, &n, 4);
    if (c->bad || n == NULL_TEXT)
        return NULL;
    if ((size_t)(c->end - c->p) <= n || c->p[n] != '\0' || memchr(c->p, '\0', n)) {
        c->bad = true;
        return NULL;
    }
    const char *s = (const char *)c->p;
    c->p += n + 1;
    return s;
}

/* d's rows out of its bytes; false when they are not a segment: sizes that do not add up, a row
 * without its id, ids out of order. */
static bool decode(dg__delta *d, size_t len)
{
    cursor c = { d->data, d->data + len, false };
    uint32_t header[3];
    take(&c, header, sizeof header);
    if (c.bad || header[0] != MAGIC || header[1] > len / 16 || header[2] > len / 32)
        return false;
    d->n_customers = header[1];
    d->n_orders = header[2];
    d->customers = calloc(d->n_customers ? d->n_customers : 1, sizeof *d->customers);
    d->orders = calloc(d->n_orders ? d->n_orders : 1, sizeof *d->orders);
    if (!d->customers || !d->orders)
        return false;
    for (size_t i = 0; i < d->n_customers && !c.bad; i++) {
        dg_frame_customer_in *r = &d->customers[i];
        r->customer_id = take_text(&c);
        r->birth_year = take_i32(&c);
        unsigned char has;
        take(&c, &has, 1);
        r->has_acquired_day = has != 0;
        r->acquired_day = take_i32(&c);
        const char **texts[] = { &r->gender, &r->region, &r->acquisition_channel, &r->staff_id,
                                 &r->customer_type, &r->income_band };
        for (size_t k = 0; k < 6; k++)
            *texts[k] = take_text(&c);
        if (!r->customer_id || (i && strcmp(d->customers[i - 1].customer_id, r->customer_id) >= 0))
            c.bad = true;
    }
    for (size_t i = 0; i < d->n_orders && !c.bad; i++) {
        dg_frame_order_in *r = &d->orders[i];
        r->order_id = take_text(&c);
        r->customer_id = take_text(&c);
        r->ordered_at = take_i64(&c);
        r->amount_minor = take_i64(&c);
        r->units = take_i32(&c);
        const char **texts[] = { &r->channel, &r->payment_method, &r->site, &r->staff_id };
        for (size_t k = 0; k < 4; k++)
            *texts[k] = take_text(&c);
        if (!r->order_id || !r->customer_id ||
            (i && strcmp(d->orders[i - 1].order_id, r->order_id) >= 0))
            c.bad = true;
    }
    return !c.bad && c.p == c.end;
}

void dg__deltas_free(dg__delta *deltas, size_t n)
{
    for (size_t i = 0; deltas && i < n; i++) {
        free(deltas[i].customers);
        free(deltas[i].orders);
        free(deltas[i].data);
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
            !decode(d, len))
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
