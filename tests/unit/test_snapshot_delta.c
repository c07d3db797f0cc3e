/* The snapshot's delta segments (docs/snapshot.md, "Appending" and "Updating"): on demo stores
 * with and without order lines, through random imports (orders for existing customers, new
 * customers and their orders, same-second ties, new payment methods and channels, orders whose ids
 * sort before the existing ones, re-imported orders) and random API writes in among them (changes
 * of a customer's fields, early customers' too, to known and new values; new customers, orders
 * and feedback; through dg__store_write_record, as the routes write), the frame the next command
 * gets, and the frame a server holding the previous one advances to (a copy, or itself), equal,
 * byte for byte, the frame rebuilt from the rows; an import that only added customers and
 * orders, and every API write of one (or of feedback the writer takes), leaves the snapshot
 * current with one more segment, anything else leaves it out of date. A damaged segment (an
 * appended or an update one), a gap in them, or segments past a tenth of the base make the next
 * command rebuild (and the rebuild's save drops them); a SIGKILL at every write of an appending
 * import, an updating API write or a piece of feedback leaves an intact store whose next frame is
 * its rows'. Feedback segments place each row where a rebuild does. */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dangol/demo.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/ingest.h"
#include "dangol/rng.h"
#include "frame/snapshot.h"
#include "store/snapshot_delta.h"
#include "io_points.h"
#include "support.h"

static char path[64];
static dg_store *store;
static dg_error err;
static int next_id;   /* ids of the orders and customers the tests add */

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-delta-%d.db", (int)getpid());
    test_remove_store(path);
    next_id = 0;
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(snapshot_delta, .init = setup, .fini = teardown);

static void demo_store(uint64_t seed, int64_t customers, bool lines)
{
    test_demo_store(&store, path, seed, customers, lines);
}

static void exec_sql(const char *text)
{
    test_sql(path, text);
}

/* The frame the next command gets. */
static test_frame_bytes from_store(bool lines)
{
    dg_frame *f = NULL;
    dg_frame_options opts = { .as_of = DG_DAY_NONE, .with_lines = lines };
    cr_assert_eq(dg_frame_from_store(&f, store, &opts, &err), 0, "%s", err.message);
    return test_frame_bytes_of(f);
}

