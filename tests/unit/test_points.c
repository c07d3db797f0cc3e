/* The points ledger: one test per bug peers ship (expiry by label, a balance that collapses when
 * an expired credit drops out, two concurrent redemptions both passing, a redemption without a
 * ledger row, expired points in rankings), earning by hand-worked rules, the reversal policies,
 * idempotency keys, bad amounts and rules, and a property test: random movement sequences keep
 * balance = sum of the ledger >= 0, and an independent replay of the ledger from empty gives
 * the same lots and balances (about half of the movements written in group commits, where a
 * refused one is rolled back to its savepoint), with each lot's is_open = remaining > 0. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/points.h"
#include "dangol/report.h"
#include "dangol/rng.h"
#include "dangol/store.h"
#include "dangol/vocab.h"
#include "support.h"

#define DAY0 20000   /* 2024-10-04 */

static dg_error err;
static dg_store *store;
static char path[64];
static dg_points_rules rules;

static void sql(const char *text)
{
    test_sql(path, text);
}

static int64_t sql_int(const char *text)
{
    return test_sql_int(path, text);
}

static void setup(void)
{
    store = test_store_create(path, sizeof path, "points");
    sql("INSERT INTO customers (customer_id) VALUES ('A'), ('B'), ('C');"
        "INSERT INTO products (product_id, category) VALUES ('P1', 'beauty'), ('P2', 'food');");
    dg_points_rules_default(&rules);
    rules.expiry_days = 100;
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(points, .init = setup, .fini = teardown);

static dg_points_request req(const char *customer, int64_t points, int32_t day)
{
    dg_points_request r = { .customer_id = customer, .points = points, .day = day,
                            .source = DG_POINTS_SOURCE_MANUAL };
    return r;
}

static int64_t earn(const char *customer, int64_t points, int32_t day)
{
    dg_points_request r = req(customer, points, day);
    r.source = DG_POINTS_SOURCE_CAMPAIGN;
    dg_points_result res;
    cr_assert_eq(dg_points_earn(store, &rules, &r, &res, &err), 0, "%s", err.message);
    return res.movement_id;
}

static int burn(const char *customer, int64_t points, int32_t day, dg_points_result *res)
{
    dg_points_request r = req(customer, points, day);
    return dg_points_burn(store, &r, res, &err);
}

static dg_points_balance balance(const char *customer, int32_t day)
{
    dg_points_balance b;
    cr_assert_eq(dg_points_balance_get(store, customer, day, &b, &err), 0, "%s", err.message);
    return b;
}

static int64_t ledger_sum(const char *customer)
{
    char q[128];
    snprintf(q, sizeof q, "SELECT coalesce(sum(points), 0) FROM points_movements "
             "WHERE customer_id = '%s'", customer);
    return sql_int(q);
}

/* Peer bug 1: expiry picks movements by their label ("earn" older than the window) instead of
 * unexpired earned lots: it expires burned earns again and skips credits not labelled earn. */
Test(points, expiry_takes_the_unburned_rest_of_each_expired_lot)
{
    earn("A", 100, DAY0);                         /* lot 1, expires DAY0+100 */
    dg_points_result res;
    cr_assert_eq(burn("A", 100, DAY0 + 1, &res), 0, "%s", err.message);   /* lot 1 spent */
    dg_points_request adj = req("A", 50, DAY0);   /* an adjust credit: expires DAY0+100 too */
    adj.reason = "goodwill";
    cr_assert_eq(dg_points_adjust(store, &rules, &adj, &res, &err), 0, "%s", err.message);
    earn("A", 30, DAY0 + 50);                     /* expires DAY0+150 */
    dg_points_expiry done;
    cr_assert_eq(dg_points_expire(store, DAY0 + 99, &done, &err), 0);
    cr_assert_eq(done.lots, 0);                   /* nothing has expired the day before */
    cr_assert_eq(dg_points_expire(store, DAY0 + 100, &done, &err), 0, "%s", err.message);
    cr_assert_eq(done.lots, 1);
    cr_assert_eq(done.points, 50);                /* the adjust lot, not the spent earn */
    cr_assert_eq(ledger_sum("A"), 30);
    cr_assert_eq(balance("A", DAY0 + 100).available, 30);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_movements WHERE kind = 'expire' "
                         "AND points = -50 AND source_kind = 'lot'"), 1);
    /* idempotent: again writes nothing */
    cr_assert_eq(dg_points_expire(store, DAY0 + 100, &done, &err), 0);
    cr_assert_eq(done.lots, 0);
    cr_assert_eq(done.points, 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_movements"), 5);
}

/* Schema 33: the expiry job empties a lot without rewriting the customer's index of lots (one
 * leaf fewer written per expired lot: BENCHMARKS.md, session 35), and a burn, a balance and the
 * ranking still leave the emptied lot out (they read is_open from the row). */
Test(points, expiry_leaves_the_customers_lots_index_alone)
{
    earn("A", 100, DAY0);          /* expires DAY0+100 */
    earn("A", 40, DAY0 + 90);      /* expires DAY0+190 */
    dg_points_expiry done;
    cr_assert_eq(dg_points_expire(store, DAY0 + 150, &done, &err), 0, "%s", err.message);
    cr_assert_eq(done.points, 100);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_lots INDEXED BY points_lots_customer "
                         "WHERE customer_id = 'A' AND NOT is_open"), 1);
    cr_assert_eq(balance("A", DAY0 + 95).available, 40);   /* before its expiry day, swept */
    dg_points_result res;
    cr_assert_eq(burn("A", 41, DAY0 + 95, &res), DG_ECONFLICT);
    cr_assert_eq(burn("A", 40, DAY0 + 95, &res), 0, "%s", err.message);
    cr_assert_eq(res.balance, 0);
}

