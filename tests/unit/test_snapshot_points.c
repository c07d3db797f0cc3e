/* The frame snapshot at exact points of its claim, rebuild and save (docs/snapshot.md, "Safety"),
 * found by counting SQLite's file I/O in a forked child (io_points.h), with no timing:
 * - SIGKILL at each write point of a claim and save leaves a store whose next frame is the frame
 *   of its rows, and the store intact;
 * - a write landing at each I/O point of a reader's dg_frame_from_store, followed at once by a
 *   second reader that claims and saves the new generation, is never lost: the paused reader's
 *   later save of its older frame is refused (the generation re-check), so the next frame holds
 *   the write and equals the rows. */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/demo.h"
#include "dangol/frame.h"
#include "dangol/store.h"
#include "frame/snapshot.h"
#include "io_points.h"
#include "support.h"

static char path[64];
static dg_error err;

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-points-%d.db", (int)getpid());
    test_remove_store(path);
}

static void teardown(void)
{
    test_remove_store(path);
}

TestSuite(snapshot_points, .init = setup, .fini = teardown);

static dg_store *open_store(unsigned flags)
{
    dg_store *s = NULL;
    cr_assert_eq(dg_store_open(&s, path, flags, &err), 0, "%s", err.message);
    return s;
}

static void demo_store(int64_t customers)
{
    dg_store *s = open_store(DG_STORE_CREATE);
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.seed = 13;
    opt.n_customers = customers;
    opt.order_lines = false;
    dg_demo_output out = { .store = s };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);
    dg_store_close(s);
}

static void sql(const char *text)
{
    test_sql(path, text);
}

/* The frame of the store's rows, read past any snapshot. */
static test_frame_bytes rows(void)
{
    dg_store *s = open_store(0);
    dg_frame *f = NULL;
    dg_frame_options opts = { .as_of = DG_DAY_NONE };
    cr_assert_eq(dg_store_read_begin(s, &err), 0, "%s", err.message);
    cr_assert_eq(dg__frame_read_store(&f, s, &opts, &err), 0, "%s", err.message);
    dg_store_read_end(s);
    dg_store_close(s);
    return test_frame_bytes_of(f);
}

/* The frame the next command gets (from the snapshot when it is current). */
static test_frame_bytes next_frame(unsigned flags)
{
    dg_store *s = open_store(flags);
    dg_frame *f = NULL;
    cr_assert_eq(dg_frame_from_store(&f, s, NULL, &err), 0, "%s", err.message);
    dg_store_close(s);
    return test_frame_bytes_of(f);
}

static void same_bytes(test_frame_bytes a, test_frame_bytes b, const char *what, long point)
{
    cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
              "%s (point %ld): the frame differs from the rows' (%zu orders, rows have %zu)", what,
              point, b.frame->n_orders, a.frame->n_orders);
    test_frame_bytes_drop(b);
}

static void intact(long point)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok", "point %ld", point);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---- the child: one dg_frame_from_store with the shim installed ---- */

typedef struct {
    int to_parent, from_parent;   /* the child's ends */
    int parent_ends[2];           /* closed in the child, so a dead parent is an end of file */
} pipes;

static void die(void *ctx, long call)
{
    (void)ctx;
    (void)call;
    raise(SIGKILL);
}

/* Tells the parent the point is reached and waits until it has written. */
static void pause_here(void *ctx, long call)
{
    const pipes *p = ctx;
    char c = 'p';
    (void)call;
    if (write(p->to_parent, &c, 1) != 1 || read(p->from_parent, &c, 1) != 1)
        _exit(3);
}

/* Forks a reader that stops at I/O call `at` of the kinds given (0: never) through fn; it
 * writes the number of calls it made to count_fd when it finishes. */
static pid_t reader(unsigned kinds, long at, io_point_fn fn, void *ctx, int count_fd)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);   /* a failed test leaves no paused reader behind */
    if (fn == pause_here)
        for (int i = 0; i < 2; i++)
            close(((const pipes *)ctx)->parent_ends[i]);
    dg_store *s = NULL;
    dg_frame *f = NULL;
    dg_error e;
    if (io_points_install(kinds, at, fn, ctx) != SQLITE_OK ||
        dg_store_open(&s, path, 0, &e) != 0 || dg_frame_from_store(&f, s, NULL, &e) != 0)
        _exit(2);
    dg_frame_free(f);
    dg_store_close(s);
    long n = io_points_count();
    if (count_fd >= 0 && write(count_fd, &n, sizeof n) != (ssize_t)sizeof n)
        _exit(4);
    _exit(0);
}