/* The frame of the rows, past any snapshot. */
static test_frame_bytes from_rows(bool lines)
{
    dg_frame *f = NULL;
    dg_frame_options opts = { .as_of = DG_DAY_NONE, .with_lines = lines };
    cr_assert_eq(dg_store_read_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(dg__frame_read_store(&f, store, &opts, &err), 0, "%s", err.message);
    dg_store_read_end(store);
    return test_frame_bytes_of(f);
}

static void same_as_rows(bool lines, const char *what)
{
    test_frame_bytes got = from_store(lines), rows = from_rows(lines);
    cr_assert_eq(got.frame->n_customers, rows.frame->n_customers, "%s: customers", what);
    cr_assert_eq(got.frame->n_orders, rows.frame->n_orders, "%s: orders", what);
    cr_assert_eq(got.frame->as_of, rows.frame->as_of, "%s: as-of", what);
    cr_assert(got.len == rows.len && memcmp(got.data, rows.data, got.len) == 0,
              "%s (lines %d): the frame differs from the rows'", what, lines);
    test_frame_bytes_drop(got);
    test_frame_bytes_drop(rows);
}

/* Is the snapshot of this kind current? */
static bool current(bool lines)
{
    return test_snapshot_current(store, lines ? "orders+lines" : "orders");
}

static void import(const char *entity, const char *csv, bool create_customers)
{
    dg_import_options opt = { .delimiter = ',', .create_customers = create_customers };
    cr_assert_eq(dg_import_mem(store, dg_entity_find(entity), "delta.csv", csv, strlen(csv), &opt,
                               NULL, &err), 0, "%s", err.message);
}

static void timestamp(char *out, size_t cap, int64_t ts)
{
    time_t t = (time_t)ts;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A CSV line of an order: id, customer, time, channel, payment, site, units, total. */
static size_t order_line(char *out, size_t cap, const char *id, const char *customer, int64_t ts,
                         const char *channel, const char *payment, int64_t total)
{
    char when[32];
    timestamp(when, sizeof when, ts);
    return (size_t)snprintf(out, cap, "%s,%s,%s,%s,%s,Online,1,%lld\n", id, customer, when,
                            channel, payment, (long long)total);
}

#define ORDER_HEADER "order_id,customer_id,ordered_at,channel,payment_method,site,units,total\n"

enum { APPEND, NEW_CUSTOMERS, NEW_PAYMENT, NEW_CHANNEL, EARLIER_ID, REIMPORT, N_KINDS };

/* One random import of kind into the store whose frame is f; true when it only added records
 * the segments can always express (the snapshot should then stay current, unless they grew past
 * a tenth of the base). A new channel can be merged only when no channel was first seen after
 * the orders (in feedback): either may happen. */
static bool random_import(dg_rng *rng, const dg_frame *f, int kind)
{
    char csv[16384], id[32], customer[32], payment[32], channel[32];
    size_t len = 0;
    int n = 1 + (int)dg_rng_below(rng, 8);
    snprintf(channel, sizeof channel, "%s",
             kind == NEW_CHANNEL ? "chan-new" : dg_dict_value(&f->channels, f->order_channel[0]));
    snprintf(payment, sizeof payment, "%s",
             kind == NEW_PAYMENT ? "pay-new" : dg_dict_value(&f->payments, f->order_payment[0]));
    if (kind == NEW_CUSTOMERS) {
        len = (size_t)snprintf(csv, sizeof csv, "customer_id,region,acquired_on\n");
        for (int i = 0; i < n; i++)
            len += (size_t)snprintf(csv + len, sizeof csv - len, "D%07d,%s,2025-0%d-01\n",
                                    next_id + i, i % 2 ? "Jeju" : dg_dict_value(&f->regions, 1),
                                    1 + i % 9);
        import("customers", csv, false);
    }
    len = (size_t)snprintf(csv, sizeof csv, ORDER_HEADER);
    for (int i = 0; i < n; i++, next_id++) {
        size_t c = dg_rng_below(rng, f->n_customers);
        int64_t ts = (int64_t)(f->as_of - (int32_t)dg_rng_below(rng, 300)) * 86400 + 3600;
        if (kind == NEW_CUSTOMERS)
            snprintf(customer, sizeof customer, "D%07d", next_id);
        else
            snprintf(customer, sizeof customer, "%s", f->customer_id[c]);
        if (dg_rng_below(rng, 3) == 0 && kind != NEW_CUSTOMERS &&
            f->order_offset[c + 1] > f->order_offset[c])   /* the second of an existing order */
            ts = f->order_ts[f->order_offset[c + 1] - 1];
        if (dg_rng_below(rng, 4) == 0)   /* after the last day */
            ts = (int64_t)(f->as_of + 1 + (int32_t)dg_rng_below(rng, 20)) * 86400;
        snprintf(id, sizeof id, "%s%08d", kind == EARLIER_ID ? "A" : "P", next_id);
        len += order_line(csv + len, sizeof csv - len, id, customer, ts, channel, payment,
                          1000 + (int64_t)dg_rng_below(rng, 90000));
    }
    import("orders", csv, false);
    if (kind == REIMPORT) {   /* the last order again, another total: an update */
        len = (size_t)snprintf(csv, sizeof csv, ORDER_HEADER);
        order_line(csv + len, sizeof csv - len, id, customer, (int64_t)f->as_of * 86400, channel,
                   payment, 7);
        import("orders", csv, false);
    }
    return kind == APPEND || kind == NEW_CUSTOMERS || kind == NEW_PAYMENT;
}

/* A demo store of 300-600 customers for seed (with order lines for an even one) whose frame is
 * its rows', and rng seeded with it; whether it has lines. */
static bool random_demo(dg_rng *rng, uint64_t seed)
{
    dg_rng_seed(rng, seed);
    bool lines = seed % 2 == 0;
    demo_store(seed, 300 + (int64_t)dg_rng_below(rng, 300), lines);
    same_as_rows(lines, "the demo");
    return lines;
}

/* After every import the next frame equals the rows'; an import that only added leaves the
 * snapshot current (most of the time: the segments are compacted past a tenth of the base). */
Test(snapshot_delta, merged_equals_rebuilt_through_random_imports, .timeout = 300)
{
    int appended = 0, additions = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        dg_rng rng;
        bool lines = random_demo(&rng, seed);
        /* the first import may only append: the kinds that do not come after */
        for (int step = 0; step < 10; step++) {
            test_frame_bytes before = from_store(lines);
            int kind = step == 0 ? REIMPORT : (int)dg_rng_below(&rng, N_KINDS);
            if (step == 1)   /* make sure each store appends at least once */
                kind = APPEND;
            bool added = random_import(&rng, before.frame, kind);
            test_frame_bytes_drop(before);
            bool now = current(lines);
            if (kind == EARLIER_ID || kind == REIMPORT)
                cr_assert(!now, "seed %llu step %d: kind %d left the snapshot current",
                          (unsigned long long)seed, step, kind);
            additions += added;
            appended += added && now;
            char what[64];
            snprintf(what, sizeof what, "seed %llu step %d kind %d", (unsigned long long)seed,
                     step, kind);
            same_as_rows(lines, what);
            cr_assert(current(lines), "%s: the frame was not saved or appended", what);
        }
        teardown();
    }
    cr_assert_geq(appended * 2, additions, "only %d of %d additions appended", appended,
                  additions);
}

/* ---- the API's writes (dg__store_write_record, as the server's routes call it) ---- */

#define MAX_FIELDS 32

/* A record of the store, its texts owned. */
typedef struct {
    dg_value row[MAX_FIELDS];
    char *text[MAX_FIELDS];
} record;

static int keep_row(void *ctx, const dg_value *row)
{
    record *r = ctx;
    const dg_entity *e = dg_entity_find("customers");
    for (size_t c = 0; c < e->n_columns; c++) {
        r->row[c] = row[c];
        bool text = e->columns[c].type == DG_TYPE_TEXT || e->columns[c].type == DG_TYPE_ENUM;
        if (text && !row[c].is_null)
            r->row[c].u.s = r->text[c] = strdup(row[c].u.s);
    }
    return 0;
}

static void record_free(record *r)
{
    for (size_t c = 0; c < MAX_FIELDS; c++)
        free(r->text[c]);
}

static record customer_record(dg_store *s, const char *id)
{
    record r = { 0 };
    dg_scan_filter filter = { .key = id };
    cr_assert_eq(dg_store_scan(s, dg_entity_find("customers"), &filter, keep_row, &r, &err), 0,
                 "%s", err.message);
    cr_assert(r.text[0], "no customer %s", id);
    return r;
}

/* Column name of r set to text (NULL: empty). */
static void set_text(record *r, const char *name, const char *text)
{
    int c = dg_entity_column(dg_entity_find("customers"), name);
    free(r->text[c]);
    r->text[c] = text ? strdup(text) : NULL;
    r->row[c] = (dg_value){ .is_null = !text, .u.s = r->text[c] };
}

static void set_int(record *r, const char *name, int64_t v)
{
    int c = dg_entity_column(dg_entity_find("customers"), name);
    r->row[c] = (dg_value){ .u.i = v };
}

/* One write of the API's, in its own transaction, as the routes make it. */
static void api_write(const char *entity, const dg_value *row, bool insert)
{
    cr_assert_eq(dg_store_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(dg__store_write_record(store, dg_entity_find(entity), row, insert, &err), 0,
                 "%s", err.message);
    cr_assert_eq(dg_store_commit(store, &err), 0, "%s", err.message);
}

/* A value of dict at random (the empty one too), or a new one now and then. */
static const char *some_value(dg_rng *rng, const dg_dict *dict, const char *fresh)
{
    if (fresh && dg_rng_below(rng, 4) == 0)
        return fresh;
    uint32_t code = (uint32_t)dg_rng_below(rng, dict->n);
    return code ? dict->values[code] : NULL;
}

enum { NAME, BIRTH, REGION, GENDER, CHANNEL, STAFF, TYPE, BAND, ACQUIRED, NEW_CUSTOMER,
       NEW_ORDER, NEW_FEEDBACK, N_WRITES };

/* A piece of feedback through the API: id of customer c, at ts, of kind, channel and staff. */
static void api_feedback(const char *id, const char *customer, int64_t ts, const char *kind,
                         const char *channel, const char *staff, int rating)
{
    const dg_entity *e = dg_entity_find("feedback");
    dg_value row[MAX_FIELDS];
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    row[dg_entity_column(e, "feedback_id")] = (dg_value){ .u.s = id };
    row[dg_entity_column(e, "customer_id")] = (dg_value){ .u.s = customer };
    row[dg_entity_column(e, "received_at")] = (dg_value){ .u.i = ts };
    row[dg_entity_column(e, "kind")] = (dg_value){ .u.s = kind };
    row[dg_entity_column(e, "channel")] = (dg_value){ .is_null = !channel, .u.s = channel };
    row[dg_entity_column(e, "staff_id")] = (dg_value){ .is_null = !staff, .u.s = staff };
    row[dg_entity_column(e, "rating")] = (dg_value){ .is_null = !rating, .u.i = rating };
    api_write("feedback", row, true);
}

/* A random piece of feedback of a frame customer (an early one a third of the time), on a day up
 * to the snapshot's (after it one time in eight), at a random second, of a known kind, with a
 * known or new channel and a known staff member; true when the writer may decline it (dated
 * after the snapshot's day, or before another of the customer's on its day). */
static bool random_feedback(dg_rng *rng, const dg_frame *f)
{
    static const char *const kinds[] = { "complaint", "opinion", "question", "compliment" };
    char id[32], fresh[32], sql[256];
    snprintf(id, sizeof id, "FB-API-%08d", next_id++);
    snprintf(fresh, sizeof fresh, "fb-channel-%d", next_id++);
    size_t c = dg_rng_below(rng, 3) == 0 ? dg_rng_below(rng, 4) : dg_rng_below(rng, f->n_customers);
    int64_t day = test_sql_int(path, "SELECT min(as_of) FROM frame_snapshot_header");
    bool late = dg_rng_below(rng, 8) == 0;
    day = late ? day + 1 : day - (int64_t)dg_rng_below(rng, 300);
    int64_t ts = day * 86400 + (int64_t)dg_rng_below(rng, 86400);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM feedback WHERE customer_id = '%s' AND "
             "received_at > %lld AND received_at < %lld", f->customer_id[c], (long long)ts,
             (long long)(day + 1) * 86400);
    bool before_another = test_sql_int(path, sql) > 0;
    const char *channel = dg_rng_below(rng, 2) ? some_value(rng, &f->channels, fresh)
                                               : dg_dict_value(&f->channels, f->order_channel[0]);
    api_feedback(id, f->customer_id[c], ts, kinds[dg_rng_below(rng, 4)],
                 channel && *channel ? channel : NULL, some_value(rng, &f->staff, NULL),
                 (int)dg_rng_below(rng, 6));
    return late || before_another;
}

/* One random API write of kind against the store whose frame is f: a change of one customer's
 * fields (an early one a third of the time, where dictionary codes are first used), a new
 * customer (half of them acquired after the frame's day, with an id among the others', so the
 * frame leaves them out: a value they use has its first use among the frame's customers; the
 * write is no append, and a rebuild follows), a new order or a new piece of feedback. True for
 * a customer left out, or feedback the writer may decline. */
static bool random_api_write(dg_rng *rng, const dg_frame *f, int kind)
{
    char id[32], fresh[32];
    snprintf(fresh, sizeof fresh, "new-%d", next_id++);
    if (kind == NEW_FEEDBACK)
        return random_feedback(rng, f);
    if (kind == NEW_ORDER) {
        const dg_entity *e = dg_entity_find("orders");
        dg_value row[MAX_FIELDS];
        for (size_t c = 0; c < e->n_columns; c++)
            row[c] = (dg_value){ .is_null = true };
        snprintf(id, sizeof id, "P%08d", next_id++);
        size_t c = dg_rng_below(rng, f->n_customers);
        row[dg_entity_column(e, "order_id")] = (dg_value){ .u.s = id };
        row[dg_entity_column(e, "customer_id")] = (dg_value){ .u.s = f->customer_id[c] };
        row[dg_entity_column(e, "ordered_at")] =
            (dg_value){ .u.i = (int64_t)(f->as_of - (int32_t)dg_rng_below(rng, 200)) * 86400 };
        row[dg_entity_column(e, "total")] =
            (dg_value){ .u.i = 1000 + (int64_t)dg_rng_below(rng, 9000) };
        row[dg_entity_column(e, "channel")] =
            (dg_value){ .u.s = dg_dict_value(&f->channels, f->order_channel[0]) };
        api_write("orders", row, true);
        return false;
    }
    size_t c = dg_rng_below(rng, 3) == 0 ? dg_rng_below(rng, 4) : dg_rng_below(rng, f->n_customers);
    if (kind == NEW_CUSTOMER)
        snprintf(id, sizeof id, "E%07d", next_id++);
    record r = customer_record(store, kind == NEW_CUSTOMER ? f->customer_id[0] : f->customer_id[c]);
    bool left_out = kind == NEW_CUSTOMER && dg_rng_below(rng, 2) == 0;
    if (left_out) {
        snprintf(id, sizeof id, "%sx", f->customer_id[c]);
        set_int(&r, "acquired_on", f->as_of + 1 + (int32_t)dg_rng_below(rng, 30));
        set_text(&r, "region", some_value(rng, &f->regions, fresh));
    }
    if (kind == NEW_CUSTOMER)
        set_text(&r, "customer_id", id);
    static const char *const names[] = { [REGION] = "region", [GENDER] = "gender",
        [CHANNEL] = "acquisition_channel", [STAFF] = "staff_id", [TYPE] = "customer_type",
        [BAND] = "income_band" };
    const dg_dict *dicts[] = { [REGION] = &f->regions, [GENDER] = &f->genders,
        [CHANNEL] = &f->channels, [STAFF] = &f->staff, [TYPE] = &f->customer_types,
        [BAND] = &f->income_bands };
    if (kind == NAME)
        set_text(&r, "name", fresh);
    else if (kind == BIRTH)
        set_int(&r, "birth_year", 1950 + (int64_t)dg_rng_below(rng, 50));
    else if (kind == ACQUIRED)
        set_int(&r, "acquired_on", f->as_of - (int32_t)dg_rng_below(rng, 900));
    else if (kind != NEW_CUSTOMER)   /* gender and staff take only known values */
        set_text(&r, names[kind], some_value(rng, dicts[kind],
                                             kind == GENDER || kind == STAFF ? NULL : fresh));
    api_write("customers", r.row, kind == NEW_CUSTOMER);
    record_free(&r);
    return left_out;
}

/* After every API write or import, in random order, the next frame equals the rows', and so does
 * the frame a server holding the previous one advances to (dg_frame_advance); an API write of a
 * customer, an order or feedback (but what the writer declines) leaves the snapshot current. */
Test(snapshot_delta, applied_equals_rebuilt_through_random_api_writes_and_imports, .timeout = 300)
{
    int writes = 0, applied = 0, advanced = 0, refused = 0, beside = 0;
    int feedback = 0, feedback_written = 0, feedback_applied = 0;
    for (uint64_t seed = 21; seed <= 26; seed++) {
        dg_rng rng;
        bool lines = random_demo(&rng, seed);
        dg_frame *held = NULL;
        int64_t held_generation = -1;
        dg_frame_options opts = { .as_of = DG_DAY_NONE, .with_lines = lines };
        cr_assert_eq(dg_frame_from_store_at(&held, store, &opts, &held_generation, &err), 0);
        for (int step = 0; step < 16; step++) {
            test_frame_bytes before = from_store(lines);
            int kind = (int)dg_rng_below(&rng, N_WRITES + 2);
            bool updated = false;
            char what[64];
            snprintf(what, sizeof what, "seed %llu step %d kind %d", (unsigned long long)seed,
                     step, kind);
            if (kind >= N_WRITES) {
                random_import(&rng, before.frame, kind == N_WRITES ? APPEND : NEW_CUSTOMERS);
            } else {
                bool left_out = random_api_write(&rng, before.frame, kind);
                writes++;
                feedback += kind == NEW_FEEDBACK;
                /* a change the writer refuses leaves the snapshot out of date at once */
                bool written = current(lines);
                refused += kind < NEW_CUSTOMER && !written;
                beside += kind >= REGION && kind <= BAND && written &&
                          test_sql_int(path, "SELECT count(*) FROM customers WHERE acquired_on > "
                                       "(SELECT min(as_of) FROM frame_snapshot_header)") > 0;
                cr_assert(written || kind < NEW_CUSTOMER || left_out ||
                          test_sql_int(path, "SELECT count(*) FROM frame_snapshot_delta") >= 64,
                          "%s: the write left the snapshot out of date", what);
                updated = kind < NEW_CUSTOMER && written;
                feedback_written += kind == NEW_FEEDBACK && written;
            }
            test_frame_bytes_drop(before);
            dg_frame *next = NULL;
            int64_t generation;
            int rc;
            if (step % 2) {   /* a server holding its frame alone applies them to it */
                rc = dg_frame_advance_in_place(held, store, held_generation, &generation);
                next = rc == 0 ? held : NULL;
                if (rc != 0)
                    dg_frame_free(held);
                held = NULL;
            } else {
                rc = dg_frame_advance(&next, store, held, held_generation, &generation);
            }
            /* an update segment written is one the reader applies: never refused after the
             * base snapshot is read */
            cr_assert(!updated || rc == 0, "%s: a segment written was refused", what);
            /* a feedback segment the reader declines (a code a rebuild would give otherwise)
             * costs a rebuild, checked below like every other */
            feedback_applied += kind == NEW_FEEDBACK && current(lines) && rc == 0;
            if (rc == 0) {
                test_frame_bytes got = test_frame_bytes_of(next), rows = from_rows(lines);
                cr_assert(got.len == rows.len && memcmp(got.data, rows.data, got.len) == 0,
                          "%s: the advanced frame differs from the rows'", what);
                next = got.frame;
                got.frame = NULL;
                test_frame_bytes_drop(got);
                test_frame_bytes_drop(rows);
                advanced++;
            }
            same_as_rows(lines, what);
            applied += kind < N_WRITES &&
                       test_sql_int(path, "SELECT count(*) FROM frame_snapshot_delta") > 0;
            cr_assert(current(lines), "%s: the frame was not saved or applied", what);
            dg_frame_free(held);
            held = next;
            if (!held)
                cr_assert_eq(dg_frame_from_store_at(&held, store, &opts, &held_generation, &err),
                             0);
            else
                held_generation = generation;
        }
        dg_frame_free(held);
        teardown();
    }
    cr_assert_geq(applied * 2, writes, "only %d of %d API writes applied", applied, writes);
    cr_assert_gt(advanced, 0);
    cr_assert_gt(feedback_applied, 0, "no feedback segment applied");
    cr_log_info("%d API writes: %d applied, %d refused by the writer; %d changes of a code "
                "beside customers left out applied; %d pieces of feedback: %d written as "
                "segments, %d applied by the reader", writes, applied, refused, beside, feedback,
                feedback_written, feedback_applied);
}

static void append_once(dg_rng *rng, bool lines)
{
    test_frame_bytes before = from_store(lines);
    random_import(rng, before.frame, APPEND);
    test_frame_bytes_drop(before);
}

static const char *const damage[] = {
    "UPDATE frame_snapshot_delta SET data = CAST(zeroblob(length(data)) AS BLOB) "
    "WHERE generation = (SELECT max(generation) FROM frame_snapshot_delta)",
    "UPDATE frame_snapshot_delta SET checksum = checksum + 1",
    "DELETE FROM frame_snapshot_delta WHERE generation = "
    "(SELECT min(generation) FROM frame_snapshot_delta)",
    "UPDATE frame_snapshot_delta SET base = base - 1",
};

/* Two segments (written by second after an append), each damage done to them in turn: the next
 * command rebuilds, and the rebuild's save drops them. */
static void damaged_segments_rebuilt(void (*second)(dg_rng *rng))
{
    dg_rng rng;
    dg_rng_seed(&rng, 7);
    demo_store(7, 400, false);
    same_as_rows(false, "the demo");
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        append_once(&rng, false);
        second(&rng);
        cr_assert(current(false));
        cr_assert_geq(test_sql_int(path, "SELECT count(*) FROM frame_snapshot_delta"), 2);
        exec_sql(damage[i]);
        same_as_rows(false, damage[i]);
        cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM frame_snapshot_delta"), 0,
                     "%s: the rebuild kept the segments", damage[i]);
        cr_assert(current(false));
    }
}

