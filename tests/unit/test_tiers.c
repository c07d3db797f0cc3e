/* Customer tiers: the rules file (the built-in text is config/tiers.conf; bad rules refused at
 * the exact file:line:column, leaving the rules as they were), the review calendar, the replay
 * worked by hand (upgrade at once, downgrade only on a review date and only after the grace
 * period, one step or recompute), a replay split into many evaluations giving the same changes
 * as one, the store's evaluation (twice = once, several processes at once = once, the measure
 * of each change checked against SQL), and the points earn taking the tier's multiplier. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/points.h"
#include "dangol/report.h"
#include "dangol/rng.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/tier.h"
#include "support.h"

static dg_error err;

static int32_t day_of(const char *text)
{
    int32_t day;
    cr_assert_eq(dg_date_parse(text, strlen(text), &day, &err), 0, "%s", text);
    return day;
}

/* ---- the rules ---- */

Test(tier_rules, default_is_config_tiers_conf)
{
    char *file = test_file_text("config/tiers.conf");
    cr_assert_str_eq(file, dg_tier_rules_default_text());
    free(file);
    dg_tier_rules r;
    dg_tier_rules_default(&r);
    cr_assert_eq(r.n_levels, 4);
    cr_assert_str_eq(r.levels[0].code, "basic");
    cr_assert_str_eq(r.levels[2].name_ko, "골드");
    cr_assert_eq(r.levels[0].threshold, 0);
    cr_assert_eq(r.measure, DG_TIER_MEASURE_SPEND);
    cr_assert_eq(r.review, DG_TIER_REVIEW_QUARTERLY);
    cr_assert_eq(r.downgrade, DG_TIER_DOWNGRADE_ONE_STEP);
    cr_assert_eq(dg_tier_find(&r, "골드"), 2);
    cr_assert_eq(dg_tier_find(&r, "GOLD"), 2);
    cr_assert_eq(dg_tier_find(&r, "gold"), 2);
    cr_assert_eq(dg_tier_find(&r, "platinum"), -1);
}

Test(tier_rules, a_file_naming_tiers_replaces_the_list)
{
    dg_tier_rules r;
    dg_tier_rules_default(&r);
    const char *text = "measure = orders\nreview = yearly\n"
                       "tier.new.name_en = New\ntier.new.name_ko = 신규\ntier.new.threshold = 0\n"
                       "tier.top.name_en = Top\ntier.top.name_ko = 최우수\ntier.top.threshold = 5\n"
                       "tier.top.earn_per_mille = 1300\n";
    cr_assert_eq(dg_tier_rules_parse(&r, text, "t.conf", &err), 0, "%s", err.message);
    cr_assert_eq(r.n_levels, 2);
    cr_assert_str_eq(r.levels[1].code, "top");
    cr_assert_eq(r.levels[1].earn_per_mille, 1300);
    cr_assert_eq(r.levels[0].earn_per_mille, 1000);
    cr_assert_eq(r.measure, DG_TIER_MEASURE_ORDERS);
    cr_assert_eq(r.window_days, 365, "a key left out keeps its value");
    cr_assert_eq(dg_tier_qualified(&r, 4), 0);
    cr_assert_eq(dg_tier_qualified(&r, 5), 1);
}

static void expect_refused(const char *text, const char *message)
{
    dg_tier_rules r, before;
    dg_tier_rules_default(&r);
    before = r;
    dg_error_clear(&err);
    cr_assert_neq(dg_tier_rules_parse(&r, text, "t.conf", &err), 0, "accepted: %s", text);
    cr_assert_str_eq(err.message, message);
    cr_assert_eq(memcmp(&r, &before, sizeof r), 0, "a refused file changed the rules");
}

