/* VOC analytics: Korean terms (josa stripped, syllable bigrams), the percentile (Hyndman & Fan
 * definition 7), the Wilson interval against hand-worked values, the FTS5 search of ticket
 * subjects and event comments with Korean words (kept in step by the triggers), and the stats
 * and recovery figures of a small hand-made set of tickets. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/report_voc.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/voc.h"
#include "support.h"

typedef struct terms {
    char buf[1024];
} terms;

static int collect(void *ctx, const char *term, size_t len)
{
    terms *t = ctx;
    size_t n = strlen(t->buf);
    snprintf(t->buf + n, sizeof t->buf - n, "%s%.*s", n ? "|" : "", (int)len, term);
    return 0;
}

static const char *split(const char *text, bool bigrams, terms *t)
{
    t->buf[0] = '\0';
    dg_voc_terms(text, bigrams, collect, t);
    return t->buf;
}

Test(voc, josa_stripped)
{
    terms t;
    cr_assert_str_eq(split("배송이 너무 늦어요", false, &t), "배송|늦어요",
                     "배송이 -> 배송, the stop word 너무 left out");
    cr_assert_str_eq(split("고객센터에서 환불을 안 해줘요!", false, &t), "고객센터|환불|해줘요");
    cr_assert_str_eq(split("맛이 이상하고, 제품은 Broken", false, &t), "맛이|이상|제품|broken",
                     "one syllable keeps its 이 (맛이), 이상하고 -> 이상, 제품은 -> 제품, Latin "
                     "lower-cased");
    cr_assert_str_eq(split("서비스로부터", false, &t), "서비스", "a long particle");
}

Test(voc, bigrams_like_lucene_cjk)
{
    terms t;
    cr_assert_str_eq(split("고객센터에서", true, &t), "고객센터|고객|객센|센터");
    cr_assert_str_eq(split("배송이", true, &t), "배송", "two syllables: the word only");
}

Test(voc, percentile_type_7)
{
    double v[] = { 4, 1, 3, 2 };
    cr_assert_float_eq(dg_voc_percentile(v, 4, 0.5), 2.5, 1e-12);
    cr_assert_float_eq(dg_voc_percentile(v, 4, 0.9), 3.7, 1e-12, "h = 2.7: 3 + 0.7 (4 - 3)");
    cr_assert_float_eq(dg_voc_percentile(v, 4, 0.0), 1.0, 1e-12);
    cr_assert_float_eq(dg_voc_percentile(v, 4, 1.0), 4.0, 1e-12);
    double one[] = { 10 };
    cr_assert_float_eq(dg_voc_percentile(one, 1, 0.9), 10.0, 1e-12);
    cr_assert_float_eq(dg_voc_percentile(NULL, 0, 0.5), 0.0, 1e-12);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(voc, percentile_selection_equals_sorting)
{
    enum { N = 1001 };
    static double v[N], sorted[N], work[N];
    unsigned seed = 7;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = (double)((seed >> 16) % 50);   /* many ties */
    }
    memcpy(sorted, v, sizeof v);
    qsort(sorted, N, sizeof *sorted, cmp);
    const double ps[] = { 0, 0.1, 0.5, 0.9, 0.999, 1 };
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
        for (size_t n = 1; n <= N; n += 250) {
            memcpy(sorted, v, n * sizeof *v);
            qsort(sorted, n, sizeof *sorted, cmp);
            double h = (double)(n - 1) * ps[k], lo = floor(h);
            size_t i = (size_t)lo;
            double want = i + 1 < n ? sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i])
                                    : sorted[i];
            memcpy(work, v, n * sizeof *v);
            cr_assert_float_eq(dg_voc_percentile(work, n, ps[k]), want, 1e-9, "n %zu p %g", n,
                               ps[k]);
        }
}

Test(voc, wilson_hand_worked)
{
    double lo, hi;
    /* 1 of 2: centre (0.5 + 1.92073/2)/(1 + 1.92073) = 0.5; half-width
     * 1.959964 sqrt(0.125 + 3.841459/16)/2.92073 = 0.405469 */
    dg_voc_wilson(&lo, &hi, 1, 2);
    cr_assert_float_eq(lo, 0.094531, 1e-5);
    cr_assert_float_eq(hi, 0.905469, 1e-5);
    /* 0 of 10: the upper end 2 (0.192073/1.384146) = 0.277532 */
    dg_voc_wilson(&lo, &hi, 0, 10);
    cr_assert_float_eq(lo, 0.0, 1e-12);
    cr_assert_float_eq(hi, 0.277533, 1e-5);
    dg_voc_wilson(&lo, &hi, 0, 0);
    cr_assert(lo == 0 && hi == 0);
}

static char path[64];
static dg_store *store;
static dg_error err;

