/* Monthly headline KPIs (see include/dangol/kpi.h). One pass over customers and their orders and
 * survey answers, bucketing by month index (year * 12 + month - 1); cumulative counts (customers,
 * repeat rate) are prefix sums over the buckets. A month's NPS counts each customer once, with
 * their latest NPS answer in the month (the definition of docs/loyalty.md, the month being the
 * period): answers are sorted by time, so the last one met in a month is it.
 * O(customers + orders + surveys + months). A window (dg_frame_window) counts what it holds
 * as of its day. */
#include <stdio.h>
#include <stdlib.h>

#include "dangol/kpi.h"
#include "dangol/loyalty.h"
#include "dangol/money.h"
#include "dangol/text.h"

typedef struct month_acc {
    int64_t new_customers, active, orders, revenue_minor;
    int64_t first_buyers, second_buyers;   /* customers whose 1st / 2nd order is in the month */
    size_t nps_class[3];   /* customers by the dg_nps_class of their latest answer in the month */
} month_acc;

static int month_index(int32_t day)
{
    int y, m, d;
    dg_civil_from_days(day, &y, &m, &d);
    return y * 12 + (m - 1);
}

int dg_kpi_monthly(dg_table **out, const dg_frame *f, int n_months, dg_error *err)
{
    *out = NULL;
    if (n_months < 1 || n_months > DG_KPI_MONTHS_MAX)
        return dg_error_set(err, DG_EINVAL, "months %d is out of range; expected 1..%d",
                            n_months, DG_KPI_MONTHS_MAX);
    const int last = month_index(f->as_of), first = last - n_months + 1;
    month_acc *acc = calloc((size_t)n_months, sizeof *acc);
    dg_table *t = NULL;
    int rc = DG_ENOMEM;
    if (!acc)
        goto cleanup;
    /* Everything before the first month still counts toward the cumulative figures. */
    int64_t customers_before = 0, buyers_before = 0, repeaters_before = 0;

    for (size_t c = 0; c < f->n_customers; c++) {
        if (!dg_frame_has_customer(f, c))
            continue;   /* a window's later customer */
        if (f->first_seen_day[c] == DG_DAY_NONE) {
            customers_before++;   /* no dated row at all: known at every date, as in the frame */
        } else {
            int mi = month_index(f->first_seen_day[c]);
            if (mi < first)
                customers_before++;
            else if (mi <= last)
                acc[mi - first].new_customers++;
        }
        int prev_month = -1;
        for (size_t o = f->order_offset[c], k = 0, end = dg_frame_orders_end(f, c); o < end;
             o++, k++) {
            int mi = month_index(f->order_day[o]);
            if (k < 2) {
                if (mi < first)
                    k == 0 ? buyers_before++ : repeaters_before++;
                else if (mi <= last)
                    k == 0 ? acc[mi - first].first_buyers++ : acc[mi - first].second_buyers++;
            }
            if (mi < first || mi > last)
                continue;
            month_acc *a = &acc[mi - first];
            a->orders++;
            if (dg_money_add(&a->revenue_minor, f->order_amount_minor[o]) != 0) {
                rc = dg_error_set(err, DG_ERANGE, "the revenue of %04d-%02d overflows the money "
                                  "range (" DG_MONEY_SUM_RANGE_TEXT ") at customer \"%s\"; "
                                  "check the order amounts", mi / 12, mi % 12 + 1,
                                  f->customer_id[c]);
                goto cleanup;
            }
            if (mi != prev_month)
                a->active++;      /* orders are sorted by time: one count per customer-month */
            prev_month = mi;
        }
        int answer_month = -1, latest = -1;   /* the month seen last and its latest answer */
        for (size_t s = f->survey_offset[c], end = dg_frame_surveys_end(f, c); s < end; s++) {
            int mi = month_index(f->survey_day[s]);
            if (mi < first || mi > last || f->survey_nps[s] < 0)
                continue;
            if (mi != answer_month && latest >= 0)
                acc[answer_month - first].nps_class[dg_nps_class_of(latest)]++;
            answer_month = mi;
            latest = f->survey_nps[s];
        }
        if (latest >= 0)
            acc[answer_month - first].nps_class[dg_nps_class_of(latest)]++;
    }

    if (!(t = dg_table_new("Monthly KPIs")) ||
        dg_table_add_column(t, "month", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "new_customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "active_customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "orders", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "revenue", DG_CELL_MONEY, f->minor_digits) ||
        dg_table_add_column(t, "repeat_rate", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "nps", DG_CELL_REAL, 1) ||
        dg_table_add_column(t, "nps_n", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "nps_ci_low", DG_CELL_REAL, 1) ||
        dg_table_add_column(t, "nps_ci_high", DG_CELL_REAL, 1))
        goto cleanup;
    int64_t customers = customers_before, buyers = buyers_before, repeaters = repeaters_before;
    for (int i = 0; i < n_months; i++) {
        const month_acc *a = &acc[i];
        char month[16];
        int mi = first + i;
        snprintf(month, sizeof month, "%04d-%02d", mi / 12, mi % 12 + 1);
        customers += a->new_customers;
        buyers += a->first_buyers;
        repeaters += a->second_buyers;
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, month))
            goto cleanup;
        dg_table_set_int(t, 1, customers);
        dg_table_set_int(t, 2, a->new_customers);
        dg_table_set_int(t, 3, a->active);
        dg_table_set_int(t, 4, a->orders);
        dg_table_set_int(t, 5, a->revenue_minor);
        if (buyers > 0)
            dg_table_set_real(t, 6, (double)repeaters / (double)buyers);
        dg_nps nps;
        dg_nps_from_counts(a->nps_class[DG_NPS_PROMOTER], a->nps_class[DG_NPS_PASSIVE],
                           a->nps_class[DG_NPS_DETRACTOR], &nps);
        if (nps.n > 0) {
            dg_table_set_real(t, 7, nps.score);
            dg_table_set_real(t, 9, nps.ci_low);
            dg_table_set_real(t, 10, nps.ci_high);
        }
        dg_table_set_int(t, 8, (int64_t)nps.n);
    }
    *out = t;
    t = NULL;
    rc = 0;
cleanup:
    if (rc == DG_ENOMEM)
        dg_error_set(err, rc, "out of memory");
    dg_table_free(t);
    free(acc);
    return rc;
}