/* Peer bug 2: balance = unexpired credits - all debits collapses (here to -30) when a credit
 * that was partly burned expires. */
Test(points, balance_does_not_collapse_when_a_burned_credit_expires)
{
    earn("A", 100, DAY0);         /* expires DAY0+100 */
    earn("A", 50, DAY0 + 10);     /* expires DAY0+110 */
    dg_points_result res;
    cr_assert_eq(burn("A", 80, DAY0 + 5, &res), 0, "%s", err.message);   /* the first lot: 100 */
    cr_assert_eq(res.balance, 20);   /* on DAY0+5 the second lot is not earned yet */
    cr_assert_eq(balance("A", DAY0 + 20).available, 70);
    dg_points_balance b = balance("A", DAY0 + 105);   /* the first lot has expired */
    cr_assert_eq(b.available, 50);
    cr_assert_eq(b.expired_unswept, 20);
    cr_assert_eq(b.ledger, 70);
    dg_points_expiry done;
    cr_assert_eq(dg_points_expire(store, DAY0 + 105, &done, &err), 0);
    cr_assert_eq(done.points, 20);
    cr_assert_eq(ledger_sum("A"), 50);
    cr_assert_eq(balance("A", DAY0 + 105).available, 50);
}

/* Peer bug 3: two redemptions at once both pass the balance check. 8 processes each try to burn
 * 60 of 100 points: exactly one may succeed. */
Test(points, concurrent_redemptions_cannot_both_succeed)
{
    earn("A", 100, DAY0);
    dg_store_close(store);
    store = NULL;
    enum { N = 8 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        cr_assert_neq(pids[i], -1);
        if (pids[i] == 0) {
            dg_store *s;
            dg_error e;
            if (dg_store_open(&s, path, 0, &e) != 0)
                _exit(3);
            dg_points_request r = req("A", 60, DAY0 + 1);
            dg_points_result res;
            int rc = dg_points_burn(s, &r, &res, &e);
            dg_store_close(s);
            _exit(rc == 0 ? 0 : rc == DG_ECONFLICT ? 1 : 2);
        }
    }
    int won = 0, refused = 0;
    for (int i = 0; i < N; i++) {
        int status;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status));
        won += WEXITSTATUS(status) == 0;
        refused += WEXITSTATUS(status) == 1;
    }
    cr_assert_eq(won, 1);
    cr_assert_eq(refused, N - 1);
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0);
    cr_assert_eq(ledger_sum("A"), 40);
    cr_assert_eq(balance("A", DAY0 + 1).available, 40);
}

/* Peer bug 4: a redemption path that changes the balance without a ledger row. Every way points
 * leave (burn, negative adjust, reverse, expiry) is a row whose allocations add up to it, and the
 * lots always equal the ledger. */
Test(points, every_debit_writes_a_ledger_row_and_its_allocations)
{
    sql("INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('O1', 'A', 1728000000, 10000)");   /* 2024-10-04: 100 points at 10 per 1000 */
    dg_points_request o = { .source_id = "O1", .day = DG_POINTS_TODAY };
    dg_points_result res;
    cr_assert_eq(dg_points_earn_order(store, &rules, &o, &res, &err), 0, "%s", err.message);
    cr_assert_eq(res.points, 100);
    earn("A", 40, DAY0 + 1);
    cr_assert_eq(burn("A", 30, DAY0 + 2, &res), 0);
    dg_points_request adj = req("A", -20, DAY0 + 3);
    adj.reason = "correction";
    cr_assert_eq(dg_points_adjust(store, &rules, &adj, &res, &err), 0, "%s", err.message);
    cr_assert_eq(dg_points_reverse_order(store, &rules, &o, &res, &err), 0, "%s", err.message);
    dg_points_expiry done;
    cr_assert_eq(dg_points_expire(store, DAY0 + 200, &done, &err), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_movements m WHERE points < 0 AND "
                         "-points <> (SELECT coalesce(sum(points), 0) FROM points_allocations a "
                         "WHERE a.movement_id = m.movement_id)"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_movements WHERE points < 0"), 4);
    cr_assert_eq(ledger_sum("A"), sql_int("SELECT sum(remaining) FROM points_lots"));
    cr_assert_eq(ledger_sum("A"), 0);
    /* the ledger refuses to be edited */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "UPDATE points_movements SET points = 1", NULL, NULL, NULL),
                  SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "DELETE FROM points_allocations", NULL, NULL, NULL),
                  SQLITE_OK);
    sqlite3_close(db);
}

/* Peer bug 5: rankings by points count expired points the job has not swept yet. */
Test(points, rankings_leave_expired_points_out)
{
    earn("A", 500, DAY0);          /* expires DAY0+100, never swept here */
    earn("B", 100, DAY0 + 50);
    earn("C", 80, DAY0 + 60);
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_points_balance(&rep, store, NULL, DAY0 + 120, 0, &err), 0);
    char *csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    cr_assert_str_eq(csv, "customer_id,available\nB,100\nC,80\n");
    free(csv);
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_points_balance(&rep, store, NULL, DAY0 + 70, 1, &err), 0);
    csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    cr_assert_str_eq(csv, "customer_id,available\nA,500\n");
    free(csv);
    dg_report_clear(&rep);
}

