/* RFM: the quintile tie rule worked out by hand, the segment map as a checked partition, RFM on a
 * hand-made frame, and agreement customer by customer with the same scores computed in SQLite SQL
 * (RANK window function) on a random store with heavy ties and on the demo store. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/demo.h"
#include "dangol/report.h"
#include "dangol/rfm.h"
#include "support.h"

#define DAY 86400

static dg_error err;

static void check_scores(const int64_t *values, size_t n, const uint8_t *expect)
{
    uint8_t score[32];
    dg_rfm_bin bins[5];
    cr_assert_eq(dg_rfm_quintiles(values, n, score, bins), 0);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(score[i], expect[i], "value %lld: score %d, expected %d",
                     (long long)values[i], score[i], expect[i]);
}

Test(rfm, quintiles_distinct_values)
{
    /* below = 0..9 -> 1 + floor(5 * below / 10) */
    int64_t v[] = { 7, 1, 10, 2, 9, 3, 8, 4, 6, 5 };
    uint8_t e[] = { 4, 1, 5, 1, 5, 2, 4, 2, 3, 3 };
    check_scores(v, 10, e);
}

Test(rfm, quintiles_ties_stay_together_and_empty_bins_are_reported)
{
    /* six frequency-1 customers: below 0 -> 1; the 2s have 6 below -> 1 + 30/10 = 4;
     * the 3 has 8 below -> 5; the 4 has 9 below -> 5. Bins 2 and 3 are empty. */
    int64_t v[] = { 1, 2, 1, 1, 3, 1, 4, 1, 2, 1 };
    uint8_t e[] = { 1, 4, 1, 1, 5, 1, 5, 1, 4, 1 };
    check_scores(v, 10, e);
    uint8_t score[10];
    dg_rfm_bin bins[5];
    dg_rfm_quintiles(v, 10, score, bins);
    size_t counts[] = { 6, 0, 0, 2, 2 };
    for (int s = 0; s < 5; s++)
        cr_assert_eq(bins[s].count, counts[s]);
    cr_assert_eq(bins[3].min, 2);
    cr_assert_eq(bins[4].min, 3);
    cr_assert_eq(bins[4].max, 4);
}

Test(rfm, quintiles_wide_and_negative_values)
{
    int64_t v[] = { -5000000000000LL, 3, 7000000000000000LL, -1, 0 };
    uint8_t e[] = { 1, 4, 5, 2, 3 };
    check_scores(v, 5, e);
    /* everyone ties: no information, the middle score for all (one customer ties with itself) */
    int64_t all_same[] = { 42, 42, 42 };
    uint8_t threes[] = { 3, 3, 3 };
    check_scores(all_same, 3, threes);
    int64_t one[] = { 5 };
    uint8_t e1[] = { 3 };
    check_scores(one, 1, e1);
    /* the best value scores 5 however many share it (6 of 7 here: below = 1 would give 1) */
    int64_t top_heavy[] = { 9, 9, 9, 2, 9, 9, 9 };
    uint8_t e_top[] = { 5, 5, 5, 1, 5, 5, 5 };
    check_scores(top_heavy, 7, e_top);
    int64_t two[] = { 1, 2 };
    uint8_t e2[] = { 1, 5 };
    check_scores(two, 2, e2);
    cr_assert_eq(dg_rfm_quintiles(NULL, 0, NULL, NULL), 0);
    /* boundary: n = 5 distinct -> exactly one per bin; n = 6 -> below 5 of 6 -> 1 + 25/6 = 5 */
    int64_t six[] = { 1, 2, 3, 4, 5, 6 };
    uint8_t e6[] = { 1, 1, 2, 3, 4, 5 };
    check_scores(six, 6, e6);
}