Test(tier_rules, bad_rules_name_file_line_column)
{
    expect_refused("# tiers\nmeasure = money\n",
                   "t.conf:2:11: measure = \"money\": valid: spend, orders, points");
    expect_refused("window_days = 0\n",
                   "t.conf:1:15: window_days = \"0\": expected a whole number from 1 to 3660");
    expect_refused("grace_days\n", "t.conf:1:1: expected \"key = value\", got \"grace_days\"");
    expect_refused("colour = red\n", "t.conf:1:10: unknown key \"colour\"; valid: measure, "
                   "window_days, review, review_start_month, downgrade, grace_days, "
                   "tier.CODE.KEY");
    expect_refused("tier.Gold.name_en = Gold\n", "t.conf:1:21: \"tier.Gold.name_en\": expected "
                   "tier.CODE.KEY with a CODE of 1 to 31 letters a-z, digits or _");
    expect_refused("tier.a.name_en = A\ntier.a.name_ko = 가\ntier.a.threshold = 0\n"
                   "tier.b.name_en = B\ntier.b.name_ko = 나\ntier.b.threshold = 500\n"
                   "tier.c.name_en = C\ntier.c.name_ko = 다\ntier.c.threshold =  500\n",
                   "t.conf:9:21: tier \"c\": threshold 500 is not above the threshold 500 of "
                   "\"b\", the tier before it (tiers go lowest first)");
    expect_refused("tier.a.name_en = A\ntier.a.name_ko = 가\ntier.a.threshold = 10\n",
                   "t.conf:3:20: the lowest tier \"a\" must have threshold 0 (every customer "
                   "qualifies for it), not 10");
    expect_refused("tier.a.name_en = A\ntier.a.name_ko = 가\ntier.a.threshold = 0\n"
                   "\ntier.b.name_en = B\ntier.b.threshold = 9\n",
                   "t.conf:5:1: tier \"b\" has no name_ko");
    expect_refused("tier.a.name_en = A\ntier.a.name_ko = 가\ntier.a.threshold = 0\n"
                   "tier.a.discount_percent = 101\n", "t.conf:4:27: tier.a.discount_percent = "
                   "\"101\": expected a whole number from 0 to 100");
    expect_refused("tier.a.name_en = A\ntier.a.name_ko = 가\ntier.a.threshold = 0\n"
                   "tier.b.name_en = a\ntier.b.name_ko = 나\ntier.b.threshold = 1\n",
                   "t.conf:4:1: tier \"b\" has the same name as tier \"a\"");
    expect_refused("review = weekly\n", "t.conf:1:10: review = \"weekly\": valid: monthly, "
                   "quarterly, half_yearly, yearly");
}

Test(tier_rules, review_dates)
{
    dg_tier_rules r;
    dg_tier_rules_default(&r);
    cr_assert_eq(dg_tier_next_review(&r, day_of("2024-02-15")), day_of("2024-04-01"));
    cr_assert_eq(dg_tier_next_review(&r, day_of("2024-04-01")), day_of("2024-07-01"));
    cr_assert_eq(dg_tier_next_review(&r, day_of("2024-12-31")), day_of("2025-01-01"));
    r.review = DG_TIER_REVIEW_YEARLY;
    r.review_start_month = 3;
    cr_assert_eq(dg_tier_next_review(&r, day_of("2024-02-15")), day_of("2024-03-01"));
    cr_assert_eq(dg_tier_next_review(&r, day_of("2024-03-01")), day_of("2025-03-01"));
    r.review = DG_TIER_REVIEW_HALF_YEARLY;
    r.review_start_month = 1;
    cr_assert_eq(dg_tier_next_review(&r, day_of("2024-07-01")), day_of("2025-01-01"));
    r.review = DG_TIER_REVIEW_MONTHLY;
    cr_assert_eq(dg_tier_next_review(&r, day_of("2024-01-31")), day_of("2024-02-01"));
}

/* ---- the replay, by hand ---- */

/* basic 0, silver 100, gold 200; 30-day window; quarterly reviews; grace 10 days. */
static void small_rules(dg_tier_rules *r, dg_tier_downgrade downgrade)
{
    dg_tier_rules_default(r);
    const char *text = "window_days = 30\ngrace_days = 10\n"
                       "tier.basic.name_en = Basic\ntier.basic.name_ko = 일반\n"
                       "tier.basic.threshold = 0\n"
                       "tier.silver.name_en = Silver\ntier.silver.name_ko = 실버\n"
                       "tier.silver.threshold = 100\n"
                       "tier.gold.name_en = Gold\ntier.gold.name_ko = 골드\n"
                       "tier.gold.threshold = 200\n";
    cr_assert_eq(dg_tier_rules_parse(r, text, "small", &err), 0, "%s", err.message);
    r->downgrade = downgrade;
}