Test(points, burn_takes_earliest_expiry_first_and_never_overdraws)
{
    int64_t late = earn("A", 100, DAY0 + 20);   /* expires DAY0+120 */
    int64_t early = earn("A", 100, DAY0);       /* expires DAY0+100: taken first */
    dg_points_result res;
    cr_assert_eq(burn("A", 150, DAY0 + 30, &res), 0, "%s", err.message);
    char q[160];
    snprintf(q, sizeof q, "SELECT remaining FROM points_lots WHERE lot_id = %lld",
             (long long)early);
    cr_assert_eq(sql_int(q), 0);
    snprintf(q, sizeof q, "SELECT remaining FROM points_lots WHERE lot_id = %lld",
             (long long)late);
    cr_assert_eq(sql_int(q), 50);
    int64_t rows = sql_int("SELECT count(*) FROM points_movements");
    cr_assert_eq(burn("A", 51, DAY0 + 30, &res), DG_ECONFLICT);
    cr_assert(strstr(err.message, "has 50 points available"), "%s", err.message);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_movements"), rows);   /* nothing written */
    cr_assert_eq(burn("Z", 1, DAY0, &res), DG_ENOTFOUND);
    cr_assert_eq(burn("A", 0, DAY0, &res), DG_ERANGE);
    cr_assert_eq(burn("A", -5, DAY0, &res), DG_ERANGE);
    cr_assert_eq(burn("A", DG_POINTS_MAX_AMOUNT + 1, DAY0, &res), DG_ERANGE);
}

Test(points, an_order_earns_base_and_category_bonus_times_the_multiplier)
{
    /* total 12345: base 10/1000 -> 123.45; beauty lines 5000 at +20/1000 -> 100;
     * (123.45 + 100) x 1.5 = 335.175 -> 335 */
    sql("INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('O1', 'B', 1728000000, 12345), ('O2', 'B', 1728000000, 50);"
        "INSERT INTO order_lines (order_id, line_no, product_id, amount) VALUES "
        "('O1', 1, 'P1', 3000), ('O1', 2, 'P1', 2000), ('O1', 3, 'P2', 7345)");
    cr_assert_eq(dg_points_rules_parse(&rules, "category_bonus.beauty = 20\n", "r", &err), 0);
    dg_points_request o = { .source_id = "O1", .day = DG_POINTS_TODAY,
                            .multiplier_per_mille = 1500 };
    dg_points_result res;
    cr_assert_eq(dg_points_earn_order(store, &rules, &o, &res, &err), 0, "%s", err.message);
    cr_assert_eq(res.points, 335);
    cr_assert_eq(sql_int("SELECT occurred_on FROM points_movements"), DAY0);
    cr_assert_eq(sql_int("SELECT expires_on FROM points_lots"), DAY0 + 100);
    cr_assert_eq(dg_points_earn_order(store, &rules, &o, &res, &err), DG_EEXIST);
    o.source_id = "O2";   /* 50 x 10 / 1000 = 0.5 -> no point */
    cr_assert_eq(dg_points_earn_order(store, &rules, &o, &res, &err), DG_ERANGE);
    o.source_id = "O9";
    cr_assert_eq(dg_points_earn_order(store, &rules, &o, &res, &err), DG_ENOTFOUND);
}

/* A campaign launched on day launched, with customers' arms ("A:treatment,B:control"). */
static void campaign(const char *id, int32_t launched, const char *members)
{
    char q[1024];
    snprintf(q, sizeof q, "INSERT INTO campaigns (campaign_id, control_share_bp, seed, offer_kind, "
             "channel, window_days, created_at, actor, launched_on, launched_at) VALUES ('%s', "
             "2000, 1, 'none', 'sms', 30, 0, 'test', %d, 1)", id, launched);
    sql(q);
    for (const char *m = members; *m; m += strcspn(m, ",") + (m[strcspn(m, ",")] == ',')) {
        const char *colon = strchr(m, ':');
        snprintf(q, sizeof q, "INSERT INTO campaign_members (campaign_id, customer_id, arm, "
                 "stratum) VALUES ('%s', '%.*s', '%.*s', 'x')", id, (int)(colon - m), m,
                 (int)strcspn(colon + 1, ","), colon + 1);
        sql(q);
    }
}

static int64_t earn_order(const char *order, int64_t multiplier)
{
    dg_points_request o = { .source_id = order, .day = DG_POINTS_TODAY,
                            .multiplier_per_mille = multiplier };
    dg_points_result res;
    cr_assert_eq(dg_points_earn_order(store, &rules, &o, &res, &err), 0, "%s", err.message);
    return res.points;
}