Test(rfm, default_map_is_a_partition_of_all_125_combinations)
{
    dg_rfm_segment_map *map = NULL;
    cr_assert_eq(dg_rfm_segment_map_default(&map, &err), 0, "%s", err.message);
    const char *names[] = { "Champions", "Loyal", "Potential Loyalist", "New", "Promising",
                            "Need Attention", "About to Sleep", "At Risk", "Can't Lose",
                            "Hibernating", "Lost" };
    cr_assert_eq(map->n_segments, 11);
    for (size_t i = 0; i < 11; i++)
        cr_assert_eq(dg_rfm_segment_find(map, names[i]), (int)i, "%s", names[i]);
    /* independent of the parser: count how many rows of the text claim each combination */
    int claims[5][5][5] = { { { 0 } } };
    char *text = strdup(dg_rfm_segment_map_default_text());
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || strncmp(line, "segment,", 8) == 0)
            continue;
        char *f = strchr(line, ',');
        int lo[3], hi[3];
        for (int k = 0; k < 3; k++) {
            lo[k] = f[1] - '0';
            hi[k] = f[2] == '-' ? f[3] - '0' : lo[k];
            f = strchr(f + 1, ',');
        }
        for (int r = lo[0]; r <= hi[0]; r++)
            for (int fq = lo[1]; fq <= hi[1]; fq++)
                for (int m = lo[2]; m <= hi[2]; m++)
                    claims[r - 1][fq - 1][m - 1]++;
    }
    free(text);
    for (int r = 0; r < 5; r++)
        for (int f = 0; f < 5; f++)
            for (int m = 0; m < 5; m++) {
                cr_assert_eq(claims[r][f][m], 1, "(R %d, F %d, M %d)", r + 1, f + 1, m + 1);
                cr_assert_neq(map->cell[r][f][m], DG_RFM_NO_SEGMENT);
            }
    cr_assert_str_eq(map->names[map->cell[4][4][4]], "Champions");
    cr_assert_str_eq(map->names[map->cell[4][4][0]], "Loyal");
    cr_assert_str_eq(map->names[map->cell[0][0][4]], "Lost");
    cr_assert_str_eq(map->names[map->cell[0][4][0]], "Can't Lose");
    cr_assert_str_eq(map->names[map->cell[4][0][2]], "New");
    dg_rfm_segment_map_free(map);
    dg_rfm_segment_map_free(NULL);
}

Test(rfm, shipped_config_file_is_the_built_in_default)
{
    char *text = test_file_text("config/rfm_segments.csv");
    cr_assert_str_eq(text, dg_rfm_segment_map_default_text());
    free(text);
}

Test(rfm, the_widely_copied_rule_list_is_refused)
{
    /* The 11 rules as usually published, read as ranges: Lost overlaps Hibernating. */
    const char *copied =
        "Champions,4-5,4-5,4-5\nLoyal,2-5,3-5,3-5\nPotential Loyalist,3-5,1-3,1-3\n"
        "New,4-5,1,1\nPromising,3-4,1,1\nNeed Attention,2-3,2-3,2-3\nAbout to Sleep,2-3,1-2,1-2\n"
        "At Risk,1-2,2-5,2-5\nCan't Lose,1,4-5,4-5\nHibernating,1-2,1-2,1-2\nLost,1-2,1-2,1-2\n";
    dg_rfm_segment_map *map = NULL;
    cr_assert_eq(dg_rfm_segment_map_parse(&map, copied, "copied.csv", &err), DG_EINVAL);
    cr_assert_null(map);
    cr_assert(strstr(err.message, "copied.csv:2:"), "%s", err.message);
    cr_assert(strstr(err.message, "already in segment \"Champions\""), "%s", err.message);
}

Test(rfm, map_errors_name_the_position)
{
    dg_rfm_segment_map *map = NULL;
    cr_assert_eq(dg_rfm_segment_map_parse(&map, "All,1-5,1-5,1-4\n", "gap.csv", &err), DG_EINVAL);
    cr_assert(strstr(err.message, "gap.csv: no segment holds (R 1, F 1, M 5)"), "%s", err.message);
    cr_assert_eq(dg_rfm_segment_map_parse(&map, "segment,r,f,m\nA,1-6,1,1\n", "bad.csv", &err),
                 DG_EPARSE);
    cr_assert(strstr(err.message, "bad.csv:2:3: r range \"1-6\""), "%s", err.message);
    cr_assert_eq(dg_rfm_segment_map_parse(&map, "A,1,1\n", "short.csv", &err), DG_EPARSE);
    cr_assert_eq(dg_rfm_segment_map_parse(&map, "A,3-2,1,1\n", "rev.csv", &err), DG_EPARSE);
    cr_assert_eq(dg_rfm_segment_map_parse(&map, "# all\nEveryone , 1-5 ,1-5, 1-5 \n", "ok", &err),
                 0, "%s", err.message);
    cr_assert_str_eq(map->names[0], "Everyone");
    dg_rfm_segment_map_free(map);
    cr_assert_eq(dg_rfm_segment_map_load(&map, "/nonexistent/map.csv", &err), DG_ENOTFOUND);
}