static void append_again(dg_rng *rng)
{
    append_once(rng, false);
}

static void update_once(dg_rng *rng)
{
    test_frame_bytes before = from_store(false);
    random_api_write(rng, before.frame, BIRTH);
    test_frame_bytes_drop(before);
}

/* A change of customer id's column to text, or of its acquisition day to day (text NULL), through
 * the API; then whether it left a segment, and the frame a server holding the previous one
 * advances to equals the rows' when it did. */
static bool api_change(const char *id, const char *column, const char *text, int32_t day)
{
    dg_frame *held = NULL, *next = NULL;
    int64_t held_generation = -1, generation;
    dg_frame_options opts = { .as_of = DG_DAY_NONE };
    cr_assert_eq(dg_frame_from_store_at(&held, store, &opts, &held_generation, &err), 0);
    record r = customer_record(store, id);
    if (text)
        set_text(&r, column, text);
    else
        set_int(&r, column, day);
    api_write("customers", r.row, false);
    record_free(&r);
    bool written = current(false);
    if (written) {
        cr_assert_eq(dg_frame_advance(&next, store, held, held_generation, &generation), 0,
                     "%s %s: a segment written was refused", id, column);
        test_frame_bytes got = test_frame_bytes_of(next), rows = from_rows(false);
        cr_assert(got.len == rows.len && memcmp(got.data, rows.data, got.len) == 0,
                  "%s %s: the advanced frame differs from the rows'", id, column);
        test_frame_bytes_drop(got);
        test_frame_bytes_drop(rows);
    }
    dg_frame_free(held);
    same_as_rows(false, column);
    return written;
}

