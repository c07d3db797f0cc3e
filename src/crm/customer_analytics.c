/* The analytic part of the customer card (include/dangol/customer.h): where the customer stands
 * on RFM, the relationship ladder and the loyalty index, and what they are worth. Every measure
 * comes from the analytics modules run on a frame of the whole store, exactly as `dangol rfm`,
 * `dangol stage`, `dangol loyalty` and `dangol clv predict` compute them with their defaults, so
 * the card never disagrees with the reports. */
#include <stdio.h>
#include <stdlib.h>

#include "dangol/clv.h"
#include "dangol/customer.h"
#include "dangol/loyalty.h"
#include "dangol/rfm.h"
#include "dangol/stage.h"
#include "dangol/text.h"

static int row(dg_table *t, const char *item, const char *value)
{
    if (dg_table_add_row(t) || dg_table_set_text(t, 0, item) || dg_table_set_text(t, 1, value))
        return DG_ENOMEM;
    return 0;
}

static int loyalty_section(dg_card *card, const dg_frame *frame, size_t c, dg_error *err)
{
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result rfm = { 0 };
    dg_loyalty_result loyalty = { 0 };
    dg_stage_rules rules;
    uint8_t *stage = malloc(frame->n_customers + 1), *activity = malloc(frame->n_customers + 1);
    dg_table *t = dg_table_new("Loyalty");
    char buf[160], day[16];
    int rc = DG_ENOMEM;
    if (!stage || !activity || !t || dg_table_add_column(t, "item", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "value", DG_CELL_TEXT, 0))
        goto cleanup;
    dg_stage_rules_default(&rules);
    if ((rc = dg_rfm_segment_map_default(&map, err)) != 0 ||
        (rc = dg_rfm_compute(frame, NULL, map, &rfm, err)) != 0 ||
        (rc = dg_loyalty_compute(frame, &rfm, NULL, &loyalty, err)) != 0 ||
        (rc = dg_stage_at(frame, &rules, frame->as_of, stage, activity, err)) != 0)
        goto cleanup;
    rc = DG_ENOMEM;
    if (row(t, "as of", dg_date_format(frame->as_of, day)))
        goto cleanup;
    snprintf(buf, sizeof buf, "%s (%s)", dg_stage_name((dg_stage)stage[c]),
             dg_activity_name((dg_activity)activity[c]));
    if (row(t, "stage", buf))
        goto cleanup;
    if (rfm.frequency[c] > 0) {
        char money[48];
        dg_money_format_human(rfm.monetary_minor[c], frame->minor_digits, money, sizeof money);
        snprintf(buf, sizeof buf, "R%u F%u M%u: last order %d days ago, %d orders, %s %s",
                 rfm.r[c], rfm.f[c], rfm.m[c], rfm.recency_days[c], rfm.frequency[c], money,
                 frame->currency);
        if (row(t, "RFM", buf) || row(t, "segment", map->names[rfm.segment[c]]))
            goto cleanup;
    } else if (row(t, "RFM", "no orders yet")) {
        goto cleanup;
    }
    snprintf(buf, sizeof buf, "%.1f / 100%s", loyalty.index[c],
             loyalty.behavioural_only[c] ? " (behaviour only: no survey answer)" : "");
    if (row(t, "loyalty index", buf))
        goto cleanup;
    if (loyalty.nps[c] >= 0) {
        snprintf(buf, sizeof buf, "%d (%s)", loyalty.nps[c],
                 loyalty.nps[c] >= 9 ? "promoter" : loyalty.nps[c] >= 7 ? "passive" : "detractor");
        if (row(t, "latest NPS answer", buf))
            goto cleanup;
    }
    rc = dg_card_add(card, t);
    t = NULL;
cleanup:
    if (rc == DG_ENOMEM)
        dg_error_set(err, DG_ENOMEM, "out of memory");
    dg_table_free(t);
    dg_loyalty_result_free(&loyalty);
    dg_rfm_result_free(&rfm);
    dg_rfm_segment_map_free(map);
    free(stage);
    free(activity);
    return rc;
}

static int clv_section(dg_card *card, const dg_frame *frame, size_t c, dg_error *err)
{
    const dg_clv_period weeks = { .calibration_end = DG_DAY_NONE, .holdout_end = DG_DAY_NONE,
                                  .days_per_unit = 7.0 };
    const dg_clv_options options = { .model = DG_BTYD_BGNBD, .spend = 1, .horizon = 52,
                                     .discount_rate = 0.0 };
    dg_clv_report *report = NULL;
    dg_error fit_err;
    dg_error_clear(&fit_err);
    dg_table *t;
    if (dg_clv_frame_run(frame, &weeks, &options, &report, &fit_err) == 0) {
        t = dg_clv_card_section(report, dg_clv_report_find(report, (uint32_t)c),
                                frame->minor_digits);
    } else if (fit_err.code == DG_ENOMEM) {
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    } else {   /* e.g. too few customers to fit: say so on the card */
        t = dg_table_new("Lifetime value");
        if (t && (dg_table_add_column(t, "item", DG_CELL_TEXT, 0) ||
                  dg_table_add_column(t, "value", DG_CELL_TEXT, 0) ||
                  row(t, "status", fit_err.message))) {
            dg_table_free(t);
            t = NULL;
        }
    }
    dg_clv_report_free(report);
    if (!t || dg_card_add(card, t) != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    return 0;
}

int dg_card_add_analytics(dg_card *card, const dg_frame *frame, const char *customer_id,
                          dg_error *err)
{
    int64_t c = dg_frame_customer_index(frame, customer_id);
    if (c < 0)
        return dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\" as of the analysis date",
                            customer_id);
    int rc = loyalty_section(card, frame, (size_t)c, err);
    if (rc == 0)
        rc = clv_section(card, frame, (size_t)c, err);
    return rc;
}