Test(points, a_campaign_bonus_adds_to_its_treatment_groups_orders_inside_its_window)
{
    /* SPRING (2024-10-03 .. 10-04, +30 per 1000, x2) and FALL (the whole of October, +5 per
     * 1000); A is treated by both, B is SPRING's control, C is treated by LATE (October, +30
     * per 1000), launched the day after C's order; D is treated by nothing. */
    sql("INSERT INTO customers (customer_id) VALUES ('D');"
        "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('OA', 'A', 1728000000, 12345), ('OB', 'B', 1728000000, 12345), "
        "('OC', 'C', 1728000000, 10000), ('OA2', 'A', 1728086400, 10000), "
        "('OA3', 'A', 1730419200, 10000), ('OD', 'D', 1728000000, 10000);"
        "INSERT INTO order_lines (order_id, line_no, product_id, amount) VALUES "
        "('OA', 1, 'P1', 5000), ('OA', 2, 'P2', 7345), ('OB', 1, 'P1', 5000), "
        "('OB', 2, 'P2', 7345)");
    campaign("SPRING", DAY0 - 1, "A:treatment,B:control");
    campaign("LATE", DAY0 + 1, "C:treatment");
    campaign("FALL.2024", DAY0 - 3, "A:treatment");
    cr_assert_eq(dg_points_rules_parse(&rules,
        "category_bonus.beauty = 20\n"
        "campaign_bonus.SPRING.from = 2024-10-03\n"
        "campaign_bonus.SPRING.until = 2024-10-04\n"
        "campaign_bonus.SPRING.extra_per_mille = 30\n"
        "campaign_bonus.SPRING.multiplier_per_mille = 2000\n"
        "campaign_bonus.FALL.2024.from = 2024-10-01\n"
        "campaign_bonus.FALL.2024.until = 2024-10-31\n"
        "campaign_bonus.FALL.2024.extra_per_mille = 5\n"
        "campaign_bonus.LATE.from = 2024-10-01\n"
        "campaign_bonus.LATE.until = 2024-10-31\n"
        "campaign_bonus.LATE.extra_per_mille = 30\n", "r", &err), 0, "%s", err.message);
    cr_assert_eq(rules.n_campaigns, 3);
    /* OA (2024-10-04, 12,345, beauty 5,000) at gold's x1.5: base 123.45 + SPRING 370.35 + FALL
     * 61.725 + beauty 100 = 655.525 points, times 1.5 + (2 - 1) = 2.5: 1638.8125 -> 1638 */
    cr_assert_eq(earn_order("OA", 1500), 1638);
    cr_assert_eq(sql_int("SELECT reason = 'campaign bonus: SPRING, FALL.2024' "
                         "FROM points_movements WHERE source_id = 'OA'"), 1);
    /* OB: SPRING's control group: (123.45 + 100) x 1.5 = 335.175 -> 335, as without rules */
    cr_assert_eq(earn_order("OB", 1500), 335);
    /* OC: treated by LATE, but the order came the day before its launch: 10,000 x 10 / 1000 =
     * 100 */
    cr_assert_eq(earn_order("OC", 1000), 100);
    /* OA2 (10-05): after SPRING's window, inside FALL's: 10,000 x (10 + 5) / 1000 = 150 */
    cr_assert_eq(earn_order("OA2", 1000), 150);
    /* OA3 (11-01): after both: 100; OD: a customer in no campaign: 100 */
    cr_assert_eq(earn_order("OA3", 1000), 100);
    cr_assert_eq(earn_order("OD", 1000), 100);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_movements WHERE reason IS NOT NULL"), 2);
}

