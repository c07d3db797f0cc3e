/* Churn prediction: the AUC (Mann-Whitney with ties) and average precision against a hand-worked
 * example that scipy.stats.mannwhitneyu confirms; labels that read only the horizon after the
 * as-of day; refusals (too few customers or churners, a constant or missing feature) with clear
 * messages; determinism for a seed; a model that goes through its JSON description and scores
 * the same, the trees' scores equal to XGBoost's own predictor's; and the literature's question on the CDNOW data (calibration to 1997-09-30, 39-week
 * holdout): the churn model's ranking of "buys again in the holdout" against BG/NBD's P(alive)
 * and P(at least one purchase) from the same calibration data. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/churn.h"
#include "dangol/clv.h"
#include "dangol/clv_io.h"
#include "dangol/model.h"
#include "dangol/rng.h"
#include "dangol/text.h"
#include "support.h"
#include "../helpers/xgb_reference.h"

#define DAY 86400
#define DATA "../shared/data/"

static dg_error err;

/* Hand-worked: positives 0.9, 0.8, 0.7, 0.6, 0.2 against negatives 0.8, 0.6, 0.6, 0.3, 0.2 win
 * 5 + 4.5 + 4 + 3 + 0.5 = 17 of 25 pairs (ties one half); scipy.stats.mannwhitneyu(pos, neg)
 * gives U = 17.0, so AUC = 0.68. Average precision by tied groups: 0.2 x (1 + 2/3 + 3/4 + 4/7
 * + 5/10) = 0.6976190476. */
Test(churn, auc_with_ties_matches_mann_whitney)
{
    const double score[] = { 0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.3, 0.2, 0.2 };
    const uint8_t label[] = { 1, 1, 0, 1, 0, 1, 0, 0, 1, 0 };
    double auc = 0;
    cr_assert_eq(dg_churn_auc(&auc, score, label, 10, &err), 0, "%s", err.message);
    cr_expect_float_eq(auc, 0.68, 1e-12);
    dg_churn_metrics m;
    cr_assert_eq(dg_churn_metrics_compute(&m, score, label, 10, &err), 0, "%s", err.message);
    cr_expect_float_eq(m.auc, 0.68, 1e-12);
    cr_expect_float_eq(m.pr_auc, 0.2 * (1 + 2.0 / 3 + 0.75 + 4.0 / 7 + 0.5), 1e-12);
    cr_expect_float_eq(m.lift_top_decile, 2.0, 1e-12);   /* the top row churned; base rate 1/2 */
    cr_expect_eq(m.calib_n[0], 1);
    cr_expect_float_eq(m.calib_predicted[9], 0.9, 1e-12);
    cr_expect_float_eq(m.calib_observed[9], 1.0, 1e-12);
    /* the reversed score ranks exactly the other way */
    double rev[10];
    for (int i = 0; i < 10; i++)
        rev[i] = -score[i];
    cr_assert_eq(dg_churn_auc(&auc, rev, label, 10, &err), 0);
    cr_expect_float_eq(auc, 0.32, 1e-12);
    /* one class, or a NaN score: refused */
    const uint8_t ones[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    cr_expect_eq(dg_churn_auc(&auc, score, ones, 10, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "one class"), "%s", err.message);
    double bad[10];
    memcpy(bad, score, sizeof bad);
    bad[3] = NAN;
    cr_expect_eq(dg_churn_auc(&auc, bad, label, 10, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "row 4"), "%s", err.message);
}

/* A random history: n customers acquired in the first 200 days, each buying at a rate that
 * halves... drawn from the seed; a customer "dies" at a random day, after which they never buy. */
static dg_frame *synthetic(size_t n, int32_t as_of, uint64_t seed, bool same_region)
{
    dg_frame_builder *b = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, as_of, false, &err), 0, "%s", err.message);
    dg_rng rng;
    dg_rng_seed(&rng, seed);
    char id[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "C%05zu", i);
        dg_frame_customer_in c = { .customer_id = id,
                                   .region = same_region || i % 2 ? "Seoul" : "Busan" };
        cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0, "%s", err.message);
        double rate = 1.0 / (10.0 + 80.0 * dg_rng_uniform(&rng));
        int32_t day = (int32_t)dg_rng_below(&rng, 200);
        int32_t death = day + (int32_t)dg_rng_exponential(&rng, 1.0 / 300.0);
        while (day <= as_of && day <= death) {
            dg_frame_order_in o = { .customer_id = id, .ordered_at = (int64_t)day * DAY,
                                    .amount_minor = 1000 + (int64_t)dg_rng_below(&rng, 5000) };
            cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
            day += 1 + (int32_t)dg_rng_exponential(&rng, rate);
        }
    }
    return test_frame_finish(b);
}