/* Customers A..F; orders given as (customer, day, amount). */
static dg_frame *hand_frame(int32_t as_of)
{
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, as_of, false, &err), 0);
    const char *ids[] = { "A", "B", "C", "D", "E", "F" };
    for (int i = 0; i < 6; i++) {
        dg_frame_customer_in c = { .customer_id = ids[i] };
        cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0);
    }
    struct { const char *c; int day; int64_t amount; } o[] = {
        { "A", 95, 500 }, { "A", 90, 300 }, { "A", 60, 200 },   /* r 5, f 3, m 1000 */
        { "B", 50, 100 },                                        /* r 50, f 1, m 100 */
        { "C", 99, 50 }, { "C", 10, 50 },                        /* r 1, f 2, m 100 */
        { "D", 20, 5000 },                                       /* r 80, f 1, m 5000 */
        { "E", 100, 70 }, { "E", 150, 999 },                     /* second is after as_of */
    };
    for (size_t i = 0; i < sizeof o / sizeof o[0]; i++) {
        dg_frame_order_in in = { .customer_id = o[i].c, .ordered_at = o[i].day * DAY + 3600,
                                 .amount_minor = o[i].amount };
        cr_assert_eq(dg_frame_add_order(b, &in, &err), 0);
    }
    cr_assert_eq(dg_frame_builder_finish(&f, b, &err), 0);
    dg_frame_builder_free(b);
    return f;
}

Test(rfm, compute_on_a_hand_frame)
{
    dg_frame *f = hand_frame(100);
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result r;
    cr_assert_eq(dg_rfm_segment_map_default(&map, &err), 0);
    cr_assert_eq(dg_rfm_compute(&r, f, NULL, map, &err), 0, "%s", err.message);
    cr_assert_eq(r.n_customers, 6);
    cr_assert_eq(r.n_scored, 5);
    /* recency: A 5, B 50, C 1, D 80, E 0 -> goodness order D < B < A < C < E
     * below 0..4 of n = 5 -> R scores D 1, B 2, A 3, C 4, E 5 */
    int32_t rec[] = { 5, 50, 1, 80, 0, -1 };
    int32_t freq[] = { 3, 1, 2, 1, 1, 0 };
    int64_t mon[] = { 1000, 100, 100, 5000, 70, 0 };
    uint8_t rs[] = { 3, 2, 4, 1, 5, 0 };
    /* frequency: 1,1,1 (B, D, E) below 0 -> 1; C (2) below 3 -> 1 + 15/5 = 4; A (3) -> 5 */
    uint8_t fs[] = { 5, 1, 4, 1, 1, 0 };
    /* monetary: E 70 (1); B, C 100 below 1 -> 2; A 1000 below 3 -> 4; D 5000 -> 5 */
    uint8_t ms[] = { 4, 2, 2, 5, 1, 0 };
    for (int c = 0; c < 6; c++) {
        cr_assert_eq(r.recency_days[c], rec[c], "customer %d", c);
        cr_assert_eq(r.frequency[c], freq[c], "customer %d", c);
        cr_assert_eq(r.monetary_minor[c], mon[c], "customer %d", c);
        cr_assert_eq(r.r[c], rs[c], "customer %d", c);
        cr_assert_eq(r.f[c], fs[c], "customer %d", c);
        cr_assert_eq(r.m[c], ms[c], "customer %d", c);
    }
    cr_assert_eq(r.segment[5], DG_RFM_NO_SEGMENT);
    cr_assert_str_eq(map->names[r.segment[0]], "Loyal");      /* R3 F5 */
    cr_assert_str_eq(map->names[r.segment[4]], "New");        /* R5 F1 */
    cr_assert_str_eq(map->names[r.segment[3]], "Lost");       /* R1 F1 */
    cr_assert_str_eq(map->names[r.segment[1]], "Hibernating");/* R2 F1 */
    cr_assert(r.any_empty_bin);   /* F has no 2s or 3s */
    cr_assert_eq(r.bins[1][1].count, 0);
    cr_assert_eq(r.bins[0][0].min, 80);
    cr_assert_eq(r.bins[0][4].max, 0);

    dg_table *t = NULL;
    cr_assert_eq(dg_rfm_segment_table(&t, f, &r, map, &err), 0);
    cr_assert_eq(dg_table_rows(t), map->n_segments + 1);
    dg_table_free(t);
    cr_assert_eq(dg_rfm_bin_table(&t, &r, 0, &err), 0);
    cr_assert_eq(dg_table_rows(t), 15);
    dg_table_free(t);
    cr_assert_eq(dg_rfm_customer_table(&t, f, &r, map, &err), 0);
    cr_assert_eq(dg_table_rows(t), 6);
    char *text = test_render_free(t, DG_FORMAT_CSV);   /* F has no orders: its segment is named */
    cr_assert(strstr(text, "\nF,,0,,,,,,(no orders)\n"), "%s", text);
    free(text);
    dg_rfm_result_clear(&r);

    /* an earlier as-of within the frame; mean order value */
    dg_rfm_options opts = { .as_of = 60, .monetary_mean = true };
    cr_assert_eq(dg_rfm_compute(&r, f, &opts, map, &err), 0);
    cr_assert_eq(r.n_scored, 4);            /* A (day 60), B, C (day 10), D */
    cr_assert_eq(r.frequency[0], 1);
    cr_assert_eq(r.recency_days[0], 0);
    cr_assert_eq(r.monetary_minor[0], 200);
    cr_assert_eq(r.frequency[4], 0);
    dg_rfm_result_clear(&r);
    opts.as_of = 101;
    cr_assert_eq(dg_rfm_compute(&r, f, &opts, map, &err), DG_EINVAL);
    dg_rfm_segment_map_free(map);
    dg_frame_free(f);
}