static size_t replay(const dg_tier_rules *r, const dg_tier_activity *acts, size_t n,
                     const char *to, dg_tier_change *changes)
{
    size_t tier = 0, n_changes = 0;
    int32_t since = 0;
    cr_assert_eq(dg_tier_replay(r, &tier, &since, day_of("2023-12-31"), day_of(to), acts, n,
                                changes, 64, &n_changes, &err), 0, "%s", err.message);
    return n_changes;
}

static void expect_change(const dg_tier_change *c, const char *day, size_t from, size_t to,
                          int64_t measure, dg_tier_reason reason)
{
    cr_assert_eq(c->day, day_of(day), "change on %s", day);
    cr_assert_eq(c->from, from, "%s: from", day);
    cr_assert_eq(c->to, to, "%s: to", day);
    cr_assert_eq(c->measure, measure, "%s: measure", day);
    cr_assert_eq(c->reason, reason, "%s: reason", day);
}

Test(tier_replay, upgrade_at_once_downgrade_one_step_at_reviews)
{
    dg_tier_rules r;
    small_rules(&r, DG_TIER_DOWNGRADE_ONE_STEP);
    dg_tier_activity acts[] = { { day_of("2024-01-10"), 150 }, { day_of("2024-01-20"), 60 } };
    dg_tier_change c[64];
    size_t n = replay(&r, acts, 2, "2024-12-31", c);
    cr_assert_eq(n, 4);
    expect_change(&c[0], "2024-01-10", 0, 1, 150, DG_TIER_REASON_UPGRADE);
    expect_change(&c[1], "2024-01-20", 1, 2, 210, DG_TIER_REASON_UPGRADE);
    /* the window emptied in February, but a tier falls only on a review date */
    expect_change(&c[2], "2024-04-01", 2, 1, 0, DG_TIER_REASON_DOWNGRADE_ONE_STEP);
    expect_change(&c[3], "2024-07-01", 1, 0, 0, DG_TIER_REASON_DOWNGRADE_ONE_STEP);
}

Test(tier_replay, recompute_falls_to_the_measure)
{
    dg_tier_rules r;
    small_rules(&r, DG_TIER_DOWNGRADE_RECOMPUTE);
    dg_tier_activity acts[] = { { day_of("2024-01-10"), 150 }, { day_of("2024-01-20"), 60 },
                                { day_of("2024-03-20"), 120 } };
    dg_tier_change c[64];
    size_t n = replay(&r, acts, 3, "2024-12-31", c);
    cr_assert_eq(n, 4);
    expect_change(&c[1], "2024-01-20", 1, 2, 210, DG_TIER_REASON_UPGRADE);
    /* on 2024-04-01 the window holds 120: silver, straight from gold */
    expect_change(&c[2], "2024-04-01", 2, 1, 120, DG_TIER_REASON_DOWNGRADE_RECOMPUTE);
    expect_change(&c[3], "2024-07-01", 1, 0, 0, DG_TIER_REASON_DOWNGRADE_RECOMPUTE);
    /* one step would have fallen gold -> silver -> basic just the same here; with nothing in
     * the window recompute skips a step */
    dg_tier_activity big[] = { { day_of("2024-01-20"), 250 } };
    n = replay(&r, big, 1, "2024-12-31", c);
    cr_assert_eq(n, 2);
    expect_change(&c[1], "2024-04-01", 2, 0, 0, DG_TIER_REASON_DOWNGRADE_RECOMPUTE);
}