Test(churn, labels_read_only_the_horizon_after_the_as_of_day)
{
    dg_frame_builder *b = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, 100, false, &err), 0);
    const char *ids[] = { "A", "B", "C" };
    for (int i = 0; i < 3; i++) {
        dg_frame_customer_in c = { .customer_id = ids[i] };
        cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0);
    }
    /* A buys on day 10 and 40 (inside (30, 60]); B on 10 and 61 (after it); C on 10 and 30 */
    const struct { const char *id; int32_t day; } orders[] = {
        { "A", 10 }, { "A", 40 }, { "B", 10 }, { "B", 61 }, { "C", 10 }, { "C", 30 } };
    for (size_t k = 0; k < 6; k++) {
        dg_frame_order_in o = { .customer_id = orders[k].id,
                                .ordered_at = (int64_t)orders[k].day * DAY, .amount_minor = 5 };
        cr_assert_eq(dg_frame_add_order(b, &o, &err), 0);
    }
    dg_frame *fr = test_frame_finish(b);
    dg_features_options fo;
    dg_features_options_init(&fo);
    fo.as_of = 30;
    dg_features *f = NULL;
    cr_assert_eq(dg_features_compute(&f, fr, &fo, &err), 0, "%s", err.message);
    uint8_t *y = NULL;
    cr_assert_eq(dg_churn_labels(&y, fr, f, 30, &err), 0, "%s", err.message);
    cr_assert_eq(f->n_rows, 3);
    cr_expect_eq(y[0], 0);   /* A bought on day 40 */
    cr_expect_eq(y[1], 1);   /* B's day 61 is after the horizon */
    cr_expect_eq(y[2], 1);   /* C's day 30 is the as-of day itself, not after it */
    free(y);
    /* the data must reach the end of the horizon */
    cr_expect_eq(dg_churn_labels(&y, fr, f, 71, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "data ends on"), "%s", err.message);
    dg_features_free(f);
    dg_frame_free(fr);
}

static double *scores_of(const dg_churn_model *m, const dg_frame *fr, int32_t as_of,
                         bool rows_on_demand, dg_features **fout)
{
    dg_features_options fo;
    dg_features_options_init(&fo);
    fo.as_of = as_of;
    fo.rows_on_demand = rows_on_demand;
    dg_features *f = NULL;
    cr_assert_eq(dg_features_compute(&f, fr, &fo, &err), 0, "%s", err.message);
    double *p = NULL;
    cr_assert_eq(dg_churn_predict(&p, m, f, &err), 0, "%s", err.message);
    for (size_t r = 0; r < f->n_rows; r++)
        cr_assert(isfinite(p[r]) && p[r] >= 0 && p[r] <= 1, "score %g", p[r]);
    *fout = f;
    return p;
}