Test(points, campaign_bonus_rules_name_file_line_column)
{
    static const struct { const char *text, *message; } bad[] = {
        { "campaign_bonus.S.from = 2024-13-01\n",
          "r:1:25: campaign_bonus.S.from = \"2024-13-01\": expected a date YYYY-MM-DD" },
        { "base_per_mille = 10\ncampaign_bonus.S.from = 2024-10-01\n"
          "campaign_bonus.S.extra_per_mille = 5\n",
          "r:2:1: campaign bonus \"S\" has no until day (campaign_bonus.S.until = YYYY-MM-DD)" },
        { "campaign_bonus.S.from = 2024-10-02\ncampaign_bonus.S.until = 2024-10-01\n"
          "campaign_bonus.S.extra_per_mille = 5\n",
          "r:1:1: campaign bonus \"S\": until 2024-10-01 is before from 2024-10-02" },
        { "campaign_bonus.S.from = 2024-10-01\ncampaign_bonus.S.until = 2024-10-01\n",
          "r:1:1: campaign bonus \"S\" gives nothing: set extra_per_mille above 0 or "
          "multiplier_per_mille above 1000" },
        { "campaign_bonus.S.multiplier_per_mille = 999\n",
          "r:1:41: campaign_bonus.S.multiplier_per_mille = \"999\": expected a whole number "
          "from 1000 to 100000" },
        { "\n  campaign_bonus.S.rate = 5\n",
          "r:2:3: unknown key \"campaign_bonus.S.rate\"; a campaign bonus has from, until, "
          "extra_per_mille, multiplier_per_mille" },
        { "campaign_bonus.S = 5\n",
          "r:1:1: \"campaign_bonus.S\": expected campaign_bonus.CAMPAIGN.KEY" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dg_points_rules r;
        dg_points_rules_default(&r);
        cr_assert_eq(dg_points_rules_parse(&r, bad[i].text, "r", &err), DG_EINVAL, "%zu", i);
        cr_assert_eq(strncmp(err.message, bad[i].message, strlen(bad[i].message)), 0,
                     "case %zu: %s", i, err.message);
        cr_assert_eq(r.n_campaigns, 0, "a refused file changed the rules");
    }
}

static void reverse_case(dg_points_reverse_policy policy, int64_t *absorbed, int64_t *left)
{
    sql("INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('O1', 'A', 1728000000, 10000)");   /* 100 points on DAY0 */
    rules.reverse_spent = policy;
    dg_points_request o = { .source_id = "O1", .day = DG_POINTS_TODAY };
    dg_points_result res;
    cr_assert_eq(dg_points_earn_order(store, &rules, &o, &res, &err), 0, "%s", err.message);
    earn("A", 50, DAY0 + 1);
    cr_assert_eq(burn("A", 120, DAY0 + 2, &res), 0);   /* O1's lot spent, 20 of the other */
    o.day = DAY0 + 3;
    o.customer_id = "B";   /* another customer's order is refused, nothing written */
    cr_assert_eq(dg_points_reverse_order(store, &rules, &o, &res, &err), DG_EINVAL);
    o.customer_id = "A";
    cr_assert_eq(dg_points_reverse_order(store, &rules, &o, &res, &err), 0, "%s", err.message);
    *absorbed = res.absorbed;
    *left = balance("A", DAY0 + 3).available;
    cr_assert_eq(dg_points_reverse_order(store, &rules, &o, &res, &err),
                 policy == DG_POINTS_REVERSE_RECOVER ? DG_EEXIST : 0);
}

Test(points, reversing_a_spent_order_absorbs_by_default)
{
    int64_t absorbed, left;
    reverse_case(DG_POINTS_REVERSE_ABSORB, &absorbed, &left);
    cr_assert_eq(absorbed, 100);   /* all of O1's points were spent: nothing to take back */
    cr_assert_eq(left, 30);
    cr_assert_eq(sql_int("SELECT count(*) FROM points_movements WHERE kind = 'reverse'"), 0);
}

Test(points, reversing_a_spent_order_recovers_what_the_balance_allows)
{
    int64_t absorbed, left;
    reverse_case(DG_POINTS_REVERSE_RECOVER, &absorbed, &left);
    cr_assert_eq(absorbed, 70);    /* 100 spent, 30 left to take */
    cr_assert_eq(left, 0);
    cr_assert_eq(sql_int("SELECT points FROM points_movements WHERE kind = 'reverse'"), -30);
}

Test(points, an_idempotency_key_applies_once)
{
    earn("A", 100, DAY0);
    dg_points_request r = req("A", 30, DAY0 + 1);
    r.idempotency_key = "k-1";
    dg_points_result first, again;
    cr_assert_eq(dg_points_burn(store, &r, &first, &err), 0, "%s", err.message);
    cr_assert_eq(dg_points_burn(store, &r, &again, &err), 0, "%s", err.message);
    cr_assert(again.replayed);
    cr_assert_eq(again.movement_id, first.movement_id);
    cr_assert_eq(again.balance, 70);
    cr_assert_eq(ledger_sum("A"), 70);
    r.points = 31;
    cr_assert_eq(dg_points_burn(store, &r, &again, &err), DG_ECONFLICT);
    cr_assert_eq(ledger_sum("A"), 70);
}

Test(points, amounts_and_rules_are_checked)
{
    int64_t p;
    cr_assert_eq(dg_points_amount_parse("25", "--points", false, &p, &err), 0);
    cr_assert_eq(p, 25);
    cr_assert_eq(dg_points_amount_parse("-25", "--points", true, &p, &err), 0);
    cr_assert_eq(p, -25);
    cr_assert_eq(dg_points_amount_parse("-25", "--points", false, &p, &err), DG_ERANGE);
    cr_assert_eq(dg_points_amount_parse("0", "--points", false, &p, &err), DG_ERANGE);
    cr_assert_eq(dg_points_amount_parse("2.5", "--points", false, &p, &err), DG_EPARSE);
    cr_assert_eq(dg_points_amount_parse("1,000", "--points", false, &p, &err), DG_EPARSE);
    cr_assert_eq(dg_points_amount_parse("", "--points", false, &p, &err), DG_EPARSE);
    cr_assert_eq(dg_points_amount_parse("1000000001", "--points", false, &p, &err), DG_ERANGE);
    cr_assert_eq(dg_points_amount_parse("99999999999999999999", "--points", false, &p, &err),
                 DG_ERANGE);
    dg_points_rules r;
    dg_points_rules_default(&r);
    cr_assert_eq(dg_points_rules_parse(&r, "base_per_mille = 20\n# note\nexpiry_days = abc\n",
                                       "points.conf", &err), DG_EINVAL);
    cr_assert_str_eq(err.message, "points.conf:3:15: expiry_days = \"abc\": expected a whole "
                     "number from 1 to 36600");
    cr_assert_eq(r.base_per_mille, 10);   /* a bad file changes nothing */
    cr_assert_eq(dg_points_rules_parse(&r, "reverse_spent = keep\n", "p", &err), DG_EINVAL);
    cr_assert(strstr(err.message, "p:1:17: unknown reverse_spent policy \"keep\""), "%s",
              err.message);
    cr_assert_eq(dg_points_rules_parse(&r, "bonus = 3\n", "p", &err), DG_EINVAL);
    cr_assert_eq(dg_points_rules_parse(&r, "reverse_spent = recover\ncategory_bonus.food = 5\n",
                                       "p", &err), 0);
    cr_assert_eq(r.reverse_spent, DG_POINTS_REVERSE_RECOVER);
    cr_assert_eq(r.n_bonuses, 1);
    cr_assert_eq(r.bonuses[0].per_mille, 5);
    /* the shipped file is the built-in rules */
    char *text = test_file_text("config/points.conf");
    dg_points_rules shipped, builtin;
    dg_points_rules_default(&builtin);
    dg_points_rules_default(&shipped);
    shipped.base_per_mille = -1;
    shipped.expiry_days = -1;
    cr_assert_eq(dg_points_rules_parse(&shipped, text, "config/points.conf", &err), 0, "%s",
                 err.message);
    cr_assert_eq(shipped.base_per_mille, builtin.base_per_mille);
    cr_assert_eq(shipped.expiry_days, builtin.expiry_days);
    cr_assert_eq(shipped.point_value_minor, builtin.point_value_minor);
    cr_assert_eq(shipped.reverse_spent, builtin.reverse_spent);
    cr_assert_eq(shipped.n_bonuses, builtin.n_bonuses);
    cr_assert_eq(shipped.n_campaigns, builtin.n_campaigns);
    free(text);
}

/* ---- the property test ---- */

#define P_CUSTOMERS 6
#define P_ORDERS 120
#define P_STEPS 300
#define P_LOTS 1024

/* An independent model of the ledger: its lots rebuilt from the movements alone. */
typedef struct model_lot {
    int64_t id;
    int customer;
    int32_t earned_on, expires_on;
    int64_t remaining, expired;
} model_lot;

typedef struct model {
    model_lot lots[P_LOTS];
    size_t n;
} model;

static int customer_index(const char *id)
{
    return id[0] - 'A';
}

static model_lot *model_lot_of(model *m, int64_t id)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->lots[i].id == id)
            return &m->lots[i];
    cr_assert_fail("no lot %lld in the replay", (long long)id);
    return NULL;
}

