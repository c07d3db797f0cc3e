/* The audit trail's chain: entries link by SHA-256; a row changed or removed behind the
 * triggers' back (sqlite directly, triggers dropped) is named by verify; the triggers refuse
 * UPDATE and DELETE; a bulk action needs a reason; the prune job cuts behind an anchor the chain
 * still verifies from, and refuses less than a year; 20 processes released together append one
 * linear chain with nothing lost. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dangol/audit.h"
#include "dangol/report.h"
#include "dangol/store.h"
#include "support.h"

static dg_error err;
static dg_store *store;
static char path[64];
static const dg_audit_actor cli_actor = { .kind = "cli", .name = "tester", .origin = "cli" };

static int sql_rc(const char *text)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, text, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static void sql(const char *text)
{
    cr_assert_eq(sql_rc(text), SQLITE_OK, "%s", text);
}

static int64_t sql_int(const char *text)
{
    return test_sql_int(path, text);
}

static void setup(void)
{
    cr_assert_eq(dg_auth_init(&err), 0);
    store = test_store_create(path, sizeof path, "audit");
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(audit, .init = setup, .fini = teardown);

static int64_t append(const char *action, const char *customer, const char *reason)
{
    const char *ids[] = { customer };
    dg_audit_event ev = { .action = action, .customers = customer ? ids : NULL,
                          .n_customers = customer ? 1 : 0, .reason = reason,
                          .detail = "{\"route\":\"test\"}" };
    int64_t id = 0;
    cr_assert_eq(dg_audit_append(store, &cli_actor, &ev, &id, &err), 0, "%s", err.message);
    return id;
}

static void append_five(void)
{
    for (int i = 0; i < 5; i++) {
        char customer[16];
        snprintf(customer, sizeof customer, "C%d", i + 1);
        cr_assert_eq(append(DG_AUDIT_CUSTOMER_VIEW, customer, NULL), i + 1);
    }
}

static dg_audit_verification verify(void)
{
    dg_audit_verification v;
    cr_assert_eq(dg_audit_verify(store, &v, &err), 0, "%s", err.message);
    return v;
}

Test(audit, a_whole_chain_verifies)
{
    dg_audit_verification v = verify();
    cr_assert(v.ok, "an empty trail is whole");
    cr_assert_eq(v.entries, 0);
    append_five();
    v = verify();
    cr_assert(v.ok, "%s", v.problem);
    cr_assert_eq(v.entries, 5);
    cr_assert_eq(v.first_id, 1);
    cr_assert_eq(v.last_id, 5);
    cr_assert_eq(strlen(v.head), 64);
    /* the links are SHA-256 chained: each prev_hash is the previous entry's hash */
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit a JOIN auth_audit b "
                         "ON b.entry_id = a.entry_id + 1 WHERE b.prev_hash = a.hash"), 4);
    cr_assert_eq(sql_int("SELECT prev_hash = zeroblob(32) FROM auth_audit WHERE entry_id = 1"), 1);
}

Test(audit, entries_appended_all_at_once_chain_as_one_by_one)
{
    /* 40 entries at once after 5 single ones: two statements of 16 rows, then 8 single rows */
    enum { N = 40 };
    dg_audit_actor actors[N];
    dg_audit_event events[N];
    char customers[N][16];
    const char *ids[N];
    append_five();
    for (int i = 0; i < N; i++) {
        snprintf(customers[i], sizeof customers[i], "C\"%d", i);   /* a quote: escaped */
        ids[i] = customers[i];
        actors[i] = cli_actor;
        events[i] = (dg_audit_event){ .action = DG_AUDIT_CUSTOMER_VIEW, .customers = &ids[i],
                                      .n_customers = 1 };
    }
    int64_t first = 0;
    cr_assert_eq(dg_audit_append_all(store, actors, events, N, &first, &err), 0, "%s",
                 err.message);
    cr_assert_eq(first, 6);
    cr_assert_eq(append(DG_AUDIT_CUSTOMER_VIEW, "C1", NULL), 6 + N);
    dg_audit_verification v = verify();
    cr_assert(v.ok, "%s", v.problem);
    cr_assert_eq(v.entries, 6 + N);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit a JOIN auth_audit b "
                         "ON b.entry_id = a.entry_id + 1 WHERE b.prev_hash = a.hash"), 5 + N);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit WHERE customers = '[\"C\\\"39\"]'"), 1);
    /* one refused entry (a bulk action without a reason) and none is written */
    events[N - 1].action = DG_AUDIT_EXPORT;
    cr_assert_eq(dg_audit_append_all(store, actors, events, N, NULL, &err), DG_EINVAL);
    cr_assert_eq(verify().entries, 6 + N);
}

