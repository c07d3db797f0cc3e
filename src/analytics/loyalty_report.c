/* Loyalty result tables (include/dangol/loyalty.h): the overall measures with their counts and
 * intervals, NPS/CSAT/index per group (RFM segment, stage, ...), and the per-customer list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/loyalty.h"
#include "dangol/text.h"

static int nomem(dg_error *err)
{
    return dg_error_set(err, DG_ENOMEM, "out of memory building a loyalty table");
}

static void nps_of(const dg_loyalty_result *r, const uint32_t *group, uint32_t g, dg_nps *out)
{
    size_t n_class[3] = {0};
    for (size_t c = 0; c < r->n_customers; c++)
        if (r->known[c] && (!group || group[c] == g) && r->nps[c] >= 0)
            n_class[dg_nps_class_of(r->nps[c])]++;
    dg_nps_from_counts(n_class[DG_NPS_PROMOTER], n_class[DG_NPS_PASSIVE],
                       n_class[DG_NPS_DETRACTOR], out);
}

/* Adds a row: measure, value, n, interval (NAN-free: has_ci false leaves the cells null). A rate
 * is a fraction, shown as a percentage by the table format only. */
static int row(dg_table *t, const char *measure, double value, bool has_value, size_t n,
               bool has_ci, double lo, double hi, const char *note)
{
    if (dg_table_add_row(t) || dg_table_set_text(t, 0, measure))
        return DG_ENOMEM;
    if (has_value)
        dg_table_set_real(t, 1, value);
    dg_table_set_int(t, 2, (int64_t)n);
    if (has_ci) {
        dg_table_set_real(t, 3, lo);
        dg_table_set_real(t, 4, hi);
    }
    if (note && dg_table_set_text(t, 5, note))
        return DG_ENOMEM;
    return 0;
}

/* The value and interval of the last row (rc: the row's) with one decimal, as every report shows
 * a rate (12.3%), an NPS and a loyalty index; the column's two decimals are for the means of
 * the trend, breadths and intents. */
static int one_decimal(dg_table *t, int rc)
{
    if (rc == 0) {
        dg_table_set_decimals(t, 1, 1);
        dg_table_set_decimals(t, 3, 1);
        dg_table_set_decimals(t, 4, 1);
    }
    return rc;
}

/* The value of the last row (rc: the row's) in whole days, as `rfm` shows its mean recency. */
static int whole_days(dg_table *t, int rc)
{
    if (rc == 0)
        dg_table_set_decimals(t, 1, 0);
    return rc;
}

/* A share with its Wilson interval, as fractions. */
static int rate_row(dg_table *t, const char *measure, const dg_share *s, const char *note)
{
    if (row(t, measure, 0, false, s->n, false, 0, 0, note))
        return DG_ENOMEM;
    if (s->n > 0) {
        dg_table_set_percent(t, 1, s->share);
        dg_table_set_percent(t, 3, s->ci_low);
        dg_table_set_percent(t, 4, s->ci_high);
    }
    return one_decimal(t, 0);
}