Test(churn, both_algorithms_train_validate_and_round_trip, .timeout = 120)
{
    dg_frame *fr = synthetic(1500, 700, 7, false);
    for (int a = 0; a < DG_CHURN_N_ALGORITHMS; a++) {
        dg_churn_options opt;
        dg_churn_options_init(&opt);
        opt.horizon_days = 120;
        opt.params.algorithm = (dg_churn_algorithm)a;
        opt.params.trees = 30;
        dg_churn_model *m = NULL, *again = NULL, *back = NULL;
        cr_assert_eq(dg_churn_train(&m, fr, &opt, &err), 0, "%s", err.message);
        cr_expect(m->validated);
        cr_expect_eq(m->validation_day, 700 - 120);
        for (int v = 0; v < DG_CHURN_N_ALGORITHMS; v++)
            cr_expect(m->validation[v].auc > 0.6 && m->validation[v].auc <= 1.0,
                      "%s AUC %.4f", dg_churn_algorithm_name((dg_churn_algorithm)v),
                      m->validation[v].auc);
        /* the same seed gives the same model, byte for byte */
        cr_assert_eq(dg_churn_train(&again, fr, &opt, &err), 0, "%s", err.message);
        cr_expect_eq(again->n_bytes, m->n_bytes);
        cr_expect(memcmp(again->bytes, m->bytes, m->n_bytes) == 0);
        /* through its JSON description (as the store keeps it) the model scores the same */
        char *pj = NULL, *fj = NULL, *mj = NULL;
        cr_assert_eq(dg_churn_model_json(m, &pj, &fj, &mj, &err), 0, "%s", err.message);
        cr_assert_eq(dg_churn_model_from_json(&back, m->as_of, m->horizon_days, pj, fj, mj,
                                              m->bytes, m->n_bytes, &err), 0, "%s", err.message);
        cr_expect_eq(back->validated, true);
        cr_expect_float_eq(back->validation[a].auc, m->validation[a].auc, 1e-15);
        dg_features *f1 = NULL, *f2 = NULL;
        double *p1 = scores_of(m, fr, 700, false, &f1),
               *p2 = scores_of(back, fr, 700, true, &f2);
        /* ... also on a table of rows on demand (as `churn score` scores), whose rows are
         * the table's to the bit */
        for (size_t r = 0; r < f1->n_rows; r++)
            cr_expect_eq(p1[r], p2[r], "row %zu: %.17g vs %.17g", r, p1[r], p2[r]);
        cr_assert_null(f2->values);
        cr_assert_eq(f2->n_rows, f1->n_rows);
        double *rows = malloc(f1->n_rows * f1->n_features * sizeof *rows);
        cr_assert_eq(dg_features_rows(f2, 0, f2->n_rows, rows), 0);
        cr_expect_eq(memcmp(rows, f1->values, f1->n_rows * f1->n_features * sizeof *rows), 0);
        cr_expect_eq(memcmp(f2->revenue_minor, f1->revenue_minor,
                            f1->n_rows * sizeof *f1->revenue_minor), 0);
        free(rows);
        dg_table *t = NULL;
        cr_expect_eq(dg_churn_metrics_table(&t, back, &err), 0);
        cr_expect_eq(dg_table_rows(t), 2);
        dg_table_free(t);
        cr_expect_eq(dg_churn_calibration_table(&t, back, &err), 0);
        cr_expect_eq(dg_table_rows(t), 10);
        dg_table_free(t);
        cr_expect_eq(dg_churn_importance_table(&t, back, &err), 0);
        cr_expect_eq(dg_table_rows(t), back->n_features);
        dg_table_free(t);
        cr_expect_eq(dg_churn_score_table(&t, fr, f1, p1, 5, &err), 0);
        cr_expect_eq(dg_table_rows(t), 5);
        char *top = test_render_free(t, DG_FORMAT_CSV);
        cr_expect_eq(dg_churn_score_table(&t, fr, f2, p2, 5, &err), 0);
        char *top_on_demand = test_render_free(t, DG_FORMAT_CSV);
        cr_expect_str_eq(top_on_demand, top);
        free(top);
        free(top_on_demand);
        /* the distribution: every customer in one band of 5 points, the shares adding to 1 */
        cr_assert_eq(dg_churn_distribution_table(&t, f1, p1, &err), 0);
        cr_assert_eq(dg_table_rows(t), DG_CHURN_BANDS);
        char *csv = test_render_free(t, DG_FORMAT_CSV), *line = strchr(csv, '\n');
        long customers = 0;
        double share = 0, revenue = 0;
        for (int b = 0; b < DG_CHURN_BANDS; b++) {
            double from, to, sh, rev;
            long c;
            cr_assert(line && sscanf(line + 1, "%lf,%lf,%ld,%lf,%lf", &from, &to, &c, &sh, &rev)
                      == 5, "%s", csv);
            cr_expect_float_eq(from, b * 0.05, 1e-9);
            cr_expect_float_eq(to, (b + 1) * 0.05, 1e-9);
            customers += c;
            share += sh;
            revenue += rev;
            line = strchr(line + 1, '\n');
        }
        cr_expect_eq(customers, (long)f1->n_rows);
        cr_expect_float_eq(share, 1.0, 1e-3);
        cr_expect_float_eq(revenue, 1.0, 1e-3);
        free(csv);
        free(p1);
        free(p2);
        dg_features_free(f1);
        dg_features_free(f2);
        free(pj);
        free(fj);
        free(mj);
        dg_churn_model_free(back);
        dg_churn_model_free(again);
        dg_churn_model_free(m);
    }
    dg_frame_free(fr);
}

