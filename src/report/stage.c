/* The relationship-ladder report (include/dangol/report.h): stage counts, the funnel, the
 * migration matrix, the month-end history or the per-customer stages, as `dangol stage` and
 * /api/stages* show them. The days are checked here once for both front ends. */
#include <stdlib.h>

#include "dangol/report.h"

/* The views at one day: counts, funnel, customers. */
static int at_day(const dg_frame *frame, const dg_stage_rules *rules, dg_stage_view view,
                  int32_t at, dg_table **t, dg_error *err)
{
    size_t cap = frame->n_customers ? frame->n_customers : 1;
    uint8_t *stage = malloc(cap), *activity = malloc(cap);
    int rc = stage && activity ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = dg_stage_at(frame, rules, at, stage, activity, err);
    if (rc == 0) {
        dg_stage_counts counts;
        dg_stage_count(stage, activity, frame->n_customers, at, &counts);
        rc = view == DG_STAGE_VIEW_CUSTOMERS
                 ? dg_stage_customer_table(t, frame, stage, activity, at, err)
             : view == DG_STAGE_VIEW_FUNNEL ? dg_stage_funnel_table(t, &counts, err)
                                            : dg_stage_table(t, &counts, err);
    }
    free(stage);
    free(activity);
    return rc;
}

int dg_report_stage(dg_report *out, const dg_frame *frame, const dg_report_stage_options *opt,
                    dg_error *err)
{
    dg_stage_rules builtin;
    const dg_stage_rules *rules = opt->rules;
    if (!rules) {
        dg_stage_rules_default(&builtin);
        rules = &builtin;
    }
    int32_t at = opt->at == DG_DAY_NONE ? frame->as_of : opt->at;
    int32_t from = opt->from == DG_DAY_NONE ? at - 365 : opt->from;
    bool between = opt->view == DG_STAGE_VIEW_MIGRATION || opt->view == DG_STAGE_VIEW_HISTORY;
    if (!between && at > frame->as_of)
        return dg_error_set(err, DG_EINVAL, "at is after the as-of day");
    if (between && (from > at || at > frame->as_of))
        return dg_error_set(err, DG_EINVAL, "need from <= to <= the as-of day");
    dg_table *t = NULL;
    int rc = opt->view == DG_STAGE_VIEW_MIGRATION
                 ? dg_stage_migration_table(&t, frame, rules, from, at, err)
             : opt->view == DG_STAGE_VIEW_HISTORY
                 ? dg_stage_history_table(&t, frame, rules, from, at, err)
                 : at_day(frame, rules, opt->view, at, &t, err);
    return rc == 0 ? dg_report_add(out, t, err) : rc;
}