int dg_loyalty_summary_table(dg_table **out, const dg_frame *f, const dg_loyalty_result *r,
                             dg_error *err)
{
    (void)f;
    dg_table *t = dg_table_new("Loyalty");
    *out = NULL;
    if (!t || dg_table_add_column(t, "measure", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "value", DG_CELL_REAL, 2) ||
        dg_table_add_column(t, "n", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "ci_low", DG_CELL_REAL, 2) ||
        dg_table_add_column(t, "ci_high", DG_CELL_REAL, 2) ||
        dg_table_add_column(t, "note", DG_CELL_TEXT, 0))
        goto fail;
    double tenure = 0, gap = 0, trend = 0, cats = 0, chans = 0, idx_all = 0, idx_buyers = 0;
    size_t n_trend = 0, n_surveyed = 0, rep_n = 0, rep_top = 0, rec_n = 0, rec_top = 0,
           csat_n = 0, csat_hits = 0;
    double rep_sum = 0, rec_sum = 0;
    for (size_t c = 0; c < r->n_customers; c++) {
        if (!r->known[c])
            continue;
        idx_all += r->index[c];
        n_surveyed += !r->behavioural_only[c];
        if (r->csat[c]) {
            csat_n++;
            csat_hits += r->csat[c] >= 4;
        }
        if (r->repurchase[c]) {
            rep_n++;
            rep_sum += r->repurchase[c];
            rep_top += r->repurchase[c] >= 4;
        }
        if (r->recommend[c]) {
            rec_n++;
            rec_sum += r->recommend[c];
            rec_top += r->recommend[c] >= 4;
        }
        if (r->tenure_days[c] < 0)
            continue;
        idx_buyers += r->index[c];
        tenure += r->tenure_days[c];
        cats += r->categories[c];
        chans += r->channels[c];
        if (r->interpurchase_days[c] >= 0)
            gap += r->interpurchase_days[c];
        if (r->recent_orders[c] + r->earlier_orders[c] > 0) {
            trend += r->trend[c];
            n_trend++;
        }
    }
    size_t nb = r->n_buyers;
    double dnb = nb ? (double)nb : 1.0;
    dg_share repeat, csat, rep_box, rec_box;
    dg_share_from_counts(r->n_repeat, nb, &repeat);
    dg_share_from_counts(csat_hits, csat_n, &csat);
    dg_share_from_counts(rep_top, rep_n, &rep_box);
    dg_share_from_counts(rec_top, rec_n, &rec_box);
    dg_nps nps;
    nps_of(r, NULL, 0, &nps);
    char note[128], trend_note[160], unsurveyed[32];
    dg_money_format_human((int64_t)(r->n_known - n_surveyed), 0, unsurveyed,
                          sizeof unsurveyed);   /* a count, with separators as in the n column */
    snprintf(note, sizeof note, "%s without survey answers: behavioural part only", unsurveyed);
    snprintf(trend_note, sizeof trend_note, "from -1 (all earlier) to +1 (all recent); n = "
             "buyers with an order in the last %d days", 2 * r->trend_window_days);
    if (row(t, "customers", 0, false, r->n_known, false, 0, 0, NULL) ||   /* counts: n */
        row(t, "buyers (1+ orders)", 0, false, nb, false, 0, 0, NULL) ||
        rate_row(t, "repeat purchase rate", &repeat, "buyers with 2+ orders; 95% Wilson") ||
        whole_days(t, row(t, "mean tenure days", tenure / dnb, nb > 0, nb, false, 0, 0,
                          "since the first order")) ||
        whole_days(t, row(t, "mean inter-purchase days",
                          r->n_repeat ? gap / (double)r->n_repeat : 0, r->n_repeat > 0,
                          r->n_repeat, false, 0, 0, "repeat buyers")) ||
        row(t, "mean purchase trend", n_trend ? trend / (double)n_trend : 0, n_trend > 0,
            n_trend, false, 0, 0, trend_note) ||
        row(t, "mean categories per buyer", cats / dnb, nb > 0 && r->has_categories, nb, false,
            0, 0, r->has_categories ? "cross-buying" : "no order lines in the store") ||
        row(t, "mean channels per buyer", chans / dnb, nb > 0, nb, false, 0, 0,
            "omnichannel use") ||
        one_decimal(t, row(t, "NPS", nps.score, nps.n > 0, nps.n, nps.n > 0, nps.ci_low,
                           nps.ci_high, "% promoters (9-10) - % detractors (0-6), -100..100; "
                           "95% adjusted Wald")) ||
        rate_row(t, "CSAT", &csat, "share of 4-5 on 1-5; 95% Wilson") ||
        row(t, "repurchase intent (mean 1-5)", rep_n ? rep_sum / (double)rep_n : 0, rep_n > 0,
            rep_n, false, 0, 0, NULL) ||
        rate_row(t, "repurchase intent top-2-box", &rep_box, "share of 4-5; 95% Wilson") ||
        row(t, "recommendation intent (mean 1-5)", rec_n ? rec_sum / (double)rec_n : 0,
            rec_n > 0, rec_n, false, 0, 0, NULL) ||
        rate_row(t, "recommendation intent top-2-box", &rec_box, "share of 4-5; 95% Wilson") ||
        one_decimal(t, row(t, "mean loyalty index (buyers)", idx_buyers / dnb, nb > 0, nb,
                           false, 0, 0, NULL)) ||
        one_decimal(t, row(t, "mean loyalty index (all)",
                           r->n_known ? idx_all / (double)r->n_known : 0,
                           r->n_known > 0, r->n_known, false, 0, 0, note)))
        goto fail;
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}