/* The trees are scored by dangol's walk of XGBoost's JSON (src/analytics/churn_forest.c): the
 * same numbers as XGBoost's own predictor on the same model and rows, to the last bit of the
 * float it returns, including missing values (NaN) sent the default way. */
Test(churn, forest_scores_are_xgboost_own_predictions, .timeout = 120)
{
    dg_frame *fr = synthetic(1500, 700, 11, false);
    dg_churn_options opt;
    dg_churn_options_init(&opt);
    opt.horizon_days = 120;
    opt.params.trees = 40;
    opt.params.depth = 6;
    opt.validate = false;
    dg_churn_model *m = NULL;
    cr_assert_eq(dg_churn_train(&m, fr, &opt, &err), 0, "%s", err.message);
    dg_features_options fo;
    dg_features_options_init(&fo);
    dg_features *f = NULL;
    cr_assert_eq(dg_features_compute(&f, fr, &fo, &err), 0, "%s", err.message);
    /* some values missing, in the columns the trees split on most */
    for (size_t r = 0; r < f->n_rows; r += 7)
        f->values[r * f->n_features + (r / 7) % 3] = NAN;
    double *ours = NULL;
    cr_assert_eq(dg_churn_predict(&ours, m, f, &err), 0, "%s", err.message);
    double *theirs = xgb_reference_predict(m, f, NAN, 1);
    cr_assert_not_null(theirs, "%s", XGBGetLastError());
    size_t differ = 0;
    for (size_t r = 0; r < f->n_rows; r++)
        differ += ours[r] != theirs[r];
    cr_expect_eq(differ, 0, "%zu of %zu scores differ, e.g. %.9g vs %.9g", differ, f->n_rows,
                 ours[0], theirs[0]);
    free(theirs);
    /* a model that is not XGBoost's JSON is refused, saying so */
    m->bytes[0] = 'x';
    double *none = NULL;
    cr_expect_eq(dg_churn_predict(&none, m, f, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "the stored churn model cannot be read"), "%s", err.message);
    cr_expect_null(none);
    free(ours);
    dg_features_free(f);
    dg_churn_model_free(m);
    dg_frame_free(fr);
}

Test(churn, refusals_are_clear_and_nothing_is_nan, .timeout = 60)
{
    dg_churn_options opt;
    dg_churn_options_init(&opt);
    opt.horizon_days = 120;
    opt.params.trees = 5;
    dg_churn_model *m = NULL;
    /* too few customers */
    dg_frame *small = synthetic(30, 700, 3, false);
    cr_expect_eq(dg_churn_train(&m, small, &opt, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "too few customers to train"), "%s", err.message);
    cr_expect_null(m);
    dg_frame_free(small);
    dg_frame *fr = synthetic(600, 700, 5, true);
    /* too few churners: with a horizon of a year nearly everyone buys again */
    opt.horizon_days = 1;
    cr_expect_eq(dg_churn_train(&m, fr, &opt, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "too few customers to train") &&
              strstr(err.message, "need at least 50 customers and 5 of each"), "%s", err.message);
    cr_expect_null(m);
    opt.horizon_days = 120;
    /* a horizon the data cannot label */
    opt.as_of = 720;
    cr_expect_eq(dg_churn_train(&m, fr, &opt, &err), DG_EINVAL);
    opt.as_of = DG_DAY_NONE;
    /* a constant feature named: refused; left out with a note by default */
    opt.features = "recency_days,region_Seoul";
    cr_expect_eq(dg_churn_train(&m, fr, &opt, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "\"region_Seoul\" is the same for every customer"), "%s",
              err.message);
    opt.features = "recency_days,nps";
    cr_expect_eq(dg_churn_train(&m, fr, &opt, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "\"nps\" is not in the data"), "%s", err.message);
    opt.features = "recency_days,shoe_size";
    cr_expect_eq(dg_churn_train(&m, fr, &opt, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "unknown feature \"shoe_size\""), "%s", err.message);
    opt.features = NULL;
    opt.validate = false;
    cr_assert_eq(dg_churn_train(&m, fr, &opt, &err), 0, "%s", err.message);
    for (size_t j = 0; j < m->n_features; j++)
        cr_expect_str_neq(m->features[j], "region_Seoul");
    bool noted = false;
    for (size_t i = 0; i < dg_table_notes(m->notes); i++)
        noted |= strstr(dg_table_note(m->notes, i), "region_Seoul") != NULL;
    cr_expect(noted);
    cr_expect_not(m->validated);
    /* a table without a column the model reads: refused, naming it */
    dg_features *f = NULL;
    dg_features_options fo;
    dg_features_options_init(&fo);
    cr_assert_eq(dg_features_compute(&f, fr, &fo, &err), 0);
    free(f->names[0]);
    f->names[0] = strdup("renamed");
    double *p = NULL;
    cr_expect_eq(dg_churn_predict(&p, m, f, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "feature \"recency_days\" is not in the data"), "%s",
              err.message);
    cr_expect_null(p);
    dg_features_free(f);
    /* bad parameters */
    opt.params.threads = 8;
    dg_churn_model *m2 = NULL;
    cr_expect_eq(dg_churn_train(&m2, fr, &opt, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "threads 1-2"), "%s", err.message);
    dg_churn_model_free(m);
    dg_frame_free(fr);
}

