/* The lookalike report (include/dangol/report.h): who the best customers are (the top tenth of
 * the buyers by the card's CLV fit, or a seed list), who is scored (the customers without an
 * order, or a prospect list), the model (dangol/lookalike.h) and its tables — as `dangol
 * lookalike` and /api/lookalike show them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/report.h"

void dg_report_lookalike_options_init(dg_report_lookalike_options *opt)
{
    memset(opt, 0, sizeof *opt);
    dg_lookalike_options_init(&opt->model);
}

/* value[c]: the CLV of the fit (NaN outside it); *why: the fit's failure, or "". */
static int clv_values(double **value, char *why, size_t cap, const dg_frame *frame,
                      const dg_clv_report *fit, dg_error *err)
{
    size_t n = frame->n_customers;
    dg_clv_report *own = NULL;
    why[0] = '\0';
    if (!fit) {
        const dg_clv_period weeks = { .calibration_end = DG_DAY_NONE,
                                      .holdout_end = DG_DAY_NONE, .days_per_unit = 7.0 };
        dg_clv_options opt;
        dg_report_card_clv_options(&opt);
        dg_error fit_err;
        dg_error_clear(&fit_err);
        if (dg_clv_frame_run(&own, frame, &weeks, &opt, &fit_err) != 0) {
            if (fit_err.code == DG_ENOMEM)
                return dg_error_set(err, DG_ENOMEM, "%s", fit_err.message);
            snprintf(why, cap, "%s", fit_err.message);
            *value = NULL;
            return 0;
        }
        fit = own;
    }
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        dg_clv_report_free(own);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < n; c++)
        v[c] = NAN;
    for (size_t i = 0; i < fit->summary->n; i++)
        v[fit->summary->customer[i]] = fit->clv[i];
    dg_clv_report_free(own);
    *value = v;
    return 0;
}

/* The roles of opt's lists: learn = buyers and seed, minus the prospects; target = prospects. */
static int listed_roles(dg_lookalike_roles *r, const dg_frame *f,
                        const dg_report_lookalike_options *o, dg_error *err)
{
    int rc = dg_lookalike_roles_alloc(r, f->n_customers, err);
    if (rc == 0 && o->seed_text)
        rc = dg_lookalike_ids_parse(r->best, NULL, f, o->seed_text,
                                    o->seed_name ? o->seed_name : "seed", err);
    if (rc == 0 && o->prospects_text)
        rc = dg_lookalike_ids_parse(r->target, NULL, f, o->prospects_text,
                                    o->prospects_name ? o->prospects_name : "prospects", err);
    for (size_t c = 0; rc == 0 && c < f->n_customers; c++) {
        bool buyer = dg_frame_orders_end(f, c) > f->order_offset[c];
        if (!o->prospects_text)
            r->target[c] = !buyer && !r->best[c] && dg_frame_has_customer(f, c);
        r->learn[c] = (buyer || r->best[c]) && !(o->prospects_text && r->target[c] && !r->best[c]);
    }
    return rc;
}

int dg_report_lookalike_model(dg_lookalike **out, const dg_frame *frame,
                              const dg_report_lookalike_options *opt, dg_error *err)
{
    dg_report_lookalike_options defaults;
    dg_report_lookalike_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    dg_lookalike_roles roles = { 0 };
    double *value = NULL;
    char why[DG_ERROR_MSG_MAX] = "";
    int rc = 0;
    if (opt->seed_text) {
        rc = listed_roles(&roles, frame, opt, err);
    } else {
        rc = clv_values(&value, why, sizeof why, frame, opt->fit, err);
        if (rc == 0)
            rc = dg_lookalike_roles_default(&roles, frame, value, err);
        if (rc == 0 && opt->prospects_text) {   /* the list replaces the targets */
            dg_lookalike_roles listed = { 0 };
            rc = listed_roles(&listed, frame, opt, err);
            for (size_t c = 0; rc == 0 && c < frame->n_customers; c++) {
                roles.target[c] = listed.target[c];
                roles.learn[c] = roles.learn[c] && !listed.target[c];
                roles.best[c] = roles.best[c] && roles.learn[c];
            }
            dg_lookalike_roles_clear(&listed);
        }
    }
    if (rc == 0)
        rc = dg_lookalike_fit(out, frame, &roles, &opt->model, err);
    if (rc == 0) {
        char note[DG_ERROR_MSG_MAX + 160];
        if (opt->seed_text)
            snprintf(note, sizeof note, "best customers: the seed list %s",
                     opt->seed_name ? opt->seed_name : "");
        else if (why[0])
            snprintf(note, sizeof note, "best customers: the top tenth of the buyers by spend to "
                     "date (no lifetime value fit: %s)", why);
        else
            snprintf(note, sizeof note, "best customers: the top tenth of the buyers by CLV "
                     "(BG/NBD + Gamma-Gamma, as on the customer card)");
        if (dg_table_add_note((*out)->notes, note) != 0) {
            dg_lookalike_free(*out);
            *out = NULL;
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        }
    }
    free(value);
    dg_lookalike_roles_clear(&roles);
    return rc;
}

int dg_report_lookalike(dg_report *out, const dg_frame *frame, dg_lookalike_view view,
                        const dg_report_lookalike_options *opt, dg_error *err)
{
    dg_lookalike *m = NULL;
    dg_table *t = NULL;
    int rc = dg_report_lookalike_model(&m, frame, opt, err);
    if (rc == 0 && view == DG_LOOKALIKE_VIEW_SCORES) {
        if ((rc = dg_lookalike_score_table(&t, m, frame, opt ? opt->top : 0, err)) == 0)
            rc = dg_report_add(out, t, err);
    } else if (rc == 0) {
        if ((rc = dg_lookalike_summary_table(&t, m, err)) == 0)
            rc = dg_report_add(out, t, err);
        if (rc == 0 && (rc = dg_lookalike_lift_table(&t, m, err)) == 0)
            rc = dg_report_add(out, t, err);
        if (rc == 0 && (rc = dg_lookalike_attribute_table(&t, m, err)) == 0)
            rc = dg_report_add(out, t, err);
    }
    dg_lookalike_free(m);
    return rc;
}