/* Debits points from the customer's lots usable on day, earliest expiry, then lot id, first. */
static void model_debit(model *m, int customer, int32_t day, int64_t points)
{
    while (points > 0) {
        model_lot *best = NULL;
        for (size_t i = 0; i < m->n; i++) {
            model_lot *l = &m->lots[i];
            if (l->customer != customer || l->remaining == 0 || l->expires_on <= day ||
                l->earned_on > day)
                continue;
            if (!best || l->expires_on < best->expires_on ||
                (l->expires_on == best->expires_on && l->id < best->id))
                best = l;
        }
        cr_assert(best, "the ledger debits points the replay cannot find");
        int64_t part = best->remaining < points ? best->remaining : points;
        best->remaining -= part;
        points -= part;
    }
}

/* The documented rules, applied to the movements in ledger order: a credit opens a lot; an
 * expiry takes exactly its lot's rest; an order's reversal takes all that is left of the order's
 * own lot, then (the recovered spent part) from the other lots as a burn would; every other
 * debit is a burn. */
static void replay(model *m)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    m->n = 0;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT movement_id, customer_id, kind, points, "
                                    "occurred_on, expires_on, source_id, reverses "
                                    "FROM points_movements ORDER BY movement_id", -1, &st, NULL),
                 SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int c = customer_index((const char *)sqlite3_column_text(st, 1));
        const char *kind = (const char *)sqlite3_column_text(st, 2);
        int64_t points = sqlite3_column_int64(st, 3);
        int32_t day = sqlite3_column_int(st, 4);
        if (points > 0) {
            cr_assert_lt(m->n, P_LOTS);
            m->lots[m->n++] = (model_lot){ sqlite3_column_int64(st, 0), c, day,
                                           sqlite3_column_int(st, 5), points, 0 };
        } else if (strcmp(kind, "expire") == 0) {
            model_lot *l = model_lot_of(m, atoll((const char *)sqlite3_column_text(st, 6)));
            cr_assert_eq(l->remaining, -points, "expiry of lot %lld is not its rest",
                         (long long)l->id);
            cr_assert_leq(l->expires_on, day);
            l->expired += -points;
            l->remaining = 0;
        } else if (strcmp(kind, "reverse") == 0) {
            model_lot *own = model_lot_of(m, sqlite3_column_int64(st, 7));
            cr_assert_eq(own->customer, c);
            int64_t rest = own->remaining;
            cr_assert_geq(-points, rest, "a reversal left part of its order's lot");
            own->remaining = 0;
            model_debit(m, c, day, -points - rest);
        } else {
            model_debit(m, c, day, -points);
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void compare(const model *m, int32_t day)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT lot_id, remaining, expired FROM points_lots "
                                    "ORDER BY lot_id", -1, &st, NULL), SQLITE_OK);
    size_t i = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        cr_assert_lt(i, m->n);
        cr_assert_eq(sqlite3_column_int64(st, 0), m->lots[i].id);
        cr_assert_eq(sqlite3_column_int64(st, 1), m->lots[i].remaining, "lot %lld",
                     (long long)m->lots[i].id);
        cr_assert_eq(sqlite3_column_int64(st, 2), m->lots[i].expired);
        i++;
    }
    cr_assert_eq(i, m->n);
    sqlite3_finalize(st);
    sqlite3_close(db);
    for (int c = 0; c < P_CUSTOMERS; c++) {
        char id[2] = { (char)('A' + c), 0 };
        int64_t usable = 0, all = 0;
        for (size_t k = 0; k < m->n; k++)
            if (m->lots[k].customer == c) {
                all += m->lots[k].remaining;
                if (m->lots[k].expires_on > day && m->lots[k].earned_on <= day)
                    usable += m->lots[k].remaining;
            }
        dg_points_balance b = balance(id, day);
        cr_assert_eq(b.available, usable);
        cr_assert_geq(b.available, 0);
        cr_assert_eq(b.ledger, all, "balance = sum of the ledger");
        cr_assert_eq(b.ledger, ledger_sum(id));
    }
}