static void setup(void)
{
    store = test_store_create(path, sizeof path, "voc");
    /* Tuesday 2026-03-03 09:00 KST = 00:00 UTC (written as Monday 1772409600, then moved a day:
     * Monday 03-02 is a substitute holiday on the calendar, with no business hours). Tickets:
     * 1 A complaint: response after 1 business hour (due 4), resolved after 10 (due 18): met
     * 2 A complaint: response after 3 hours on a 2-hour target: late; never resolved, breached
     * 3 B inquiry: response 2 h, resolved 5 h, reopened once
     * 4 C compliment, no category: nothing done yet, not due yet at as_of */
    test_sql(path,
        "INSERT INTO customers (customer_id) VALUES ('A'), ('B'), ('C'), ('D');"
        "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('O1', 'A', 1770000000, 1), ('O2', 'A', 1772500000, 1), ('O3', 'D', 1770000000, 1);"
        "INSERT INTO tickets (ticket_id, customer_id, kind, channel, priority, category, subject,"
        " state, opened_at, first_response_at, resolved_at, first_response_due, resolution_due,"
        " reopened, updated_at) VALUES "
        "(1, 'A', 'complaint', 'web', 'high', '배송', '배송이 너무 늦어요', 'closed', 1772409600,"
        " 1772413200, 1772445600, 1772424000, 1772478000, 0, 1772445600),"
        "(2, 'A', 'complaint', 'web', 'high', '배송', '배송 지연으로 환불을 원해요', 'in_progress',"
        " 1772409600, 1772420400, NULL, 1772416800, 1772445600, 0, 1772420400),"
        "(3, 'B', 'inquiry', 'app', 'normal', '결제', '결제가 안 돼요', 'resolved', 1772409600,"
        " 1772416800, 1772427600, 1772438400, 1772604000, 1, 1772427600),"
        "(4, 'C', 'compliment', NULL, 'low', NULL, 'friendly staff', 'open', 1772409600,"
        " NULL, NULL, 1773000000, 1774000000, 0, 1772409600);"
        "UPDATE tickets SET opened_at = opened_at + 86400, first_response_at = "
        "first_response_at + 86400, resolved_at = resolved_at + 86400, first_response_due = "
        "first_response_due + 86400, resolution_due = resolution_due + 86400;");
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

Test(voc, search_korean_and_sync, .init = setup, .fini = teardown)
{
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_voc_search(&rep, store, "배송", 10, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 2, "배송 finds 배송이 and 배송 (prefix)");
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_voc_search(&rep, store, "배송 환불", 10, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 1, "every word must match");
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_voc_search(&rep, store, "\"OR NEAR(", 10, &err), 0,
                 "operators are words, not syntax: %s", err.message);
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_voc_search(&rep, store, "  ", 10, &err), DG_EINVAL);
    /* the triggers keep the index in step: an emptied subject is no longer found */
    test_sql(path, "UPDATE tickets SET subject = NULL WHERE ticket_id = 2;"
                   "DELETE FROM tickets WHERE ticket_id = 4");
    cr_assert_eq(dg_report_voc_search(&rep, store, "환불", 10, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 0);
    dg_report_clear(&rep);
    cr_assert_eq(dg_report_voc_search(&rep, store, "friendly", 10, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 0);
    dg_report_clear(&rep);
    /* FTS5's own check that the index matches the tickets (fails the test on a mismatch) */
    test_sql(path, "INSERT INTO ticket_search (ticket_search) VALUES ('integrity-check')");
}

Test(voc, search_reaches_event_texts, .init = setup, .fini = teardown)
{
    /* a comment on ticket 3 and an assignment on ticket 4: the comment is searchable, the
     * assignee (no text about the customer, kept by erasure) is not indexed */
    test_sql(path, "INSERT INTO ticket_events (ticket_id, at, actor, action, from_state, "
                   "to_state, detail, version, recorded_at) VALUES "
                   "(3, 1772500000, 'kim', 'comment', 'resolved', 'resolved', "
                   "'카드사 승인이 거절되었다고 함', 2, 1772500000),"
                   "(4, 1772500000, 'kim', 'assign', 'open', 'assigned', '승인담당', 2, "
                   "1772500000)");
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_voc_search(&rep, store, "승인", 10, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 1, "the comment's 승인이 is found, not the assignee");
    char *csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    cr_assert(strstr(csv, "\n3,B,") != NULL, "ticket 3: %s", csv);
    free(csv);
    dg_report_clear(&rep);
    /* a ticket matching by its subject and its comment is listed once */
    test_sql(path, "INSERT INTO ticket_events (ticket_id, at, actor, action, from_state, "
                   "to_state, detail, version, recorded_at) VALUES (1, 1772500000, 'kim', "
                   "'comment', 'closed', 'closed', '배송 기사와 통화', 2, 1772500000)");
    cr_assert_eq(dg_report_voc_search(&rep, store, "배송", 10, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 2, "tickets 1 and 2, each once");
    dg_report_clear(&rep);
    /* emptying a text (as erasure does) takes it out of the index */
    test_sql(path, "INSERT INTO customer_erasures (customer_id, erased_at, kind, reason, actor) "
                   "VALUES ('B', 1772600000, 'request', 't', 't');"
                   "UPDATE ticket_events SET detail = NULL WHERE ticket_id = 3 AND "
                   "action = 'comment'");
    cr_assert_eq(dg_report_voc_search(&rep, store, "승인", 10, &err), 0, "%s", err.message);
    cr_assert_eq(dg_table_rows(rep.tables[0]), 0);
    dg_report_clear(&rep);
    test_sql(path, "INSERT INTO ticket_event_search (ticket_event_search) VALUES "
                   "('integrity-check')");
}

Test(voc, terms_per_category, .init = setup, .fini = teardown)
{
    /* 배송: "배송이 너무 늦어요", "배송 지연으로 환불을 원해요" -> 배송 in both (once each),
     * the others once, ties by term; 결제: "결제가 안 돼요" (안: one syllable, left out);
     * no category: "friendly staff" */
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_voc_terms(&rep, store, NULL, 3, false, 1772700000, &err), 0, "%s",
                 err.message);
    char *csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    cr_assert_str_eq(csv, "category,rank,term,tickets,share\n"
                          ",1,friendly,1,1\n,2,staff,1,1\n"
                          "결제,1,결제,1,1\n결제,2,돼요,1,1\n"
                          "배송,1,배송,2,1\n배송,2,늦어요,1,0.5\n배송,3,원해요,1,0.5\n", "%s",
                     csv);
    free(csv);
    dg_report_clear(&rep);
    /* one category; a word twice in one ticket counts once */
    test_sql(path, "UPDATE tickets SET subject = '환불 환불 환불이요' WHERE ticket_id = 3");
    cr_assert_eq(dg_report_voc_terms(&rep, store, "결제", 10, false, 1772700000, &err), 0, "%s",
                 err.message);
    csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    cr_assert_str_eq(csv, "category,rank,term,tickets,share\n결제,1,환불,1,1\n결제,2,환불이요,1,1\n",
                     "%s", csv);
    free(csv);
    dg_report_clear(&rep);
}

static double cell(const dg_table *t, size_t row, const char *column)
{
    char *csv = test_render(t, DG_FORMAT_CSV);
    /* find the column index in the header, then the row's field */
    char *line = csv, *next;
    int col = -1, i = 0;
    while (*line == '#')   /* the title */
        line = strchr(line, '\n') + 1;
    next = strchr(line, '\n');
    *next = '\0';
    for (char *f = strtok(line, ","); f; f = strtok(NULL, ","), i++)
        if (strcmp(f, column) == 0)
            col = i;
    line = next + 1;
    for (size_t r = 0; r < row; r++)
        line = strchr(line, '\n') + 1;
    next = strchr(line, '\n');
    if (next)
        *next = '\0';
    double v = -1;
    i = 0;
    for (char *p = line; ; i++) {
        char *comma = strchr(p, ',');
        if (i == col) {
            v = atof(p);
            break;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    free(csv);
    return v;
}

Test(voc, stats_of_hand_made_tickets, .init = setup, .fini = teardown)
{
    dg_calendar cal;
    cr_assert_eq(dg_calendar_default(&cal, &err), 0, "%s", err.message);
    dg_report rep = { 0 };
    /* as of Tuesday 2026-03-03 18:00 KST = 09:00 UTC */
    cr_assert_eq(dg_report_voc_stats(&rep, store, &cal, 0, 1772442000 + 86400, &err), 0, "%s",
                 err.message);
    cr_assert_eq(rep.n_tables, 3);
    const dg_table *sum = rep.tables[0], *times = rep.tables[1];
    cr_assert_float_eq(cell(sum, 0, "tickets"), 4, 1e-9);
    cr_assert_float_eq(cell(sum, 0, "complaints"), 2, 1e-9);
    cr_assert_float_eq(cell(sum, 0, "repeat_complainants"), 1, 1e-9);
    cr_assert_float_eq(cell(sum, 0, "reopened"), 1, 1e-9);
    /* first response: 1, 3, 2 business hours -> median 2, p90 2.8; SLA: 1 met, 1 late, 3 met */
    cr_assert_float_eq(cell(times, 0, "median_business_hours"), 2.0, 1e-9);
    cr_assert_float_eq(cell(times, 0, "p90_business_hours"), 2.8, 1e-9);
    cr_assert_float_eq(cell(times, 0, "sla_met"), 2, 1e-9);
    cr_assert_float_eq(cell(times, 0, "sla_late"), 1, 1e-9);
    /* resolution at 18:00 KST: ticket 1 resolved after it (not yet done at as_of), ticket 3
     * after 5 hours: one measured */
    cr_assert_float_eq(cell(times, 1, "measured"), 1, 1e-9);
    cr_assert_float_eq(cell(times, 1, "median_business_hours"), 5.0, 1e-9);
    dg_report_clear(&rep);
}
