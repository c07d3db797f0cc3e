/* RFM/stage/loyalty benchmark (BENCHMARKS.md, "Loyalty"): on an existing store, times the frame
 * build, then RFM + stages + loyalty on the frame, reports peak RSS, and times the same RFM
 * computed in SQLite SQL (window functions) in the same run, checking that both agree customer
 * by customer. usage: rfm STORE.db */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dangol/loyalty.h"
#include "dangol/rfm.h"
#include "dangol/stage.h"
#include "dangol/store.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static int die(const dg_error *err)
{
    fprintf(stderr, "rfm bench: %s\n", err->message);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s STORE.db\n", argv[0]);
        return 2;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_store *store = NULL;
    dg_frame *f = NULL;
    if (dg_store_open(&store, argv[1], DG_STORE_READONLY, &err) != 0)
        return die(&err);
    double t0 = now();
    if (dg_frame_from_store(&f, store, NULL, &err) != 0)
        return die(&err);
    double t1 = now();
    dg_store_close(store);
    double rss_frame = peak_mb();
    printf("frame: %zu customers, %zu orders, %zu surveys, %zu feedback, %zu referrals, "
           "%zu partner activities, as of day %d\n", f->n_customers, f->n_orders, f->n_surveys,
           f->n_feedback, f->n_referrals, f->n_partner, f->as_of);
    printf("frame build (dg_frame_from_store): %.2f s, peak RSS %.0f MB\n", t1 - t0, rss_frame);

    dg_rfm_segment_map *map = NULL;
    dg_rfm_result rfm;
    dg_loyalty_result loyalty;
    dg_stage_rules rules;
    dg_stage_rules_default(&rules);
    uint8_t *stage = malloc(f->n_customers + 1), *activity = malloc(f->n_customers + 1);
    if (dg_rfm_segment_map_default(&map, &err) != 0)
        return die(&err);
    double a = now();
    if (dg_rfm_compute(&rfm, f, NULL, map, &err) != 0)
        return die(&err);
    double b = now();
    if (dg_stage_at(f, &rules, f->as_of, stage, activity, &err) != 0)
        return die(&err);
    double c = now();
    if (dg_loyalty_compute(&loyalty, f, &rfm, NULL, &err) != 0)
        return die(&err);
    double d = now();
    printf("rfm %.3f s, stages %.3f s, loyalty %.3f s: total %.3f s after the frame\n", b - a,
           c - b, d - c, d - a);
    printf("peak RSS after the analyses: %.0f MB\n", peak_mb());

    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    sqlite3_exec(db, "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
    const char *sql =
        "WITH o AS (SELECT customer_id, ordered_at / 86400 AS day, total FROM orders "
        "           WHERE ordered_at / 86400 <= ?1), "
        "c AS (SELECT customer_id, ?1 - max(day) AS recency, count(*) AS frequency, "
        "             sum(total) AS monetary FROM o GROUP BY customer_id), "
        "n AS (SELECT count(*) AS n FROM c) "
        "SELECT customer_id, recency, frequency, monetary, "
        " 1 + (5 * (RANK() OVER (ORDER BY -recency) - 1)) / n, "
        " 1 + (5 * (RANK() OVER (ORDER BY frequency) - 1)) / n, "
        " 1 + (5 * (RANK() OVER (ORDER BY monetary) - 1)) / n FROM c, n";
    double s0 = now();
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_bind_int(st, 1, f->as_of);
    size_t rows = 0, mismatches = 0;
    char (*ids)[32] = NULL;
    uint8_t (*scores)[3] = malloc(rfm.n_customers * 3 + 3);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (rows == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            ids = realloc(ids, cap * sizeof *ids);
        }
        snprintf(ids[rows], sizeof ids[rows], "%s", (const char *)sqlite3_column_text(st, 0));
        scores[rows][0] = (uint8_t)sqlite3_column_int(st, 4);
        scores[rows][1] = (uint8_t)sqlite3_column_int(st, 5);
        scores[rows][2] = (uint8_t)sqlite3_column_int(st, 6);
        rows++;
    }
    double s1 = now();
    sqlite3_finalize(st);
    sqlite3_close(db);
    for (size_t i = 0; i < rows; i++) {
        int64_t k = dg_frame_customer_index(f, ids[i]);
        if (k < 0 || rfm.r[k] != scores[i][0] || rfm.f[k] != scores[i][1] ||
            rfm.m[k] != scores[i][2])
            mismatches++;
    }
    printf("SQLite SQL RFM (GROUP BY + RANK windows): %.2f s for %zu customers; "
           "%zu disagree with dangol (scored %zu)\n", s1 - s0, rows, mismatches, rfm.n_scored);
    printf("ratio SQL / dangol rfm: %.0fx; SQL / (frame build + rfm): %.2fx\n",
           (s1 - s0) / (b - a), (s1 - s0) / (t1 - t0 + b - a));
    free(ids);
    free(scores);
    free(stage);
    free(activity);
    dg_loyalty_result_clear(&loyalty);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(map);
    dg_frame_free(f);
    return mismatches != 0;
}