/* What the s32 reader refused after reading the base snapshot is applied: a new value on the
 * first customer (every code given again), the first customer's values moved to another's, an
 * acquisition day within the frame's days, a new value after a customer the frame leaves out
 * (acquired after its day, first in a rebuild's scan: the segment carries its row). What no
 * reader could apply leaves the snapshot out of date at once: an acquisition day after the
 * frame's (and back: the customer may be out of the frame), a dictionary change with more
 * customers left out than a segment carries. */
Test(snapshot_delta, writer_decides_what_a_reader_applies, .timeout = 120)
{
    demo_store(31, 400, false);
    same_as_rows(false, "the demo");
    test_frame_bytes demo = from_store(false);
    const dg_frame *f = demo.frame;
    char first[32], last[32], region[64], type[64];
    snprintf(first, sizeof first, "%s", f->customer_id[0]);
    snprintf(last, sizeof last, "%s", f->customer_id[f->n_customers - 1]);
    snprintf(region, sizeof region, "%s", dg_dict_value(&f->regions, f->region[f->n_customers - 1]));
    snprintf(type, sizeof type, "%s",
             dg_dict_value(&f->customer_types, f->customer_type[f->n_customers - 1]));
    int32_t as_of = f->as_of;
    test_frame_bytes_drop(demo);
    cr_assert(api_change(first, "region", "Atlantis", 0), "a new value on the first customer");
    cr_assert(api_change(first, "region", region, 0), "the first customer's new value dropped");
    cr_assert(api_change(first, "customer_type", type, 0), "a type moved");
    cr_assert(api_change(first, "acquisition_channel", "kiosk", 0), "a new channel");
    cr_assert(api_change(last, "staff_id", NULL, 0), "the last customer's staff cleared");
    cr_assert(api_change(last, "acquired_on", NULL, as_of - 40), "an earlier acquisition day");
    cr_assert(api_change(last, "acquired_on", NULL, as_of), "the frame's last day");
    cr_assert(!api_change(last, "acquired_on", NULL, as_of + 3), "after the frame's day");
    cr_assert(!api_change(last, "acquired_on", NULL, as_of - 2), "back: it may be out of it");

    /* a customer the frame leaves out: acquired after its day, nothing dated */
    record r = customer_record(store, first);
    set_text(&r, "customer_id", "C0");   /* before every demo id: the first in a rebuild's scan */
    set_text(&r, "region", region);
    set_int(&r, "acquired_on", as_of + 10);
    api_write("customers", r.row, true);
    record_free(&r);
    same_as_rows(false, "a customer left out");
    cr_assert(api_change(first, "region", "Lemuria", 0), "placed after the one left out");
    cr_assert(api_change(first, "region", NULL, 0), "cleared");
    cr_assert(api_change(first, "birth_year", NULL, 1971), "no code changes");
    /* more values first used by customers left out than a segment carries */
    char sql[512];
    snprintf(sql, sizeof sql, "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n "
             "WHERE k <= %d) INSERT INTO customers (customer_id, region, acquired_on) "
             "SELECT printf('D%%05d', k), printf('Mu%%05d', k), %d FROM n", DG__MAX_LEFT_OUT,
             as_of + 20);
    exec_sql(sql);
    same_as_rows(false, "customers left out");
    cr_assert(!api_change(first, "region", "Hyperborea", 0), "too many left out");
    cr_assert(api_change(first, "name", "Same codes", 0), "no code changes");
}

