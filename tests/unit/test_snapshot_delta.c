/* The snapshot's delta segments (docs/snapshot.md, "Appending"): on demo stores with and without
 * order lines, through random imports (orders for existing customers, new customers and their
 * orders, same-second ties, new payment methods and channels, orders whose ids sort before the
 * existing ones, re-imported orders), the frame the next command gets equals, byte for byte, the
 * frame rebuilt from the rows; an import that only added customers and orders leaves the snapshot
 * current with one more segment, anything else leaves it out of date. A damaged segment, a gap
 * in them, or segments past a tenth of the base make the next command rebuild (and the rebuild's
 * save drops them); a SIGKILL at every write of an appending import leaves an intact store whose
 * next frame is its rows'. */
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

/* After every import the next frame equals the rows'; an import that only added leaves the
 * snapshot current (most of the time: the segments are compacted past a tenth of the base). */
Test(snapshot_delta, merged_equals_rebuilt_through_random_imports, .timeout = 300)
{
    int appended = 0, additions = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        dg_rng rng;
        dg_rng_seed(&rng, seed);
        bool lines = seed % 2 == 0;
        demo_store(seed, 300 + (int64_t)dg_rng_below(&rng, 300), lines);
        same_as_rows(lines, "the demo");
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

static void append_once(dg_rng *rng, bool lines)
{
    test_frame_bytes before = from_store(lines);
    random_import(rng, before.frame, APPEND);
    test_frame_bytes_drop(before);
}

/* A damaged segment (its bytes or its checksum), or a gap in the segments, costs a rebuild,
 * never a wrong answer; the rebuild's save drops the segments. */
Test(snapshot_delta, damaged_or_missing_segment_is_rebuilt)
{
    static const char *const damage[] = {
        "UPDATE frame_snapshot_delta SET data = CAST(zeroblob(length(data)) AS BLOB) "
        "WHERE generation = (SELECT max(generation) FROM frame_snapshot_delta)",
        "UPDATE frame_snapshot_delta SET checksum = checksum + 1",
        "DELETE FROM frame_snapshot_delta WHERE generation = "
        "(SELECT min(generation) FROM frame_snapshot_delta)",
        "UPDATE frame_snapshot_delta SET base = base - 1",
    };
    dg_rng rng;
    dg_rng_seed(&rng, 7);
    demo_store(7, 400, false);
    same_as_rows(false, "the demo");
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        append_once(&rng, false);
        append_once(&rng, false);
        cr_assert(current(false));
        cr_assert_geq(test_sql_int(path, "SELECT count(*) FROM frame_snapshot_delta"), 2);
        exec_sql(damage[i]);
        same_as_rows(false, damage[i]);
        cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM frame_snapshot_delta"), 0,
                     "%s: the rebuild kept the segments", damage[i]);
        cr_assert(current(false));
    }
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

/* An import of kill_csv in a child, killed at write call `at` (0: never); the number of write
 * calls it made into *calls when it finishes. */
static int import_child(long at, long *calls)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dg_store *s = NULL;
        dg_error e;
        dg_import_options opt = { .delimiter = ',' };
        if (io_points_install(IO_POINT_WRITE, at, die, NULL) != SQLITE_OK ||
            dg_store_open(&s, path, 0, &e) != 0 ||
            dg_import_mem(s, dg_entity_find("orders"), "kill.csv", kill_csv, strlen(kill_csv),
                          &opt, NULL, &e) != 0)
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

Test(snapshot_delta, killed_while_appending_answers_right, .timeout = 300)
{
    demo_store(11, 150, false);
    same_as_rows(false, "the demo");
    dg_store_close(store);
    store = NULL;
    char copy[96];
    snprintf(copy, sizeof copy, "cp %s %s.clean", path, path);
    cr_assert_eq(system(copy), 0);
    long calls = 0;
    int status = import_child(0, &calls);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the counting import failed");
    cr_assert_gt(calls, 0);
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0, "%s", err.message);
    cr_assert(current(false), "the import did not append");
    dg_store_close(store);
    store = NULL;
    for (long at = 1; at <= calls; at++) {
        snprintf(copy, sizeof copy, "cp %s.clean %s && rm -f %s-wal %s-shm", path, path, path,
                 path);
        cr_assert_eq(system(copy), 0);
        status = import_child(at, NULL);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "point %ld: not killed",
                  at);
        intact(at);
        cr_assert_eq(dg_store_open(&store, path, 0, &err), 0, "%s", err.message);
        int64_t added = test_sql_int(path, "SELECT count(*) FROM orders WHERE order_id LIKE 'P9%'");
        cr_assert(added == 0 || added == 2, "point %ld: %lld orders", at, (long long)added);
        char what[32];
        snprintf(what, sizeof what, "killed at write %ld", at);
        same_as_rows(false, what);
        dg_store_close(store);
        store = NULL;
    }
    snprintf(copy, sizeof copy, "%s.clean", path);
    unlink(copy);
}