/* ---- CDNOW: the churn model against BG/NBD ---- */

/* P(X(t) > 0 | x, t_x, T) under BG/NBD: alive at T (probability P(alive)), a customer stays alive
 * until their next purchase, so no purchase in (T, T + t] has probability E[exp(-lambda t)] under
 * the posterior Gamma(r + x, alpha + T) of lambda given alive (Fader, Hardie & Lee 2005, sec. 3;
 * the x = 0 term of their note "Deriving the conditional PMF of the BG/NBD model"):
 *   P(X(t) > 0) = P(alive) (1 - ((alpha + T) / (alpha + T + t))^(r + x)). */
static double bgnbd_p_any(const dg_btyd_params *p, double x, double t_x, double T, double t)
{
    double r = p->p[0], alpha = p->p[1];
    return dg_btyd_p_alive(p, x, t_x, T) * -expm1((r + x) * log((alpha + T) / (alpha + T + t)));
}

/* The CDNOW log as a frame: same-day purchases merged into one order (the papers' convention). */
static dg_frame *cdnow_frame(const dg_clv_log *log)
{
    dg_frame_builder *b = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, dg_days_from_civil(1998, 6, 30), false, &err), 0);
    dg_frame_builder_set_currency(b, "USD", 2);
    for (size_t c = 0; c < log->tx.n_customers; c++) {
        dg_frame_customer_in in = { .customer_id = log->customer_id[c] };
        cr_assert_eq(dg_frame_add_customer(b, &in, &err), 0, "%s", err.message);
    }
    /* the log is grouped by customer and sorted by day within each */
    for (size_t i = 0; i < log->tx.n;) {
        size_t e = i;
        double value = 0;
        while (e < log->tx.n && log->customer[e] == log->customer[i] && log->day[e] == log->day[i])
            value += log->value[e++];
        dg_frame_order_in o = { .customer_id = log->customer_id[log->customer[i]],
                                .ordered_at = (int64_t)log->day[i] * DAY,
                                .amount_minor = (int64_t)llround(value * 100) };
        cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
        i = e;
    }
    return test_frame_finish(b);
}