Test(tier_replay, grace_keeps_a_fresh_tier_through_a_review)
{
    dg_tier_rules r;
    small_rules(&r, DG_TIER_DOWNGRADE_ONE_STEP);
    /* silver on 2024-03-15 (60 + 50 in the window); on 2024-04-01 the window holds 50 */
    dg_tier_activity acts[] = { { day_of("2024-02-20"), 60 }, { day_of("2024-03-15"), 50 } };
    dg_tier_change c[64];
    r.grace_days = 30;   /* reached 17 days before the review: kept through it */
    size_t n = replay(&r, acts, 2, "2024-12-31", c);
    cr_assert_eq(n, 2);
    expect_change(&c[0], "2024-03-15", 0, 1, 110, DG_TIER_REASON_UPGRADE);
    expect_change(&c[1], "2024-07-01", 1, 0, 0, DG_TIER_REASON_DOWNGRADE_ONE_STEP);
    r.grace_days = 10;   /* 17 days is past the grace: down at the first review */
    n = replay(&r, acts, 2, "2024-12-31", c);
    cr_assert_eq(n, 2);
    expect_change(&c[1], "2024-04-01", 1, 0, 50, DG_TIER_REASON_DOWNGRADE_ONE_STEP);
}

Test(tier_replay, a_qualifying_measure_at_review_keeps_the_tier)
{
    dg_tier_rules r;
    small_rules(&r, DG_TIER_DOWNGRADE_ONE_STEP);
    dg_tier_activity acts[] = { { day_of("2024-03-05"), 150 }, { day_of("2024-03-20"), 10 } };
    dg_tier_change c[64];
    size_t n = replay(&r, acts, 2, "2024-06-30", c);
    cr_assert_eq(n, 1, "silver on 2024-03-05; on 2024-04-01 the window still holds 160");
    cr_assert_eq(c[0].to, 1);
    cr_assert_eq(replay(&r, acts, 2, "2024-02-29", c), 0, "nothing before the first order");
}

/* A replay split at random days into many evaluations gives the changes of one replay. */
Test(tier_replay, split_evaluations_equal_one)
{
    dg_rng rng;
    dg_rng_seed(&rng, 14);
    dg_tier_rules r;
    for (int round = 0; round < 200; round++) {
        small_rules(&r, round % 2 ? DG_TIER_DOWNGRADE_RECOMPUTE : DG_TIER_DOWNGRADE_ONE_STEP);
        r.grace_days = (int32_t)dg_rng_below(&rng, 60);
        r.review = (dg_tier_review)dg_rng_below(&rng, 4);
        dg_tier_activity acts[40];
        size_t n = 1 + dg_rng_below(&rng, 40);
        int32_t day = day_of("2024-01-01");
        for (size_t i = 0; i < n; i++) {
            day += (int32_t)dg_rng_below(&rng, 40);
            acts[i] = (dg_tier_activity){ day, (int64_t)dg_rng_below(&rng, 160) };
        }
        int32_t start = day_of("2023-12-31"), end = day + 400;
        dg_tier_change whole[256], parts[256], chunk[256];
        size_t tier = 0, n_whole = 0, n_parts = 0, got;
        int32_t since = 0;
        cr_assert_eq(dg_tier_replay(&r, &tier, &since, start, end, acts, n, whole, 256,
                                    &n_whole, &err), 0);
        tier = 0;
        since = 0;
        for (int32_t from = start; from < end;) {
            int32_t to = from + 1 + (int32_t)dg_rng_below(&rng, 90);
            to = to > end ? end : to;
            cr_assert_eq(dg_tier_replay(&r, &tier, &since, from, to, acts, n, chunk, 256, &got,
                                        &err), 0);
            memcpy(parts + n_parts, chunk, got * sizeof *chunk);
            n_parts += got;
            from = to;
        }
        cr_assert_eq(n_parts, n_whole, "round %d", round);
        cr_assert_eq(memcmp(parts, whole, n_whole * sizeof *whole), 0, "round %d", round);
        cr_assert_eq(tier, n_whole ? whole[n_whole - 1].to : 0);
    }
}

/* ---- the store ---- */

static dg_store *store;
static char path[64];

static void sql(const char *text)
{
    test_sql(path, text);
}

static int64_t sql_int(const char *text)
{
    return test_sql_int(path, text);
}

static const char small_text[] =
    "window_days = 30\ngrace_days = 10\n"
    "tier.basic.name_en = Basic\ntier.basic.name_ko = 일반\ntier.basic.threshold = 0\n"
    "tier.silver.name_en = Silver\ntier.silver.name_ko = 실버\ntier.silver.threshold = 100\n"
    "tier.silver.earn_per_mille = 1500\n"
    "tier.gold.name_en = Gold\ntier.gold.name_ko = 골드\ntier.gold.threshold = 200\n"
    "tier.gold.earn_per_mille = 2000\n";