/* The totals a cluster's nodes send (orders, spend, last day per customer) score as the frame
 * they were taken from does: the hand frame's, with a customer not in it yet (-1). */
Test(rfm, totals_score_as_the_frame)
{
    dg_frame *f = hand_frame(100);
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result a, b;
    cr_assert_eq(dg_rfm_segment_map_default(&map, &err), 0);
    dg_rfm_options opts = { .as_of = DG_DAY_NONE, .monetary_mean = true };
    cr_assert_eq(dg_rfm_compute(&a, f, &opts, map, &err), 0);
    int32_t orders[] = { 3, 1, 2, 1, 1, 0 }, last[] = { 95, 50, 99, 20, 100, 0 };
    int64_t spend[] = { 1000, 100, 100, 5000, 70, 0 };
    dg_rfm_totals in = { .as_of = 100, .n_customers = 6, .orders = orders, .spend_minor = spend,
                         .last_day = last };
    cr_assert_eq(dg_rfm_compute_totals(&b, &in, true, map, &err), 0);
    cr_assert_eq(b.n_known, a.n_known);
    cr_assert_eq(b.n_scored, a.n_scored);
    cr_assert_eq(b.any_empty_bin, a.any_empty_bin);
    cr_assert_eq(memcmp(b.bins, a.bins, sizeof a.bins), 0);
    for (int c = 0; c < 6; c++) {
        cr_assert_eq(b.recency_days[c], a.recency_days[c], "customer %d", c);
        cr_assert_eq(b.frequency[c], a.frequency[c], "customer %d", c);
        cr_assert_eq(b.monetary_minor[c], a.monetary_minor[c], "customer %d", c);
        cr_assert_eq(b.revenue_minor[c], a.revenue_minor[c], "customer %d", c);
        cr_assert_eq(b.segment[c], a.segment[c], "customer %d", c);
        cr_assert(b.r[c] == a.r[c] && b.f[c] == a.f[c] && b.m[c] == a.m[c], "customer %d", c);
    }
    dg_rfm_result_clear(&b);
    orders[5] = -1;   /* F not in the frame yet: neither known nor scored */
    cr_assert_eq(dg_rfm_compute_totals(&b, &in, true, map, &err), 0);
    cr_assert_eq(b.n_known, 5);
    cr_assert_eq(b.frequency[5], -1);
    dg_rfm_result_clear(&a);
    dg_rfm_result_clear(&b);
    dg_rfm_segment_map_free(map);
    dg_frame_free(f);
}

/* ---- agreement with SQL ---- */

/* n customers "K000".., each with one order of amount(i) minor units on day `day`, as of 100. */
static dg_frame *same_day_frame(int n, int32_t day, bool same_amount)
{
    dg_frame_builder *b = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, 100, false, &err), 0);
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "K%03d", i);
        dg_frame_customer_in c = { .customer_id = id };
        cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0);
        dg_frame_order_in in = { .customer_id = id, .ordered_at = day * DAY + 3600,
                                 .amount_minor = same_amount ? 1000 : 1000 + i };
        cr_assert_eq(dg_frame_add_order(b, &in, &err), 0);
    }
    return test_frame_finish(b);
}