Test(audit, the_triggers_refuse_update_and_delete)
{
    append_five();
    cr_assert_neq(sql_rc("UPDATE auth_audit SET actor = 'mallory' WHERE entry_id = 2"), SQLITE_OK);
    cr_assert_neq(sql_rc("DELETE FROM auth_audit WHERE entry_id = 2"), SQLITE_OK);
    cr_assert_neq(sql_rc("DELETE FROM auth_audit"), SQLITE_OK);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit"), 5);
}

Test(audit, a_changed_entry_is_named)
{
    append_five();
    sql("DROP TRIGGER auth_audit_no_update; "
        "UPDATE auth_audit SET customers = '[\"C9\"]' WHERE entry_id = 3");
    dg_audit_verification v = verify();
    cr_assert(!v.ok);
    cr_assert_eq(v.bad_id, 3, "named %lld: %s", (long long)v.bad_id, v.problem);
    cr_assert(strstr(v.problem, "entry 3 was changed"), "%s", v.problem);
}

Test(audit, a_changed_entry_with_its_hash_recomputed_is_named_by_the_next_link)
{
    append_five();
    /* the forger changes entry 2's role and writes a fresh hash for it (not knowing it must
     * also rewrite every later link): entry 3's link gives it away */
    sql("DROP TRIGGER auth_audit_no_update; "
        "UPDATE auth_audit SET hash = randomblob(32), role = 'admin' WHERE entry_id = 2");
    dg_audit_verification v = verify();
    cr_assert(!v.ok);
    cr_assert_eq(v.bad_id, 2, "%s", v.problem);
}

Test(audit, a_removed_entry_is_named)
{
    append_five();
    sql("DROP TRIGGER auth_audit_no_delete; DELETE FROM auth_audit WHERE entry_id = 4");
    dg_audit_verification v = verify();
    cr_assert(!v.ok);
    cr_assert_eq(v.bad_id, 4, "%s", v.problem);
    cr_assert(strstr(v.problem, "entry 4 is missing"), "%s", v.problem);
}

Test(audit, removed_entries_at_the_end_are_named)
{
    append_five();
    sql("DROP TRIGGER auth_audit_no_delete; DELETE FROM auth_audit WHERE entry_id >= 4");
    dg_audit_verification v = verify();
    cr_assert(!v.ok);
    cr_assert_eq(v.bad_id, 4, "%s", v.problem);
    cr_assert(strstr(v.problem, "from the end"), "%s", v.problem);
}