/* Customers A..E with random orders over 2024 (totals 1..90), and order O1 of A. */
static void setup(void)
{
    store = test_store_create(path, sizeof path, "tiers");
    sql("INSERT INTO customers (customer_id) VALUES ('A'), ('B'), ('C'), ('D'), ('E')");
    dg_rng rng;
    dg_rng_seed(&rng, 7);
    char line[256];
    int32_t first = day_of("2024-01-01");
    for (int i = 0; i < 120; i++) {
        snprintf(line, sizeof line, "INSERT INTO orders (order_id, customer_id, ordered_at, "
                 "total) VALUES ('O%d', '%c', %lld, %d)", i + 1, "ABCDE"[dg_rng_below(&rng, 5)], ((long long)first + (long long)dg_rng_below(&rng, 360))
                 * 86400 + 3600, 1 + (int)dg_rng_below(&rng, 90));
        sql(line);
    }
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(tier_store, .init = setup, .fini = teardown);

static dg_tier_evaluation evaluate(const char *as_of)
{
    dg_tier_evaluation ev;
    cr_assert_eq(dg_tier_evaluate(store, small_text, "small", day_of(as_of), "test", NULL, &ev, &err),
                 0, "%s", err.message);
    return ev;
}

Test(tier_store, twice_is_once_and_steps_equal_one_run)
{
    dg_tier_evaluation ev = evaluate("2024-06-30");
    cr_assert(!ev.already);
    int64_t rows = sql_int("SELECT count(*) FROM tier_history");
    cr_assert_gt(rows, 0);
    cr_assert_eq(ev.upgrades + ev.downgrades, rows);
    ev = evaluate("2024-06-30");
    cr_assert(ev.already);
    ev = evaluate("2024-03-01");
    cr_assert(ev.already, "an earlier day after a later one writes nothing");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history"), rows);
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_runs"), 1);
    evaluate("2024-09-15");
    evaluate("2025-03-31");
    /* the same store evaluated in one run gives the same history */
    sql("CREATE TABLE saved AS SELECT customer_id, from_tier, to_tier, changed_on, measure, "
        "reason FROM tier_history");
    int64_t saved = sql_int("SELECT count(*) FROM saved");
    sql("DROP TRIGGER tier_changes_no_delete; DELETE FROM tier_changes; DELETE FROM tier_runs");
    evaluate("2025-03-31");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history"), saved);
    cr_assert_eq(sql_int("SELECT count(*) FROM (SELECT customer_id, from_tier, to_tier, "
                         "changed_on, measure, reason FROM tier_history EXCEPT SELECT * FROM "
                         "saved)"), 0, "three evaluations and one give the same history");
}

/* One step through the frame (read now, so exactly the store) or, frame_path false, by SQL. */
static void evaluate_by(const char *rules, const char *as_of, bool frame_path)
{
    dg_frame *frame = NULL;
    int64_t generation = -1;
    if (frame_path) {
        cr_assert_eq(dg_frame_from_store_at(&frame, store, NULL, &generation, &err), 0, "%s",
                     err.message);
        cr_assert_geq(generation, 0, "the frame is a clean generation of the store");
    }
    dg_tier_evaluation ev;
    cr_assert_eq(dg_tier_evaluate_frame(store, frame, generation, rules, "test", day_of(as_of),
                                        "test", NULL, &ev, &err), 0, "%s", err.message);
    dg_frame_free(frame);
}

#define HISTORY "SELECT customer_id, from_tier, to_tier, changed_on, measure, reason, " \
    "run_id FROM tier_history ORDER BY history_id"

Test(tier_store, the_frame_and_sql_give_the_same_history)
{
    static const char *const days[] = { "2024-03-31", "2024-06-30", "2024-09-15", "2025-03-31" };
    static const char orders_text[] =
        "measure = orders\nwindow_days = 60\ngrace_days = 10\n"
        "tier.basic.name_en = Basic\ntier.basic.name_ko = 일반\ntier.basic.threshold = 0\n"
        "tier.silver.name_en = Silver\ntier.silver.name_ko = 실버\ntier.silver.threshold = 3\n"
        "tier.gold.name_en = Gold\ntier.gold.name_ko = 골드\ntier.gold.threshold = 6\n";
    const char *rules[] = { small_text, orders_text };
    for (size_t r = 0; r < 2; r++) {
        for (int by_frame = 0; by_frame < 2; by_frame++) {
            for (size_t d = 0; d < sizeof days / sizeof days[0]; d++)
                evaluate_by(rules[r], days[d], by_frame == 1);
            sql(by_frame == 0 ? "CREATE TABLE by_sql AS " HISTORY
                          : "CREATE TABLE by_frame AS " HISTORY);
            sql("DROP TRIGGER IF EXISTS tier_changes_no_delete; DELETE FROM tier_changes; "
                "DELETE FROM tier_runs");
        }
        cr_assert_gt(sql_int("SELECT count(*) FROM by_sql"), 0);
        cr_assert_eq(sql_int("SELECT count(*) FROM by_frame"),
                     sql_int("SELECT count(*) FROM by_sql"));
        cr_assert_eq(sql_int("SELECT count(*) FROM (SELECT * FROM by_sql EXCEPT SELECT * FROM "
                             "by_frame)"), 0, "rules %zu: the same changes, in the same order", r);
        sql("DROP TABLE by_sql; DROP TABLE by_frame");
    }
}

Test(tier_store, a_frame_older_than_the_store_is_not_used)
{
    dg_frame *frame = NULL;
    int64_t generation = -1;
    cr_assert_eq(dg_frame_from_store_at(&frame, store, NULL, &generation, &err), 0);
    /* written after the frame was read: only SQL sees it */
    sql("INSERT INTO customers (customer_id) VALUES ('F')");
    sql("INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('F1', 'F', "
        "1719792000, 500)");   /* 2024-07-01 */
    dg_tier_evaluation ev;
    cr_assert_eq(dg_tier_evaluate_frame(store, frame, generation, small_text, "small",
                                        day_of("2024-07-31"), "test", NULL, &ev, &err), 0);
    dg_frame_free(frame);
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_state WHERE customer_id = 'F' AND "
                         "tier = 'gold'"), 1, "the order written after the frame counts");
}