/* Ties at the top: one customer who bought on the as-of day is not "Lost" (R 1, the old rule's
 * below = 0), and 200 customers who all bought on the same day share R 3 and F 3, none of them At
 * Risk / Hibernating / Lost; the tables say R and F carry no information. */
Test(rfm, everyone_tied_shares_the_middle_score_and_the_report_says_so)
{
    dg_rfm_segment_map *map = NULL;
    cr_assert_eq(dg_rfm_segment_map_default(&map, &err), 0);
    dg_frame *one = same_day_frame(1, 100, true);
    dg_rfm_result r;
    cr_assert_eq(dg_rfm_compute(&r, one, NULL, map, &err), 0, "%s", err.message);
    cr_expect_eq(r.r[0], 3);
    cr_expect_str_neq(map->names[r.segment[0]], "Lost");
    cr_expect(r.no_information[0] && r.no_information[1] && r.no_information[2]);
    dg_rfm_result_clear(&r);
    dg_frame_free(one);

    dg_frame *f = same_day_frame(200, 90, false);
    cr_assert_eq(dg_rfm_compute(&r, f, NULL, map, &err), 0, "%s", err.message);
    for (size_t c = 0; c < 200; c++) {
        cr_assert_eq(r.r[c], 3, "customer %zu", c);
        cr_assert_eq(r.f[c], 3, "customer %zu", c);
        const char *seg = map->names[r.segment[c]];
        cr_assert(strcmp(seg, "At Risk") && strcmp(seg, "Hibernating") && strcmp(seg, "Lost"),
                  "customer %zu: %s", c, seg);
    }
    cr_expect(r.no_information[0] && r.no_information[1] && !r.no_information[2]);
    cr_expect_eq(r.m[199], 5);
    dg_table *t = NULL;
    cr_assert_eq(dg_rfm_segment_table(&t, f, &r, map, &err), 0);
    char *json = test_render_free(t, DG_FORMAT_JSON);
    cr_expect(strstr(json, "\"notes\":[\"every customer's last order is on the same day: recency "
                           "(R) carries no information and everyone scores R 3\",\"every customer "
                           "has the same number of orders") != NULL, "%s", json);
    free(json);
    dg_rfm_result_clear(&r);
    dg_frame_free(f);
    dg_rfm_segment_map_free(map);
}

static void put_row(dg_store *s, const char *entity, const char *const *names,
                    const dg_value *vals, size_t n)
{
    const dg_entity *e = dg_entity_find(entity);
    dg_value row[32];
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    for (size_t i = 0; i < n; i++)
        row[dg_entity_column(e, names[i])] = vals[i];
    cr_assert_eq(dg_store_put(s, e, row, &err), 0, "%s", err.message);
}

/* Scores the store at path as of as_of with dg_rfm_compute and again in SQL, and checks that they
 * agree customer by customer. The SQL scores with RANK, not NTILE(5): NTILE cuts the ordered rows
 * into five runs of nearly equal length by position alone, so a cut can fall inside a run of equal
 * values and put two customers with the same value (say, both bought once) into different bins.
 * The documented tie rule (docs/loyalty.md) never splits a tie: score = 1 + floor(5 * below / n),
 * and RANK() - 1 is exactly below, the number of customers with a strictly worse value; the best
 * value scores 5, and when everyone ties (min = max) everyone scores 3. */