int dg_loyalty_group_table(dg_table **out, const dg_loyalty_result *r, const uint32_t *group,
                           size_t n_groups, const char *const *names, const char *other_name,
                           const char *title, const char *group_label, dg_error *err)
{
    dg_table *t = dg_table_new(title);
    *out = NULL;
    if (!t || dg_table_add_column(t, group_label, DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "nps_n", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "nps", DG_CELL_REAL, 1) ||
        dg_table_add_column(t, "nps_ci_low", DG_CELL_REAL, 1) ||
        dg_table_add_column(t, "nps_ci_high", DG_CELL_REAL, 1) ||
        dg_table_add_column(t, "csat_n", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "csat", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "mean_loyalty_index", DG_CELL_REAL, 1))
        goto fail;
    /* rows: each group, the customers in none of them (other_name), everyone */
    size_t other = n_groups, all = n_groups + 1;
    for (size_t g = 0; g <= all; g++) {
        if (g == other && !other_name)
            continue;
        uint32_t key = g == other ? UINT32_MAX : (uint32_t)g;
        size_t members = 0, csat_n = 0, csat_hits = 0;
        double idx = 0;
        for (size_t c = 0; c < r->n_customers; c++) {
            if (!r->known[c] || (g != all && group[c] != key))
                continue;
            members++;
            idx += r->index[c];
            if (r->csat[c]) {
                csat_n++;
                csat_hits += r->csat[c] >= 4;
            }
        }
        dg_nps nps;
        nps_of(r, g == all ? NULL : group, key, &nps);
        if (dg_table_add_row(t) ||
            dg_table_set_text(t, 0, g == all ? "(all)" : g == other ? other_name : names[g]))
            goto fail;
        dg_table_set_int(t, 1, (int64_t)members);
        dg_table_set_int(t, 2, (int64_t)nps.n);
        if (nps.n > 0) {
            dg_table_set_real(t, 3, nps.score);
            dg_table_set_real(t, 4, nps.ci_low);
            dg_table_set_real(t, 5, nps.ci_high);
        }
        dg_table_set_int(t, 6, (int64_t)csat_n);
        if (csat_n > 0)
            dg_table_set_real(t, 7, (double)csat_hits / (double)csat_n);
        if (members > 0)
            dg_table_set_real(t, 8, idx / (double)members);
    }
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}

int dg_loyalty_customer_table(dg_table **out, const dg_frame *f, const dg_loyalty_result *r,
                              dg_error *err)
{
    dg_table *t = dg_table_new("Loyalty per customer");
    *out = NULL;
    static const char *const names[] = { "customer_id", "tenure_days", "interpurchase_days",
        "trend", "categories", "channels", "nps", "csat", "repurchase", "recommend",
        "behavioural", "attitudinal", "loyalty_index", "behavioural_only" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_INT, DG_CELL_REAL, DG_CELL_REAL,
        DG_CELL_INT, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
        DG_CELL_REAL, DG_CELL_REAL, DG_CELL_REAL, DG_CELL_TEXT };
    static const int decimals[] = { 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 3, 3, 1, 0 };
    if (!t)
        goto fail;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (dg_table_add_column(t, names[i], types[i], decimals[i]))
            goto fail;
    for (size_t c = 0; c < r->n_customers; c++) {
        if (!r->known[c])
            continue;
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, f->customer_id[c]))
            goto fail;
        if (r->tenure_days[c] >= 0) {
            dg_table_set_int(t, 1, r->tenure_days[c]);
            dg_table_set_real(t, 3, r->trend[c]);
            dg_table_set_int(t, 4, r->categories[c]);
            dg_table_set_int(t, 5, r->channels[c]);
        }
        if (r->interpurchase_days[c] >= 0)
            dg_table_set_real(t, 2, r->interpurchase_days[c]);
        if (r->nps[c] >= 0)
            dg_table_set_int(t, 6, r->nps[c]);
        if (r->csat[c])
            dg_table_set_int(t, 7, r->csat[c]);
        if (r->repurchase[c])
            dg_table_set_int(t, 8, r->repurchase[c]);
        if (r->recommend[c])
            dg_table_set_int(t, 9, r->recommend[c]);
        dg_table_set_real(t, 10, r->behavioural[c]);
        if (r->attitudinal[c] >= 0)
            dg_table_set_real(t, 11, r->attitudinal[c]);
        dg_table_set_real(t, 12, r->index[c]);
        if (dg_table_set_text(t, 13, r->behavioural_only[c] ? "yes" : "no"))
            goto fail;
    }
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}