/* Feedback segments put each row where a rebuild does: after the customer's rows of its day (at
 * the next second after the last of them), on a day with none, before the customer's later
 * days, on the first customer (a new channel: its code after every other), with its rating; one
 * before another of its day, or after the snapshot's day, is declined by the writer (the snapshot
 * out of date at once). Each time the frame is the rows'. */
Test(snapshot_delta, feedback_segments_place_rows_as_a_rebuild, .timeout = 120)
{
    demo_store(31, 300, false);
    same_as_rows(false, "the demo");
    char sql[512], id[32];
    int written = 0;
    for (int i = 0; i < 12; i++) {
        /* a customer with feedback, and the day of its first */
        snprintf(sql, sizeof sql, "SELECT customer_id FROM feedback GROUP BY customer_id "
                 "ORDER BY customer_id LIMIT 1 "
                 "OFFSET %d", i);
        char customer[32];
        sqlite3 *db;
        sqlite3_stmt *st;
        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "fewer customers with feedback than %d", i);
        snprintf(customer, sizeof customer, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
        snprintf(sql, sizeof sql, "SELECT max(received_at) FROM feedback WHERE customer_id = '%s' "
                 "AND received_at / 86400 = (SELECT min(received_at / 86400) FROM feedback WHERE "
                 "customer_id = '%s')", customer, customer);
        int64_t last_of_first_day = test_sql_int(path, sql);
        bool declined = i % 4 == 3;   /* before the last of that day */
        int64_t ts = declined ? last_of_first_day - 1 : i % 4 == 2
                         ? (last_of_first_day / 86400 - 3) * 86400 + 5   /* a day of its own */
                         : last_of_first_day + (last_of_first_day % 86400 < 86399);
        snprintf(id, sizeof id, "FB-PLACE-%02d", i);
        api_feedback(id, customer, ts, i % 2 ? "complaint" : "compliment",
                     i % 3 ? "web" : NULL, NULL, i % 6);
        bool segment = current(false);
        cr_assert(segment != declined, "%s: %s", id, declined ? "not declined" : "no segment");
        written += segment;
        same_as_rows(false, id);
    }
    api_feedback("FB-PLACE-first", "C00000001", test_sql_int(path, "SELECT min(as_of) FROM "
                 "frame_snapshot_header") * 86400, "question", "brand-new-channel", NULL, 4);
    same_as_rows(false, "the first customer's new channel");
    api_feedback("FB-PLACE-late", "C00000003", (test_sql_int(path, "SELECT min(as_of) FROM "
                 "frame_snapshot_header") + 1) * 86400, "question", NULL, NULL, 0);
    cr_assert(!current(false), "feedback after the snapshot's day left it current");
    same_as_rows(false, "feedback after the last day");
    cr_assert_eq(written, 9);
}

