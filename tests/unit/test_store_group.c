/* Group commit (dg_store_group_begin): several writes in one transaction, each in its own
 * savepoint. A write that fails in the middle of a group leaves no trace (its ledger rows, its
 * idempotency key, its audit entry) while the writes before and after it stay; nothing of the
 * group is visible to another connection before the commit; a group rolled back, or whose
 * transaction is lost under it, writes nothing and its commit says so; transactions without
 * reference checks and bulk loads are refused inside a group. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/points.h"
#include "dangol/store.h"
#include "store/snapshot.h"
#include "support.h"

#define DAY0 20000

static dg_error err;
static dg_store *store;
static char path[64];
static dg_points_rules rules;
static const dg_audit_actor actor = { .kind = "user", .name = "tester", .origin = "test" };

static void setup(void)
{
    store = test_store_create(path, sizeof path, "group");
    test_sql(path, "INSERT INTO customers (customer_id) VALUES ('A'), ('B'), ('C')");
    dg_points_rules_default(&rules);
    dg_points_request r = { .points = 10, .day = DAY0, .source = DG_POINTS_SOURCE_CAMPAIGN };
    dg_points_result res;
    for (const char *c = "ABC"; *c; c++) {
        char id[2] = { *c, 0 };
        r.customer_id = id;
        cr_assert_eq(dg_points_earn(store, &rules, &r, &res, &err), 0, "%s", err.message);
    }
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(store_group, .init = setup, .fini = teardown);

/* A burn as the points routes write one: audited, with an idempotency key. */
static int burn(const char *customer, int64_t points, const char *key)
{
    dg_points_request r = { .customer_id = customer, .points = points, .day = DAY0 + 1,
                            .source = DG_POINTS_SOURCE_MANUAL, .idempotency_key = key,
                            .audit = &actor };
    dg_points_result res;
    return dg_points_burn(store, &r, &res, &err);
}

static int64_t count(const char *query)
{
    return test_sql_int(path, query);
}

static int64_t burns_of(const char *customer)
{
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM points_movements WHERE kind = 'burn' AND "
             "customer_id = '%s'", customer);
    return count(q);
}

static void assert_consistent(void)
{
    cr_assert_eq(count("SELECT count(*) FROM (SELECT customer_id, sum(points) AS s FROM "
                       "points_movements GROUP BY customer_id) m JOIN (SELECT customer_id, "
                       "sum(remaining) AS r FROM points_lots GROUP BY customer_id) l "
                       "USING (customer_id) WHERE m.s <> l.r OR m.s < 0"), 0);
    cr_assert_eq(count("SELECT count(*) FROM points_movements m WHERE kind = 'burn' AND "
                       "-points <> (SELECT coalesce(sum(points), 0) FROM points_allocations a "
                       "WHERE a.movement_id = m.movement_id)"), 0, "a half-written burn");
    cr_assert_eq(count("SELECT count(*) FROM points_movements WHERE kind = 'burn'"),
                 count("SELECT count(*) FROM auth_audit WHERE action = 'points.burn'"),
                 "a burn without its audit entry, or an entry without its burn");
    dg_audit_verification v;
    cr_assert_eq(dg_audit_verify(store, &v, &err), 0, "%s", err.message);
    cr_assert(v.ok, "the audit chain: %s", v.problem);
}

Test(store_group, a_write_that_fails_mid_group_leaves_no_trace_and_the_others_stay)
{
    cr_assert_eq(dg_store_group_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(burn("A", 3, "K-A"), 0, "%s", err.message);
    cr_assert_eq(burn("B", 50, "K-B"), DG_ECONFLICT);   /* a shortfall: refused, rolled back */
    /* a request whose route wrote and then answered an error: its own savepoint, as the
     * server's write queue sets one around each request */
    cr_assert_eq(dg_store_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(burn("B", 4, "K-B2"), 0, "%s", err.message);
    dg_store_rollback(store);
    cr_assert_eq(burn("C", 2, NULL), 0, "%s", err.message);
    cr_assert_eq(burn("A", 1, "K-A"), DG_ECONFLICT, "a key of the group is seen by the group");
    cr_assert_eq(count("SELECT count(*) FROM points_movements WHERE kind = 'burn'"), 0,
                 "nothing is visible to another connection before the commit");
    cr_assert(dg_store_group_intact(store));
    cr_assert_eq(dg_store_group_commit(store, &err), 0, "%s", err.message);
    cr_assert_eq(burns_of("A"), 1);
    cr_assert_eq(burns_of("B"), 0, "the failed burns of B left rows");
    cr_assert_eq(burns_of("C"), 1);
    cr_assert_eq(count("SELECT count(*) FROM points_requests"), 1, "only K-A is remembered");
    assert_consistent();
    /* the keys of the rolled-back writes were never used */
    cr_assert_eq(burn("B", 5, "K-B2"), 0, "%s", err.message);
    assert_consistent();
}

Test(store_group, a_group_rolled_back_writes_nothing)
{
    cr_assert_eq(dg_store_group_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(burn("A", 3, "K1"), 0, "%s", err.message);
    cr_assert_eq(burn("B", 3, NULL), 0, "%s", err.message);
    dg_store_group_rollback(store);
    cr_assert_eq(count("SELECT count(*) FROM points_movements WHERE kind = 'burn'"), 0);
    cr_assert_eq(count("SELECT count(*) FROM points_requests"), 0);
    assert_consistent();
    cr_assert_eq(burn("A", 3, "K1"), 0, "the store takes writes again: %s", err.message);
}

Test(store_group, a_transaction_lost_under_the_group_fails_its_commit)
{
    cr_assert_eq(dg_store_group_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(burn("A", 3, NULL), 0, "%s", err.message);
    /* what an I/O error or a full disk does to a SQLite transaction, whatever its savepoints */
    sqlite3_exec(dg__store_db(store), "ROLLBACK", NULL, NULL, NULL);
    cr_assert_not(dg_store_group_intact(store));
    cr_assert_neq(dg_store_group_commit(store, &err), 0);
    cr_assert(strstr(err.message, "lost"), "%s", err.message);
    cr_assert_eq(count("SELECT count(*) FROM points_movements WHERE kind = 'burn'"), 0);
    cr_assert_eq(burn("A", 3, NULL), 0, "the store takes writes again: %s", err.message);
    assert_consistent();
}

Test(store_group, unchecked_transactions_and_bulk_loads_are_refused_in_a_group)
{
    cr_assert_eq(dg_store_group_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_begin_unchecked(store, &err), DG_EUNSUPPORTED);
    cr_assert_eq(dg_store_bulk_begin(store, dg_entity_find("customers"), 1000000, &err),
                 DG_EUNSUPPORTED);
    cr_assert(dg_store_group_intact(store));
    cr_assert_eq(dg_store_group_commit(store, &err), 0, "%s", err.message);
}