Test(tier_store, measures_match_sql_and_downgrades_fall_on_reviews)
{
    evaluate("2025-03-31");
    cr_assert_gt(sql_int("SELECT count(*) FROM tier_history WHERE reason <> 'upgrade'"), 0);
    /* every change's measure is the orders' sum over its 30-day window, by SQL */
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history h WHERE measure <> (SELECT "
                         "coalesce(sum(total), 0) FROM orders o WHERE o.customer_id = "
                         "h.customer_id AND o.ordered_at / 86400 BETWEEN h.changed_on - 29 AND "
                         "h.changed_on)"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history WHERE reason <> 'upgrade' AND "
                         "strftime('%d', changed_on * 86400, 'unixepoch') <> '01'"), 0,
                 "downgrades only on the first of a quarter's month");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history WHERE reason <> 'upgrade' AND "
                         "CAST(strftime('%m', changed_on * 86400, 'unixepoch') AS INTEGER) % 3 "
                         "<> 1"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history WHERE reason = 'upgrade' AND "
                         "changed_on NOT IN (SELECT ordered_at / 86400 FROM orders)"), 0,
                 "upgrades only on a day with an order");
    /* the state is the last change of each customer */
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_state s WHERE tier <> (SELECT to_tier FROM "
                         "tier_history h WHERE h.customer_id = s.customer_id ORDER BY "
                         "changed_on DESC, history_id DESC LIMIT 1)"), 0);
}

/* Schema 32 (the history in narrow rows, the tiers its last rows): a store of schema 31 keeps
 * every history row, tier and run across the migration, the views read as the tables did, the
 * history stays append-only, and the next evaluation goes on from the migrated tiers. */