Test(churn, cdnow_churn_model_ranks_the_holdout_as_well_as_bgnbd, .timeout = 300)
{
    dg_clv_log *log = NULL;
    cr_assert_eq(dg_clv_log_read(&log, DATA "CDNOW_sample.txt", &err), 0, "%s", err.message);
    int32_t cal_end = dg_days_from_civil(1997, 9, 30), hold_end = dg_days_from_civil(1998, 6, 30);
    int32_t holdout_days = hold_end - cal_end;   /* 273 days = 39 weeks */
    cr_assert_eq(holdout_days, 273);
    dg_frame *fr = cdnow_frame(log);

    /* BG/NBD on the calibration summary (weeks) */
    dg_clv_summary *s = NULL;
    dg_clv_period per = { cal_end, hold_end, 7.0, false };
    cr_assert_eq(dg_clv_summary_build(&s, &log->tx, &per, &err), 0, "%s", err.message);
    dg_btyd_data data = dg_clv_summary_data(s);
    dg_btyd_fit fit;
    cr_assert_eq(dg_btyd_fit_data(&data, DG_BTYD_BGNBD, NULL, &fit, &err), 0, "%s", err.message);
    cr_expect_float_eq(fit.params.p[0], 0.2426, 5e-4);

    /* the churn model: trained inside the calibration period only (features at 1997-09-30 minus
     * the horizon, labels up to 1997-09-30), scored on the features of 1997-09-30 */
    dg_churn_options opt;
    dg_churn_options_init(&opt);
    opt.as_of = cal_end;
    opt.horizon_days = 91;
    dg_churn_model *m[DG_CHURN_N_ALGORITHMS] = { NULL, NULL };
    for (int a = 0; a < DG_CHURN_N_ALGORITHMS; a++) {
        opt.params.algorithm = (dg_churn_algorithm)a;
        cr_assert_eq(dg_churn_train(&m[a], fr, &opt, &err), 0, "%s", err.message);
    }
    dg_features *f = NULL;
    double *p_churn[DG_CHURN_N_ALGORITHMS];
    p_churn[0] = scores_of(m[0], fr, cal_end, false, &f);
    dg_features *f2 = NULL;
    p_churn[1] = scores_of(m[1], fr, cal_end, true, &f2);
    dg_features_free(f2);
    cr_assert_eq(f->n_rows, 2357);
    uint8_t *churned = NULL;
    cr_assert_eq(dg_churn_labels(&churned, fr, f, holdout_days, &err), 0, "%s", err.message);

    /* BTYD scores row by row of the feature table: churn = 1 - P(alive), 1 - P(X(39) > 0) */
    double *not_alive = malloc(f->n_rows * sizeof *not_alive);
    double *no_purchase = malloc(f->n_rows * sizeof *no_purchase);
    size_t matched = 0, buyers = 0;
    for (size_t i = 0; i < s->n; i++) {
        int64_t c = dg_frame_customer_index(fr, log->customer_id[s->customer[i]]);
        for (size_t r = 0; r < f->n_rows; r++)
            if ((int64_t)f->customer[r] == c) {
                not_alive[r] = 1 - dg_btyd_p_alive(&fit.params, s->frequency[i], s->recency[i],
                                                   s->T[i]);
                no_purchase[r] = 1 - bgnbd_p_any(&fit.params, s->frequency[i], s->recency[i],
                                                 s->T[i], 39.0);
                cr_assert_eq(churned[r], s->holdout_frequency[i] == 0);
                buyers += s->holdout_frequency[i] > 0;
                matched++;
                break;
            }
    }
    cr_assert_eq(matched, 2357);
    double auc_xgb, auc_lr, auc_alive, auc_any;
    cr_assert_eq(dg_churn_auc(&auc_xgb, p_churn[0], churned, f->n_rows, &err), 0);
    cr_assert_eq(dg_churn_auc(&auc_lr, p_churn[1], churned, f->n_rows, &err), 0);
    cr_assert_eq(dg_churn_auc(&auc_alive, not_alive, churned, f->n_rows, &err), 0);
    cr_assert_eq(dg_churn_auc(&auc_any, no_purchase, churned, f->n_rows, &err), 0);
    fprintf(stderr, "CDNOW holdout (%zu of 2357 buy again): AUC xgboost %.4f, logistic %.4f, "
            "BG/NBD P(alive) %.4f, BG/NBD P(X>0) %.4f; validation AUC xgboost %.4f logistic "
            "%.4f\n", buyers, auc_xgb, auc_lr, auc_alive, auc_any, m[0]->validation[0].auc,
            m[0]->validation[1].auc);
    /* the bar: not worse than the BTYD ranking by more than 0.01 */
    double btyd = fmax(auc_alive, auc_any);
    cr_expect(auc_xgb >= btyd - 0.01, "xgboost AUC %.4f vs BG/NBD %.4f", auc_xgb, btyd);
    cr_expect(auc_any > 0.7, "BG/NBD P(X>0) AUC %.4f", auc_any);
    /* P(alive) is 1 for every customer without a repeat purchase (x = 0: BG/NBD's dropout comes
     * only after a purchase), the 1,411 least likely to come back, so as a ranking of the whole
     * cohort it is worse than chance; among the 946 repeaters it ranks well */
    cr_expect(auc_alive < 0.5, "BG/NBD P(alive) AUC %.4f", auc_alive);
    size_t k = 0;
    uint8_t *rep_y = malloc(f->n_rows);
    double *rep_alive = malloc(f->n_rows * sizeof *rep_alive);
    double *rep_xgb = malloc(f->n_rows * sizeof *rep_xgb);
    int freq = dg_features_find(f, "frequency");
    for (size_t r = 0; r < f->n_rows; r++)
        if (f->values[r * f->n_features + (size_t)freq] > 1) {
            rep_y[k] = churned[r];
            rep_alive[k] = not_alive[r];
            rep_xgb[k++] = p_churn[0][r];
        }
    cr_expect_eq(k, 946);
    double rep_auc_alive, rep_auc_xgb;
    cr_assert_eq(dg_churn_auc(&rep_auc_alive, rep_alive, rep_y, k, &err), 0);
    cr_assert_eq(dg_churn_auc(&rep_auc_xgb, rep_xgb, rep_y, k, &err), 0);
    fprintf(stderr, "CDNOW repeaters (946): AUC xgboost %.4f, BG/NBD P(alive) %.4f\n",
            rep_auc_xgb, rep_auc_alive);
    free(rep_y);
    free(rep_alive);
    free(rep_xgb);
    free(not_alive);
    free(no_purchase);
    free(churned);
    free(p_churn[0]);
    free(p_churn[1]);
    dg_features_free(f);
    for (int a = 0; a < DG_CHURN_N_ALGORITHMS; a++)
        dg_churn_model_free(m[a]);
    dg_clv_summary_free(s);
    dg_frame_free(fr);
    dg_clv_log_free(log);
}