/* P_ORDERS orders of random customers (ids A..F) and totals, some with a beauty line (a
 * category bonus); the property test earns and reverses them. */
static void random_orders(dg_rng *rng)
{
    sql("INSERT INTO customers (customer_id) VALUES ('D'), ('E'), ('F')");
    char q[512];
    for (int o = 0; o < P_ORDERS; o++) {
        int64_t total = 100 + (int64_t)dg_rng_below(rng, 30000);
        snprintf(q, sizeof q, "INSERT INTO orders (order_id, customer_id, ordered_at, total) "
                 "VALUES ('O%d', '%c', %lld, %lld)", o, 'A' + (int)dg_rng_below(rng, P_CUSTOMERS),
                 (long long)DAY0 * 86400, (long long)total);
        sql(q);
        if (dg_rng_below(rng, 2)) {
            snprintf(q, sizeof q, "INSERT INTO order_lines (order_id, line_no, product_id, "
                     "amount) VALUES ('O%d', 1, 'P1', %lld)", o, (long long)total / 2);
            sql(q);
        }
    }
}

/* An expression over the lot order_id's earn opened. */
static int64_t order_lot(const char *order_id, const char *expression)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT %s FROM points_lots l JOIN points_movements m "
             "ON m.movement_id = l.lot_id WHERE m.kind = 'earn' AND m.source_id = '%s'",
             expression, order_id);
    return sql_int(q);
}

/* What reversing order id on day must take back and absorb under policy, from the lot its earn
 * opened and the customer's points before it (read outside any group commit). */
static void expected_reversal(const char *order_id, const char *customer, int32_t day,
                              dg_points_reverse_policy policy, int64_t *points, int64_t *absorbed)
{
    int64_t spent = order_lot(order_id, "l.points - l.remaining - l.expired");
    int64_t rest = order_lot(order_id, "l.remaining");
    int64_t own_usable = order_lot(order_id, "l.expires_on") > day ? rest : 0;
    int64_t others = balance(customer, day).available - own_usable;
    int64_t recovered = policy == DG_POINTS_REVERSE_RECOVER ? (others < spent ? others : spent) : 0;
    *points = rest + recovered;
    *absorbed = spent - recovered;
}

/* Random movements of every kind (earns, order earns, burns, adjustments, order reversals under
 * both policies, expiry runs), about half in group commits; after every 25 steps: the ledger
 * replayed from empty by the model gives the store's lots and balances, and balance = ledger sum
 * >= 0 per customer. */