Test(tier_store, migration_0032_carries_the_history_across)
{
    evaluate("2024-06-30");
    evaluate("2024-10-15");
    sql("CREATE TABLE saved_history AS SELECT * FROM tier_history; "
        "CREATE TABLE saved_state AS SELECT * FROM tier_state");
    dg_store_close(store);
    store = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    test_exec_sql_file(db, "tests/unit/schema_0031_tiers.sql");
    cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version = 31", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                         "('tier_history', 'tier_state')"), 2, "the store is back at schema 31");
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_schema_version(store), dg_store_schema_latest());
    int64_t rows = sql_int("SELECT count(*) FROM saved_history");
    cr_assert_gt(rows, 0);
    cr_assert_gt(sql_int("SELECT count(*) FROM saved_history WHERE reason <> 'upgrade'"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_changes"), rows);
    cr_assert_eq(sql_int("SELECT count(*) FROM (SELECT * FROM tier_history EXCEPT SELECT * FROM "
                         "saved_history)"), 0, "the history reads as before");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_state"),
                 sql_int("SELECT count(*) FROM saved_state"));
    cr_assert_eq(sql_int("SELECT count(*) FROM (SELECT * FROM tier_state EXCEPT SELECT * FROM "
                         "saved_state)"), 0, "the tiers read as before");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_codes"), 3, "basic, silver and gold once");
    sqlite3 *db2;
    cr_assert_eq(sqlite3_open(path, &db2), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db2, "DELETE FROM tier_history", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db2, "UPDATE tier_changes SET measure = 0", NULL, NULL, NULL),
                  SQLITE_OK, "the history is append-only");
    sqlite3_close(db2);
    dg_tier_evaluation ev = evaluate("2025-03-31");
    cr_assert_gt(ev.downgrades, 0, "the migrated tiers fall at the reviews");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history"),
                 rows + ev.upgrades + ev.downgrades);
}

Test(tier_store, processes_at_once_evaluate_once)
{
    enum { N = 8 };
    pid_t pids[N];
    int pipes[N][2];
    dg_store_close(store);
    store = NULL;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(pipe(pipes[i]), 0);
        pids[i] = fork();
        cr_assert_geq(pids[i], 0);
        if (pids[i] == 0) {
            char go;
            close(pipes[i][1]);
            if (read(pipes[i][0], &go, 1) != 1)
                _exit(3);
            dg_store *s;
            dg_error e;
            dg_tier_evaluation ev;
            if (dg_store_open(&s, path, 0, &e) != 0)
                _exit(2);
            int rc = dg_tier_evaluate(s, small_text, "small", 20089 /* 2025-01-01 */, NULL, NULL, &ev,
                                      &e);
            dg_store_close(s);
            _exit(rc != 0 ? 2 : ev.already ? 1 : 0);
        }
        close(pipes[i][0]);
    }
    for (int i = 0; i < N; i++) {   /* release them together */
        cr_assert_eq(write(pipes[i][1], "g", 1), 1);
        close(pipes[i][1]);
    }
    int applied = 0, already = 0;
    for (int i = 0; i < N; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        cr_assert(WIFEXITED(status));
        applied += WEXITSTATUS(status) == 0;
        already += WEXITSTATUS(status) == 1;
    }
    cr_assert_eq(applied, 1, "exactly one process evaluates");
    cr_assert_eq(already, N - 1, "the others find the day evaluated");
    int64_t rows = sql_int("SELECT count(*) FROM tier_history");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_runs"), 1);
    cr_assert_eq(sql_int("SELECT upgrades + downgrades FROM tier_runs"), rows,
                 "no change written twice");
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0);
}

Test(tier_store, rules_without_a_stored_tier_are_refused)
{
    evaluate("2024-12-31");
    int64_t rows = sql_int("SELECT count(*) FROM tier_history");
    cr_assert_gt(sql_int("SELECT count(*) FROM tier_state WHERE tier = 'silver'"), 0);
    const char *other = "tier.basic.name_en = Basic\ntier.basic.name_ko = 일반\n"
                        "tier.basic.threshold = 0\ntier.top.name_en = Top\n"
                        "tier.top.name_ko = 최우수\ntier.top.threshold = 100\n";
    dg_tier_evaluation ev;
    cr_assert_eq(dg_tier_evaluate(store, other, "other", day_of("2025-06-30"), NULL, NULL, &ev, &err),
                 DG_ECONFLICT);
    cr_assert(strstr(err.message, "which the rules do not have"), "%s", err.message);
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_history"), rows, "nothing written");
    cr_assert_eq(sql_int("SELECT count(*) FROM tier_runs"), 1);
    dg_error_clear(&err);
    cr_assert_neq(dg_tier_evaluate(store, "measure = x\n", "bad.conf", day_of("2025-06-30"),
                                   NULL, NULL, &ev, &err), 0);
    cr_assert_str_eq(err.message, "bad.conf:1:11: measure = \"x\": valid: spend, orders, points");
}

