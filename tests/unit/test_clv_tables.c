/* The CLV result tables under concurrency: several threads rank different reports at the same
 * time, as the server's threads do for different snapshots. Each must get its own order (a
 * sort key shared between threads gave one thread another report's order, or read past its
 * rows). */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/clv.h"
#include "support.h"

enum { N_THREADS = 4, N_ROUNDS = 150, N_TOP = 5 };

/* A report of n customers whose CLV is sign * row: ranked, row n-1 comes first for sign > 0,
 * row 0 for sign < 0. Names are "row<i>". */
typedef struct ranked_case {
    dg_clv_report *report;
    char **names;
    size_t n;
    int sign;
    int failures;               /* rounds with a wrong order or an error */
} ranked_case;

static void case_init(ranked_case *c, size_t n, int sign)
{
    dg_error err = {0};
    dg_clv_summary *s = NULL;
    cr_assert_eq(dg_clv_summary_alloc(&s, n, &err), 0, "%s", err.message);
    c->report = calloc(1, sizeof *c->report);
    cr_assert_not_null(c->report);
    dg_clv_report *r = c->report;
    r->summary = s;
    r->has_spend = 1;
    r->p_alive = calloc(n, sizeof *r->p_alive);
    r->expected_purchases = calloc(n, sizeof *r->expected_purchases);
    r->expected_spend = calloc(n, sizeof *r->expected_spend);
    r->clv = calloc(n, sizeof *r->clv);
    c->names = calloc(n, sizeof *c->names);
    cr_assert(r->p_alive && r->expected_purchases && r->expected_spend && r->clv && c->names);
    for (size_t i = 0; i < n; i++) {
        r->clv[i] = sign * (double)i;
        cr_assert_gt(asprintf(&c->names[i], "row%zu", i), 0);
    }
    c->n = n;
    c->sign = sign;
    c->failures = 0;
}

static void case_free(ranked_case *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->names[i]);
    free(c->names);
    dg_clv_report_free(c->report);
}

/* Is the rendered table's first data rows the expected top ids? (No Criterion asserts here:
 * this runs in a worker thread.) */
static int order_is_right(const ranked_case *c, const dg_table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return 0;
    int ok = dg_table_write(t, out, DG_FORMAT_CSV) == 0;
    ok = fclose(out) == 0 && ok;
    const char *line = text ? strchr(text, '\n') : NULL;   /* skip the header */
    for (size_t k = 0; ok && k < N_TOP; k++) {
        size_t row = c->sign > 0 ? c->n - 1 - k : k;
        char want[32];
        int w = snprintf(want, sizeof want, "row%zu,", row);
        ok = line && strncmp(line + 1, want, (size_t)w) == 0;
        line = line ? strchr(line + 1, '\n') : NULL;
    }
    free(text);
    return ok;
}

static void *rank_repeatedly(void *arg)
{
    ranked_case *c = arg;
    for (int round = 0; round < N_ROUNDS; round++) {
        dg_error err = {0};
        dg_table *t = NULL;
        if (dg_clv_rank_table(&t, c->report, c->names, N_TOP, &err) != 0 || !order_is_right(c, t))
            c->failures++;
        dg_table_free(t);
    }
    return NULL;
}

Test(clv_tables, concurrent_rankings_of_different_reports_keep_their_own_order)
{
    /* different sizes and opposite orders: another report's key gives a wrong order or a read
     * past this report's rows */
    static const size_t sizes[N_THREADS] = {20000, 7, 15000, 3000};
    ranked_case cases[N_THREADS];
    pthread_t threads[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        case_init(&cases[i], sizes[i], i % 2 ? -1 : 1);
    for (int i = 0; i < N_THREADS; i++)
        cr_assert_eq(pthread_create(&threads[i], NULL, rank_repeatedly, &cases[i]), 0);
    for (int i = 0; i < N_THREADS; i++)
        cr_assert_eq(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < N_THREADS; i++) {
        cr_expect_eq(cases[i].failures, 0, "thread %d (%zu customers): %d of %d rankings wrong", i,
                     cases[i].n, cases[i].failures, N_ROUNDS);
        case_free(&cases[i]);
    }
}

Test(clv_tables, ranking_breaks_ties_by_row)
{
    ranked_case c;
    case_init(&c, 6, 1);
    for (size_t i = 0; i < c.n; i++)
        c.report->clv[i] = 1.0;   /* all tied: the order is the rows' own */
    dg_error err = {0};
    dg_table *t = NULL;
    cr_assert_eq(dg_clv_rank_table(&t, c.report, c.names, 0, &err), 0, "%s", err.message);
    c.sign = -1;   /* expect row0, row1, ... */
    cr_expect(order_is_right(&c, t));
    dg_table_free(t);
    case_free(&c);
}

/* Money in the ranking has the summary's decimals: none for a KRW store, 2 from a file. */
Test(clv_tables, ranking_shows_money_with_the_currency_digits)
{
    ranked_case c;
    case_init(&c, 2, 1);
    c.report->summary->monetary[1] = 68785.0;
    c.report->expected_spend[1] = 65924.19;
    c.report->clv[1] = 375247.21;
    dg_error err = {0};
    const char *want[][3] = {{" 68,785 ", " 65,924 ", " 375,247\n"},
                             {" 68,785.00 ", " 65,924.19 ", " 375,247.21\n"}};
    for (int k = 0; k < 2; k++) {
        c.report->summary->money_decimals = k == 0 ? 0 : 2;
        dg_table *t = NULL;
        cr_assert_eq(dg_clv_rank_table(&t, c.report, c.names, 1, &err), 0, "%s", err.message);
        char *text = test_render(t, DG_FORMAT_TABLE);
        for (int j = 0; j < 3; j++)
            cr_expect(strstr(text, want[k][j]) != NULL, "\"%s\" in %s", want[k][j], text);
        free(text);
        dg_table_free(t);
    }
    case_free(&c);
}

/* --top N keeps the N best by a heap: the same rows in the same order as the head of the full
 * ranking, with many ties and customers without a CLV (NAN, ranked last) among them. */
Test(clv_tables, the_top_rows_are_the_head_of_the_full_ranking)
{
    ranked_case c;
    case_init(&c, 5000, 1);
    uint64_t state = 20;
    for (size_t i = 0; i < c.n; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned v = (unsigned)(state >> 33) % 40;
        c.report->clv[i] = v == 0 ? NAN : (double)(v % 13);
    }
    dg_error err = {0};
    dg_table *all = NULL;
    cr_assert_eq(dg_clv_rank_table(&all, c.report, c.names, 0, &err), 0, "%s", err.message);
    char *full = test_render(all, DG_FORMAT_CSV);
    const size_t tops[] = {1, 2, 5, 37, 1000, 4999, 5000, 9000};
    for (size_t k = 0; k < sizeof tops / sizeof *tops; k++) {
        dg_table *t = NULL;
        cr_assert_eq(dg_clv_rank_table(&t, c.report, c.names, tops[k], &err), 0);
        char *head = test_render(t, DG_FORMAT_CSV);
        size_t len = strlen(head);
        cr_expect(strncmp(full, head, len) == 0 && (full[len] == '\0' || full[len - 1] == '\n'),
                  "top %zu is not the head of the full ranking", tops[k]);
        free(head);
        dg_table_free(t);
    }
    free(full);
    dg_table_free(all);
    case_free(&c);
}