static void check_against_sql(const char *path, int32_t as_of, size_t min_rows)
{
    dg_store *s = NULL;
    cr_assert_eq(dg_store_open(&s, path, 0, &err), 0, "%s", err.message);
    dg_frame_options fo = { .as_of = as_of };
    dg_frame *f = NULL;
    dg_rfm_result r;
    cr_assert_eq(dg_frame_from_store(&f, s, &fo, &err), 0, "%s", err.message);
    cr_assert_eq(dg_rfm_compute(&r, f, NULL, NULL, &err), 0);
    dg_store_close(s);

    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    const char *sql =
        "WITH o AS (SELECT customer_id, ordered_at / 86400 AS day, total FROM orders "
        "           WHERE ordered_at / 86400 <= ?1), "
        "c AS (SELECT customer_id, ?1 - max(day) AS recency, count(*) AS frequency, "
        "             sum(total) AS monetary FROM o GROUP BY customer_id), "
        "n AS (SELECT count(*) AS n FROM c), "
        "v AS (SELECT customer_id, recency, frequency, monetary, -recency AS vr, frequency AS vf, "
        "             monetary AS vm FROM c) "
        "SELECT customer_id, recency, frequency, monetary, "
        " CASE WHEN min(vr) OVER () = max(vr) OVER () THEN 3 WHEN vr = max(vr) OVER () THEN 5 "
        "      ELSE 1 + (5 * (RANK() OVER (ORDER BY vr) - 1)) / n END, "
        " CASE WHEN min(vf) OVER () = max(vf) OVER () THEN 3 WHEN vf = max(vf) OVER () THEN 5 "
        "      ELSE 1 + (5 * (RANK() OVER (ORDER BY vf) - 1)) / n END, "
        " CASE WHEN min(vm) OVER () = max(vm) OVER () THEN 3 WHEN vm = max(vm) OVER () THEN 5 "
        "      ELSE 1 + (5 * (RANK() OVER (ORDER BY vm) - 1)) / n END "
        "FROM v, n ORDER BY customer_id";
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_bind_int(st, 1, as_of);
    size_t rows = 0;
    bool saw_tied_frequency = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        int64_t c = dg_frame_customer_index(f, id);
        cr_assert_geq(c, 0, "%s", id);
        cr_assert_eq(r.recency_days[c], sqlite3_column_int(st, 1), "%s", id);
        cr_assert_eq(r.frequency[c], sqlite3_column_int(st, 2), "%s", id);
        cr_assert_eq(r.monetary_minor[c], sqlite3_column_int64(st, 3), "%s", id);
        cr_assert_eq(r.r[c], sqlite3_column_int(st, 4), "%s R", id);
        cr_assert_eq(r.f[c], sqlite3_column_int(st, 5), "%s F", id);
        cr_assert_eq(r.m[c], sqlite3_column_int(st, 6), "%s M", id);
        saw_tied_frequency |= r.frequency[c] == 1;
        rows++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    cr_assert_eq(rows, r.n_scored);
    cr_assert_gt(rows, min_rows);
    cr_assert(saw_tied_frequency);
    dg_rfm_result_clear(&r);
    dg_frame_free(f);
}

static void temp_store_path(char *path, size_t size, const char *what)
{
    snprintf(path, size, "/tmp/dangol-test-rfm-%s-%d.db", what, (int)getpid());
    unlink(path);
}

Test(rfm, agrees_with_sqlite_window_functions)
{
    char path[64];
    temp_store_path(path, sizeof path, "random");
    dg_store *s = NULL;
    cr_assert_eq(dg_store_open(&s, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_begin(s, &err), 0);
    unsigned seed = 12345;
    const char *cn[] = { "customer_id" };
    const char *on[] = { "order_id", "customer_id", "ordered_at", "total" };
    int n_orders = 0;
    for (int c = 0; c < 400; c++) {
        char id[16];
        snprintf(id, sizeof id, "C%04d", c);
        put_row(s, "customers", cn, (dg_value[]){ { .u.s = id } }, 1);
        /* heavily tied: most customers buy once, on a few distinct days, at a few prices */
        int k = rand_r(&seed) % 10 < 6 ? (c % 7 == 0 ? 0 : 1) : 1 + rand_r(&seed) % 8;
        for (int i = 0; i < k; i++) {
            char oid[16];
            snprintf(oid, sizeof oid, "O%06d", n_orders++);
            int64_t at = (int64_t)(18000 + rand_r(&seed) % 40) * DAY + rand_r(&seed) % DAY;
            int64_t total = 1000 * (1 + rand_r(&seed) % 6);
            put_row(s, "orders", on, (dg_value[]){ { .u.s = oid }, { .u.s = id }, { .u.i = at },
                                                   { .u.i = total } }, 4);
        }
    }
    cr_assert_eq(dg_store_commit(s, &err), 0);
    dg_store_close(s);
    check_against_sql(path, 18030, 200);   /* some orders lie after 18030 */
    unlink(path);
}

Test(rfm, agrees_with_sqlite_window_functions_on_the_demo_store)
{
    char path[64];
    temp_store_path(path, sizeof path, "demo");
    dg_store *s = NULL;
    cr_assert_eq(dg_store_open(&s, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.n_customers = 2000;
    opt.order_lines = false;   /* RFM reads orders only */
    dg_demo_output out = { .store = s };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);
    dg_store_close(s);
    /* as of the demo's last day, and as of a day within the history (later orders ignored) */
    check_against_sql(path, opt.as_of_day, 1500);
    check_against_sql(path, opt.as_of_day - 200, 1000);
    unlink(path);
}