Test(tier_store, an_order_earns_with_its_tiers_multiplier)
{
    evaluate("2024-12-31");
    /* an order of a customer in gold on its day, one in silver, one in basic */
    const char *tiers[] = { "gold", "silver", "basic" };
    const int64_t per_mille[] = { 2000, 1500, 1000 };
    int tested = 0;
    for (int t = 0; t < 3; t++) {
        char q[512], order[64];
        snprintf(q, sizeof q, "SELECT count(*) FROM orders o WHERE ordered_at / 86400 <= 20088 "
                 "AND coalesce((SELECT to_tier FROM tier_history h WHERE h.customer_id = "
                 "o.customer_id AND changed_on <= o.ordered_at / 86400 ORDER BY changed_on DESC, "
                 "history_id DESC LIMIT 1), 'basic') = '%s'", tiers[t]);
        if (sql_int(q) == 0)
            continue;
        snprintf(q, sizeof q, "SELECT min(CAST(substr(order_id, 2) AS INTEGER)) FROM orders o "
                 "WHERE coalesce((SELECT to_tier FROM tier_history h WHERE h.customer_id = "
                 "o.customer_id AND changed_on <= o.ordered_at / 86400 ORDER BY changed_on DESC, "
                 "history_id DESC LIMIT 1), 'basic') = '%s'", tiers[t]);
        snprintf(order, sizeof order, "O%lld", (long long)sql_int(q));
        snprintf(q, sizeof q, "SELECT total FROM orders WHERE order_id = '%s'", order);
        int64_t total = sql_int(q);
        dg_points_rules rules;
        dg_points_rules_default(&rules);
        rules.base_per_mille = 100000;   /* 100 points per unit: the multiplier shows exactly */
        dg_points_request r = { .source_id = order, .day = DG_POINTS_TODAY,
                                .source = DG_POINTS_SOURCE_ORDER };
        dg_points_result res;
        cr_assert_eq(dg_points_earn_order(store, &rules, &r, &res, &err), 0, "%s", err.message);
        cr_assert_eq(res.points, total * 100 * per_mille[t] / 1000, "%s order %s",
                     tiers[t], order);
        tested += t < 2;
    }
    cr_assert_gt(tested, 0, "no order of a customer above the lowest tier to earn");
}

Test(tier_store, reports_show_the_tiers)
{
    evaluate("2024-12-31");
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_tier_distribution(&rep, store, DG_DAY_NONE, &err), 0, "%s",
                 err.message);
    char *csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    int64_t silver = sql_int("SELECT count(*) FROM tier_state WHERE tier = 'silver'");
    int64_t gold = sql_int("SELECT count(*) FROM tier_state WHERE tier = 'gold'");
    char want[128];
    snprintf(want, sizeof want, "silver,Silver,실버,100,%lld,", (long long)silver);
    cr_assert(strstr(csv, want), "%s", csv);
    snprintf(want, sizeof want, "gold,Gold,골드,200,%lld,", (long long)gold);
    cr_assert(strstr(csv, want), "%s", csv);
    free(csv);
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_tier_customer(&rep, store, "NOBODY", DG_DAY_NONE, &err),
                 DG_ENOTFOUND);
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_tier_migration(&rep, store, day_of("2024-01-01"),
                                          day_of("2024-12-31"), &err), 0, "%s", err.message);
    csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    snprintf(want, sizeof want, "basic,Basic,일반,%lld,%lld,%lld,5", (long long)(5 - silver - gold),
             (long long)silver, (long long)gold);
    cr_assert(strstr(csv, want), "%s", csv);
    free(csv);
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_tier_migration(&rep, store, day_of("2024-12-31"),
                                          day_of("2024-01-01"), &err), DG_EINVAL);
}