static void random_movements(uint64_t seed)
{
    dg_rng rng;
    dg_rng_seed(&rng, seed);
    random_orders(&rng);
    cr_assert_eq(dg_points_rules_parse(&rules, "category_bonus.beauty = 20\n", "r", &err), 0);
    model m;
    rules.expiry_days = 30;
    int32_t day = DAY0;
    bool earned[P_ORDERS] = { false }, reversed[P_ORDERS] = { false };
    int reversals[2] = { 0, 0 }, order_earns = 0;   /* reversals by policy */
    bool grouped = false;   /* about half the steps run in group commits (dg_store_group_begin) */
    for (int step = 0; step < P_STEPS; step++) {
        if (!grouped && dg_rng_below(&rng, 2)) {
            cr_assert_eq(dg_store_group_begin(store, &err), 0, "%s", err.message);
            grouped = true;
        }
        day += (int32_t)dg_rng_below(&rng, 4);
        char id[2] = { (char)('A' + dg_rng_below(&rng, P_CUSTOMERS)), 0 };
        int64_t points = 1 + (int64_t)dg_rng_below(&rng, 200);
        dg_points_result res;
        int op = (int)dg_rng_below(&rng, 14);
        dg_points_request r = req(id, points, day);
        r.reason = "property";
        int rc;
        if (op < 3) {
            r.source = DG_POINTS_SOURCE_CAMPAIGN;
            rc = dg_points_earn(store, &rules, &r, &res, &err);
        } else if (op < 6) {
            rc = dg_points_burn(store, &r, &res, &err);
        } else if (op < 8) {
            r.points = dg_rng_below(&rng, 2) ? points : -points;
            rc = dg_points_adjust(store, &rules, &r, &res, &err);
        } else if (op < 10) {   /* an order earns on this day (once: a second earn is refused) */
            int o = (int)dg_rng_below(&rng, P_ORDERS);
            char order[16];
            snprintf(order, sizeof order, "O%d", o);
            dg_points_request e = { .source_id = order, .day = day, .reason = "property",
                                    .multiplier_per_mille = dg_rng_below(&rng, 2) ? 1000 : 1500 };
            rc = dg_points_earn_order(store, &rules, &e, &res, &err);
            cr_assert(rc == 0 || rc == DG_ERANGE || (rc == DG_EEXIST && earned[o]),
                      "step %d: %s", step, err.message);
            order_earns += rc == 0;
            earned[o] = earned[o] || rc == 0;
            rc = 0;
        } else if (op < 13) {   /* a returned or cancelled order: its earn reversed */
            int o = (int)dg_rng_below(&rng, P_ORDERS);
            for (int k = 0; k < P_ORDERS && dg_rng_below(&rng, 4) && !(earned[o] && !reversed[o]);
                 k++)   /* mostly one that earned and was not reversed yet */
                o = (o + 1) % P_ORDERS;
            char order[16];
            snprintf(order, sizeof order, "O%d", o);
            rules.reverse_spent = dg_rng_below(&rng, 2) ? DG_POINTS_REVERSE_RECOVER
                                                        : DG_POINTS_REVERSE_ABSORB;
            dg_points_request v = { .source_id = order, .day = day, .reason = "returned" };
            int64_t want_points = 0, want_absorbed = 0;
            bool reversible = earned[o] && !reversed[o];
            if (reversible && !grouped) {
                char q[128];
                snprintf(q, sizeof q, "SELECT unicode(customer_id) - 65 FROM orders "
                         "WHERE order_id = '%s'", order);
                char customer[2] = { (char)('A' + sql_int(q)), 0 };
                expected_reversal(order, customer, day, rules.reverse_spent, &want_points,
                                  &want_absorbed);
            }
            res = (dg_points_result){ 0 };
            rc = dg_points_reverse_order(store, &rules, &v, &res, &err);
            cr_assert(rc == 0 || (rc == DG_ENOTFOUND && !earned[o]) ||
                      (rc == DG_EEXIST && reversed[o]), "step %d: %s", step, err.message);
            if (rc == 0 && reversible && !grouped) {
                cr_assert_eq(-res.points, want_points, "step %d: %s reversed %lld, not %lld",
                             step, order, (long long)-res.points, (long long)want_points);
                cr_assert_eq(res.absorbed, want_absorbed, "step %d: %s absorbed", step, order);
            }
            reversed[o] = reversed[o] || (rc == 0 && res.movement_id > 0);
            reversals[rules.reverse_spent] += rc == 0;
            rc = 0;
        } else {
            dg_points_expiry done;
            rc = dg_points_expire(store, day, &done, &err);
        }
        cr_assert(rc == 0 || rc == DG_ECONFLICT, "step %d: %s", step, err.message);
        if (rc == DG_ECONFLICT)
            cr_assert_lt(balance(id, day).available, points);
        bool check = step % 25 == 0 || step == P_STEPS - 1;
        if (grouped && (check || dg_rng_below(&rng, 6) == 0)) {
            cr_assert_eq(dg_store_group_commit(store, &err), 0, "%s", err.message);
            grouped = false;
        }
        if (check) {
            replay(&m);
            compare(&m, day);
            cr_assert_eq(sql_int("SELECT count(*) FROM points_lots "
                                 "WHERE is_open <> (remaining > 0)"), 0);
        }
    }
    /* the mix did reach the paths it is for */
    cr_assert_gt(order_earns, 10);
    cr_assert_gt(reversals[DG_POINTS_REVERSE_ABSORB], 2);
    cr_assert_gt(reversals[DG_POINTS_REVERSE_RECOVER], 2);
    cr_assert_gt(sql_int("SELECT count(*) FROM points_movements WHERE kind = 'reverse'"), 3);
    dg_points_expiry done;
    cr_assert_eq(dg_points_expire(store, day + 1000, &done, &err), 0);
    replay(&m);
    compare(&m, day + 1000);
    cr_assert_eq(sql_int("SELECT coalesce(sum(points), 0) FROM points_movements"), 0);
}

ParameterizedTestParameters(points, random_movements_keep_the_invariants_and_replay_to_the_same_lots)
{
    static uint64_t seeds[] = { 20261206, 1, 2, 3, 4, 5, 6, 7 };
    return cr_make_param_array(uint64_t, seeds, sizeof seeds / sizeof seeds[0]);
}

ParameterizedTest(uint64_t *seed, points,
                  random_movements_keep_the_invariants_and_replay_to_the_same_lots,
                  .timeout = 120)
{
    random_movements(*seed);
}

Test(points_vocabulary, every_kind_source_and_policy_has_english_and_korean_names)
{
    for (int k = DG_POINTS_EARN; k <= DG_POINTS_REVERSE; k++) {
        const dg_vocab_entry *e = dg_vocab_find("points_kind", dg_points_kind_code(k));
        cr_assert_not_null(e, "%s", dg_points_kind_code(k));
        cr_assert(e->en[0] && e->ko[0]);
        dg_points_kind back;
        cr_assert_eq(dg_points_kind_parse(e->code, &back, &err), 0);
        cr_assert_eq((int)back, k);
    }
    for (int s = DG_POINTS_SOURCE_ORDER; s <= DG_POINTS_SOURCE_MANUAL; s++)
        cr_assert_not_null(dg_vocab_find("points_source", dg_points_source_code(s)));
    cr_assert_not_null(dg_vocab_find("points_source", "lot"));   /* an expiry's source */
    cr_assert_not_null(dg_vocab_find("points_policy", "absorb"));
    cr_assert_not_null(dg_vocab_find("points_policy", "recover"));
    cr_assert_str_eq(dg_vocab_domain_of(NULL, "movement_kind"), "points_kind");
    cr_assert_str_eq(dg_vocab_domain_of(NULL, "source_kind"), "points_source");
}