/* A damaged segment (its bytes or its checksum), or a gap in the segments, costs a rebuild,
 * never a wrong answer; the rebuild's save drops the segments. */
Test(snapshot_delta, damaged_or_missing_segment_is_rebuilt)
{
    damaged_segments_rebuilt(append_again);
}

/* The same when the last segment is an update. */
Test(snapshot_delta, damaged_update_segment_is_rebuilt)
{
    damaged_segments_rebuilt(update_once);
}

/* Segments past a tenth of the base are not written: the import leaves the snapshot out of
 * date and the next command rebuilds and saves it whole. */
Test(snapshot_delta, segments_are_compacted_past_a_tenth_of_the_base, .timeout = 120)
{
    dg_rng rng;
    dg_rng_seed(&rng, 9);
    demo_store(9, 200, false);
    same_as_rows(false, "the demo");
    int64_t base = test_sql_int(path, "SELECT bytes FROM frame_snapshot_header");
    int imports = 0;
    while (current(false) && imports < 200) {
        append_once(&rng, false);
        imports++;
        cr_assert_leq(test_sql_int(path, "SELECT coalesce(sum(bytes), 0) "
                                   "FROM frame_snapshot_delta") * 10, base);
    }
    cr_assert(!current(false), "200 imports never passed a tenth of the base");
    cr_assert_gt(imports, 1);
    same_as_rows(false, "after the compaction");
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM frame_snapshot_delta"), 0);
}