static int wait_for(pid_t pid)
{
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return status;
}

/* The calls of these kinds one rebuild and save of the out-of-date snapshot makes. */
static long count_calls(unsigned kinds)
{
    int fds[2];
    long n = 0;
    cr_assert_eq(pipe(fds), 0);
    sql("UPDATE frame_snapshot_state SET dirty = 1");
    pid_t pid = reader(kinds, 0, NULL, NULL, fds[1]);
    int status = wait_for(pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the counting reader failed");
    cr_assert_eq(read(fds[0], &n, sizeof n), (ssize_t)sizeof n);
    close(fds[0]);
    close(fds[1]);
    return n;
}

/* The points to try among n: the first few one by one, then about 30 spread evenly. */
static long next_point(long k, long n)
{
    long stride = n / 30 > 1 ? n / 30 : 1;
    return k < 12 ? k + 1 : k + stride;
}

Test(snapshot_points, sigkill_at_every_write_point_leaves_a_right_answer, .timeout = 300)
{
    demo_store(4000);   /* a frame of more than one 1 MiB chunk */
    test_frame_bytes truth = rows();
    same_bytes(truth, next_frame(0), "before the kills", 0);
    long n = count_calls(IO_POINT_WRITE);
    cr_assert_gt(n, 4, "a claim and a save write something (%ld calls)", n);
    long killed = 0;
    for (long k = 1; k <= n; k = next_point(k, n)) {
        sql("UPDATE frame_snapshot_state SET dirty = 1");
        int status = wait_for(reader(IO_POINT_WRITE, k, die, NULL, -1));
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "the reader was not killed at write %ld of %ld", k, n);
        killed++;
        intact(k);
        same_bytes(truth, next_frame(DG_STORE_READONLY), "the command after the kill", k);
    }
    cr_assert_gt(killed, 10);
    test_frame_bytes_drop(truth);
}

/* At point k of the paused reader: a new order through a connection that does not wait (the
 * paused reader may hold the write lock: then nothing is written), then a second reader that
 * claims, rebuilds and saves the new generation when it can. Returns whether it wrote. */
static bool write_and_read(long k)
{
    sqlite3 *db;
    char text[256];
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(text, sizeof text,
             "INSERT INTO orders (order_id, customer_id, ordered_at, channel, total) "
             "SELECT 'point-%ld', customer_id, (SELECT MAX(ordered_at) FROM orders), 'points', 1 "
             "FROM customers ORDER BY customer_id LIMIT 1", k);
    int rc = sqlite3_exec(db, text, NULL, NULL, NULL);
    cr_assert(rc == SQLITE_OK || rc == SQLITE_BUSY, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    if (rc == SQLITE_OK)   /* else the paused reader holds the lock a command would wait for */
        test_frame_bytes_drop(next_frame(DG_STORE_READONLY));
    return rc == SQLITE_OK;
}

Test(snapshot_points, a_write_at_every_point_of_a_reader_is_never_lost, .timeout = 300)
{
    demo_store(150);
    test_frame_bytes_drop(next_frame(0));
    long n = count_calls(IO_POINT_READ | IO_POINT_WRITE);
    test_frame_bytes start = rows();
    size_t base = start.frame->n_orders, written = 0, skipped = 0;
    test_frame_bytes_drop(start);
    for (long k = 1; k <= n; k++) {
        int to_parent[2], from_parent[2];
        cr_assert_eq(pipe(to_parent), 0);
        cr_assert_eq(pipe(from_parent), 0);
        pipes p = { to_parent[1], from_parent[0], { to_parent[0], from_parent[1] } };
        sql("UPDATE frame_snapshot_state SET dirty = 1");
        pid_t pid = reader(IO_POINT_READ | IO_POINT_WRITE, k, pause_here, &p, -1);
        close(to_parent[1]);
        close(from_parent[0]);
        char c;
        if (read(to_parent[0], &c, 1) == 1) {   /* paused at point k */
            if (write_and_read(k))
                written++;
            else
                skipped++;
            cr_assert_eq(write(from_parent[1], &c, 1), 1);
        }
        close(to_parent[0]);
        close(from_parent[1]);
        int status = wait_for(pid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the paused reader failed at %ld",
                  k);
        test_frame_bytes truth = rows();
        cr_assert_eq(truth.frame->n_orders, base + written, "point %ld: a write was lost", k);
        same_bytes(truth, next_frame(DG_STORE_READONLY), "the command after the write", k);
        test_frame_bytes_drop(truth);
    }
    cr_assert_geq(written, 10, "%zu of %ld points wrote (%zu found the lock held)",
                 written, n, skipped);
}