/* ---- the store: one row per training, loaded back to score the same ---- */

typedef struct count_ctx {
    size_t n;
    int64_t first_id;
} count_ctx;

static int count_model(void *ctx, const dg_model_info *info)
{
    count_ctx *c = ctx;
    if (c->n++ == 0)
        c->first_id = info->model_id;
    return 0;
}

Test(churn, stored_model_scores_the_same_and_a_key_stores_once, .timeout = 120)
{
    char path[256];
    dg_store *store = test_store_create(path, sizeof path, "churn");
    dg_frame *fr = synthetic(800, 700, 11, false);
    dg_churn_options opt;
    dg_churn_options_init(&opt);
    opt.horizon_days = 120;
    opt.params.trees = 20;
    dg_churn_saved saved, again;
    dg_churn_model *m = NULL, *loaded = NULL, *none = NULL;
    cr_assert_eq(dg_churn_train_save(&saved, &m, store, fr, &opt, "tester", NULL, "key-1",
                                     &err), 0,
                 "%s", err.message);
    cr_expect_not(saved.replayed);
    cr_assert_not_null(m);
    /* the same key and request: the first model, nothing trained */
    cr_assert_eq(dg_churn_train_save(&again, &none, store, fr, &opt, "tester", NULL, "key-1",
                                     &err), 0,
                 "%s", err.message);
    cr_expect(again.replayed);
    cr_expect_eq(again.model_id, saved.model_id);
    cr_expect_null(none);
    /* the same key with another request: refused, nothing stored */
    opt.params.trees = 21;
    cr_expect_eq(dg_churn_train_save(&again, NULL, store, fr, &opt, "tester", NULL, "key-1",
                                     &err),
                 DG_ECONFLICT);
    count_ctx c = { 0, 0 };
    cr_assert_eq(dg_model_list(store, count_model, &c, &err), 0, "%s", err.message);
    cr_expect_eq(c.n, 1);
    cr_expect_eq(c.first_id, saved.model_id);
    /* loaded back (latest and by id), it scores exactly as trained */
    dg_model_info info;
    cr_assert_eq(dg_churn_model_load(&loaded, &info, store, 0, &err), 0, "%s", err.message);
    cr_expect_eq(info.model_id, saved.model_id);
    cr_expect_str_eq(info.created_by, "tester");
    cr_expect_str_eq(info.algorithm, "xgboost");
    cr_expect_eq(info.horizon_days, 120);
    cr_expect_float_eq(info.auc, m->validation[0].auc, 1e-12);
    cr_expect_eq(loaded->n_bytes, m->n_bytes);
    dg_features *f1 = NULL, *f2 = NULL;
    double *p1 = scores_of(m, fr, 700, false, &f1),
           *p2 = scores_of(loaded, fr, 700, true, &f2);
    for (size_t r = 0; r < f1->n_rows; r++)
        cr_expect_eq(p1[r], p2[r], "row %zu", r);
    cr_expect_eq(dg_churn_model_load(&none, NULL, store, 999, &err), DG_ENOTFOUND);
    cr_expect(strstr(err.message, "no churn model 999"), "%s", err.message);
    free(p1);
    free(p2);
    dg_features_free(f1);
    dg_features_free(f2);
    dg_churn_model_free(loaded);
    dg_churn_model_free(m);
    dg_frame_free(fr);
    dg_store_close(store);
    test_remove_store(path);
}