/* ---- SIGKILL at every write of an appending import ---- */

static void die(void *ctx, long call)
{
    (void)ctx;
    (void)call;
    raise(SIGKILL);
}

static const char *kill_csv =
    ORDER_HEADER
    "P90000001,C00000001,2026-01-02T10:00:00Z,mobile,credit_card,Online,1,1000\n"
    "P90000002,C00000002,2026-01-03T10:00:00Z,mobile,credit_card,Online,1,2000\n";

static int import_kill_csv(dg_store *s, dg_error *e)
{
    dg_import_options opt = { .delimiter = ',' };
    return dg_import_mem(s, dg_entity_find("orders"), "kill.csv", kill_csv, strlen(kill_csv),
                         &opt, NULL, e);
}

/* One record written as the API writes it: in a transaction of its own (insert: a new row). */
static int write_one(dg_store *s, const char *entity, const dg_value *row, bool insert,
                     dg_error *e)
{
    int rc = dg_store_begin(s, e);
    if (rc == 0)
        rc = dg__store_write_record(s, dg_entity_find(entity), row, insert, e);
    if (rc == 0)
        rc = dg_store_commit(s, e);
    return rc;
}

/* The API's change of customer C00000002's birth year (an update segment a reader applies). */
static int update_birth_year(dg_store *s, dg_error *e)
{
    record r = customer_record(s, "C00000002");
    set_int(&r, "birth_year", 1901);
    int rc = write_one(s, "customers", r.row, false, e);
    record_free(&r);
    return rc;
}