Test(audit, a_bulk_action_needs_a_reason)
{
    dg_audit_event ev = { .action = DG_AUDIT_EXPORT };
    cr_assert_eq(dg_audit_append(store, &cli_actor, &ev, NULL, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "reason"), "%s", err.message);
    ev.reason = "";
    cr_assert_eq(dg_audit_append(store, &cli_actor, &ev, NULL, &err), DG_EINVAL);
    ev.reason = "year-end mailing";
    cr_assert_eq(dg_audit_append(store, &cli_actor, &ev, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit WHERE reason = 'year-end mailing'"), 1);
}

Test(audit, a_write_inside_a_transaction_commits_or_rolls_back_with_it)
{
    cr_assert_eq(dg_store_begin(store, &err), 0);
    append(DG_AUDIT_CUSTOMER_UPDATE, "C1", NULL);
    dg_store_rollback(store);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit"), 0);
    cr_assert_eq(dg_store_begin(store, &err), 0);
    append(DG_AUDIT_CUSTOMER_UPDATE, "C1", NULL);
    cr_assert_eq(dg_store_commit(store, &err), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit"), 1);
    cr_assert(verify().ok);
}

Test(audit, prune_cuts_behind_an_anchor_that_still_verifies)
{
    append_five();
    int64_t removed = 0, now = (int64_t)time(NULL);
    cr_assert_eq(dg_audit_prune(store, &cli_actor, 364, now, &removed, &err), DG_ERANGE);
    /* nothing is old enough yet: nothing is removed or written */
    cr_assert_eq(dg_audit_prune(store, &cli_actor, 730, now, &removed, &err), 0, "%s",
                 err.message);
    cr_assert_eq(removed, 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit"), 5);
    /* 731 days on, all five are older than 730 days */
    now += 731 * 86400LL;
    cr_assert_eq(dg_audit_prune(store, &cli_actor, 730, now, &removed, &err), 0, "%s",
                 err.message);
    cr_assert_eq(removed, 5);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit"), 1, "only the prune's entry is left");
    cr_assert_eq(sql_int("SELECT through_id FROM auth_audit_anchor"), 5);
    append(DG_AUDIT_CUSTOMER_VIEW, "C1", NULL);
    dg_audit_verification v = verify();
    cr_assert(v.ok, "%s", v.problem);
    cr_assert_eq(v.anchor_id, 5);
    cr_assert_eq(v.first_id, 6);
    cr_assert_eq(v.last_id, 7);
    /* the remaining entries are still append-only, and so is the anchor */
    cr_assert_neq(sql_rc("DELETE FROM auth_audit WHERE entry_id = 6"), SQLITE_OK);
    cr_assert_neq(sql_rc("DELETE FROM auth_audit_anchor"), SQLITE_OK);
    /* an entry after the anchor removed is named */
    sql("DROP TRIGGER auth_audit_no_delete; DELETE FROM auth_audit WHERE entry_id = 6");
    v = verify();
    cr_assert(!v.ok);
    cr_assert_eq(v.bad_id, 6, "%s", v.problem);
}

Test(audit, an_anchor_made_outside_the_prune_job_is_refused)
{
    append_five();
    /* removing the first entries behind a forged anchor: the anchor is named by no audit.prune
     * entry of the chain */
    sql("DROP TRIGGER auth_audit_anchor_no_delete; DROP TRIGGER auth_audit_no_delete; "
        "INSERT INTO auth_audit_anchor SELECT entry_id, hash, 2, 0 FROM auth_audit "
        "WHERE entry_id = 2; DELETE FROM auth_audit WHERE entry_id <= 2");
    dg_audit_verification v = verify();
    cr_assert(!v.ok);
    cr_assert_eq(v.bad_id, 2, "%s", v.problem);
    cr_assert(strstr(v.problem, "outside the prune job"), "%s", v.problem);
}

Test(audit, list_filters_by_customer_user_and_day)
{
    append_five();
    append(DG_AUDIT_CUSTOMER_VIEW, "C2", NULL);
    dg_report rep = { 0 };
    dg_audit_filter f = { .customer_id = "C2" };
    cr_assert_eq(dg_report_audit(&rep, store, &f, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 2);
    dg_report_clear(&rep);
    f = (dg_audit_filter){ .user = "nobody" };
    cr_assert_eq(dg_report_audit(&rep, store, &f, &err), 0);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 0);
    dg_report_clear(&rep);
    f = (dg_audit_filter){ .user = "tester", .since = (int64_t)time(NULL) + 86400 };
    cr_assert_eq(dg_report_audit(&rep, store, &f, &err), 0);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 0);
    dg_report_clear(&rep);
    f = (dg_audit_filter){ .user = "tester" };
    cr_assert_eq(dg_report_audit(&rep, store, &f, &err), 0);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 6);
    dg_report_clear(&rep);
}

#define WRITERS 20
#define EACH 10

Test(audit, twenty_writers_released_together_keep_one_chain)
{
    int gate[2];
    cr_assert_eq(pipe(gate), 0);
    pid_t pids[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        pids[i] = fork();
        cr_assert_neq(pids[i], -1);
        if (pids[i] == 0) {
            close(gate[1]);
            char c;
            dg_store *mine = NULL;
            dg_error e;
            if (dg_store_open(&mine, path, 0, &e) != 0)
                _exit(2);
            (void)!read(gate[0], &c, 1);   /* returns when the parent closes the gate */
            for (int k = 0; k < EACH; k++) {
                char customer[16];
                snprintf(customer, sizeof customer, "W%d", i);
                const char *ids[] = { customer };
                dg_audit_event ev = { .action = DG_AUDIT_CUSTOMER_VIEW, .customers = ids,
                                      .n_customers = 1 };
                if (dg_audit_append(mine, &cli_actor, &ev, NULL, &e) != 0)
                    _exit(3);
            }
            dg_store_close(mine);
            _exit(0);
        }
    }
    close(gate[0]);
    close(gate[1]);   /* every writer goes at once */
    for (int i = 0; i < WRITERS; i++) {
        int status;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", i);
    }
    dg_audit_verification v = verify();
    cr_assert(v.ok, "%s", v.problem);
    cr_assert_eq(v.entries, WRITERS * EACH);
    cr_assert_eq(sql_int("SELECT count(*) FROM auth_audit"), WRITERS * EACH);
    cr_assert_eq(sql_int("SELECT count(DISTINCT prev_hash) FROM auth_audit"), WRITERS * EACH,
                 "no two entries share a predecessor: the chain never forked");
    for (int i = 0; i < WRITERS; i++) {
        char q[128];
        snprintf(q, sizeof q, "SELECT count(*) FROM auth_audit WHERE customers = '[\"W%d\"]'", i);
        cr_assert_eq(sql_int(q), EACH, "writer %d", i);
    }
}