/* The API's change of the first customer's region to a new value (every region's code given
 * again by the reader; the segment carries the customers the frame leaves out, if any). */
static int update_first_region(dg_store *s, dg_error *e)
{
    record r = customer_record(s, "C00000001");
    set_text(&r, "region", "Kill-region");
    int rc = write_one(s, "customers", r.row, false, e);
    record_free(&r);
    return rc;
}

/* The API's new piece of feedback of customer C00000002 at the last second of the snapshot's day
 * (a feedback segment a reader applies). */
static int add_feedback(dg_store *s, dg_error *e)
{
    int64_t day = test_sql_int(path, "SELECT min(as_of) FROM frame_snapshot_header");
    const dg_entity *feedback = dg_entity_find("feedback");
    dg_value row[MAX_FIELDS];
    for (size_t c = 0; c < feedback->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    row[dg_entity_column(feedback, "feedback_id")] = (dg_value){ .u.s = "FK9000001" };
    row[dg_entity_column(feedback, "customer_id")] = (dg_value){ .u.s = "C00000002" };
    row[dg_entity_column(feedback, "received_at")] = (dg_value){ .u.i = day * 86400 + 86399 };
    row[dg_entity_column(feedback, "kind")] = (dg_value){ .u.s = "complaint" };
    return write_one(s, "feedback", row, true, e);
}

/* work on the store in a child, killed at write call `at` (0: never); the number of write
 * calls it made into *calls when it finishes. */
static int write_child(int (*work)(dg_store *, dg_error *), long at, long *calls)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dg_store *s = NULL;
        dg_error e;
        if (io_points_install(IO_POINT_WRITE, at, die, NULL) != SQLITE_OK ||
            dg_store_open(&s, path, 0, &e) != 0 || work(s, &e) != 0)
            _exit(2);
        dg_store_close(s);
        long n = io_points_count();
        _exit(write(fds[1], &n, sizeof n) == (ssize_t)sizeof n ? 0 : 4);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    if (calls)
        cr_assert_eq(read(fds[0], calls, sizeof *calls), (ssize_t)sizeof *calls);
    close(fds[0]);
    close(fds[1]);
    return status;
}

static void intact(long point)
{
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM pragma_integrity_check "
                                    "WHERE integrity_check <> 'ok'"), 0,
                 "point %ld: the store is damaged", point);
}

/* work killed at every one of its file writes and syncs, each time on a copy of the store as it
 * was: the store is intact, shows all or none of the work (query gives what it gave before or
 * after it), and its next frame is its rows'. */
static void killed_at_every_write(int (*work)(dg_store *, dg_error *), const char *query)
{
    demo_store(11, 150, false);
    same_as_rows(false, "the demo");
    dg_store_close(store);
    store = NULL;
    int64_t before = test_sql_int(path, query);
    char copy[96];
    snprintf(copy, sizeof copy, "cp %s %s.clean", path, path);
    cr_assert_eq(system(copy), 0);
    long calls = 0;
    int status = write_child(work, 0, &calls);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the counting write failed");
    cr_assert_gt(calls, 0);
    int64_t after = test_sql_int(path, query);
    cr_assert_neq(before, after, "the write changed nothing");
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0, "%s", err.message);
    cr_assert(current(false), "the write left no segment");
    dg_store_close(store);
    store = NULL;
    for (long at = 1; at <= calls; at++) {
        snprintf(copy, sizeof copy, "cp %s.clean %s && rm -f %s-wal %s-shm", path, path, path,
                 path);
        cr_assert_eq(system(copy), 0);
        status = write_child(work, at, NULL);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "point %ld: not killed",
                  at);
        intact(at);
        cr_assert_eq(dg_store_open(&store, path, 0, &err), 0, "%s", err.message);
        int64_t now = test_sql_int(path, query);
        cr_assert(now == before || now == after, "point %ld: %lld", at, (long long)now);
        char what[32];
        snprintf(what, sizeof what, "killed at write %ld", at);
        same_as_rows(false, what);
        dg_store_close(store);
        store = NULL;
    }
    snprintf(copy, sizeof copy, "%s.clean", path);
    unlink(copy);
}

Test(snapshot_delta, killed_while_appending_answers_right, .timeout = 300)
{
    killed_at_every_write(import_kill_csv,
                          "SELECT count(*) FROM orders WHERE order_id LIKE 'P9%'");
}

Test(snapshot_delta, killed_while_updating_answers_right, .timeout = 300)
{
    killed_at_every_write(update_birth_year,
                          "SELECT birth_year FROM customers WHERE customer_id = 'C00000002'");
}

Test(snapshot_delta, killed_while_giving_codes_again_answers_right, .timeout = 300)
{
    killed_at_every_write(update_first_region, "SELECT region = 'Kill-region' FROM customers "
                          "WHERE customer_id = 'C00000001'");
}

Test(snapshot_delta, killed_while_adding_feedback_answers_right, .timeout = 300)
{
    killed_at_every_write(add_feedback,
                          "SELECT count(*) FROM feedback WHERE feedback_id = 'FK9000001'");
}
