/* The loyalty report (include/dangol/report.h): behavioural and attitudinal loyalty with the
 * loyalty index on the RFM scores, as the measures, per customer, or with NPS per RFM segment and
 * per behavioural stage beside the measures (`dangol loyalty`, /api/loyalty). */
#include <stdbool.h>
#include <stdlib.h>

#include "dangol/report.h"

/* NPS per RFM segment and/or per behavioural stage (before the attitudinal promotion to
 * advocate, which promoters earn: per relationship stage the table would be circular) at the RFM
 * as-of day: one table each. */
static int group_tables(dg_report *out, const dg_frame *frame, const dg_rfm_result *rfm,
                        const dg_rfm_segment_map *map, const dg_loyalty_result *loyalty,
                        const dg_stage_rules *rules, bool segments, bool stages, dg_error *err)
{
    size_t n = frame->n_customers, cap = n ? n : 1;
    uint8_t *stage = malloc(cap), *activity = malloc(cap);
    uint32_t *group = malloc(cap * sizeof *group);
    dg_table *t = NULL;
    int rc = stage && activity && group ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc != 0)
        goto cleanup;
    for (size_t c = 0; c < n; c++)
        group[c] = rfm->segment[c] == DG_RFM_NO_SEGMENT ? UINT32_MAX : rfm->segment[c];
    if (segments &&
        ((rc = dg_loyalty_group_table(&t, loyalty, group,
                                      map->n_segments, (const char *const *)map->names,
                                      "(no orders)", "NPS by RFM segment", "segment", err)) != 0 ||
         (rc = dg_report_add(out, t, err)) != 0))
        goto cleanup;
    if (!stages ||
        (rc = dg_stage_behavioural_at(frame, rules, rfm->as_of, stage, activity, err)) != 0)
        goto cleanup;
    const char *stage_names[DG_STAGE_BEHAVIOURAL_COUNT];
    for (int s = 0; s < DG_STAGE_BEHAVIOURAL_COUNT; s++)
        stage_names[s] = dg_stage_name((dg_stage)s);
    for (size_t c = 0; c < n; c++)
        group[c] = stage[c] < DG_STAGE_BEHAVIOURAL_COUNT ? stage[c] : UINT32_MAX;
    if ((rc = dg_loyalty_group_table(&t, loyalty, group, DG_STAGE_BEHAVIOURAL_COUNT,
                                     stage_names, "(not yet known)",
                                     "NPS by behavioural stage (orders alone, before advocacy)",
                                     "stage", err)) != 0)
        goto cleanup;
    if (dg_table_add_coded_note(t, "loyalty_stage_by_orders", "stage by orders alone, before the promotion to advocate and "
                             "partner: advocates and partners count as clients, since promoters "
                             "become advocates (docs/loyalty.md)")) {
        dg_table_free(t);
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    rc = dg_report_add(out, t, err);
cleanup:
    free(stage);
    free(activity);
    free(group);
    return rc;
}

int dg_report_loyalty(dg_report *out, const dg_frame *frame,
                      const dg_report_loyalty_options *opt, dg_error *err)
{
    static const dg_report_loyalty_options defaults = { .view = DG_LOYALTY_VIEW_SUMMARY };
    if (!opt)
        opt = &defaults;
    dg_stage_rules builtin_rules;
    const dg_stage_rules *rules = opt->rules;
    if (!rules) {
        dg_stage_rules_default(&builtin_rules);
        rules = &builtin_rules;
    }
    dg_rfm_segment_map *builtin_map = NULL;
    dg_rfm_result rfm = { 0 };
    dg_loyalty_result loyalty = { 0 };
    dg_table *t = NULL;
    int rc = opt->map ? 0 : dg_rfm_segment_map_default(&builtin_map, err);
    const dg_rfm_segment_map *map = opt->map ? opt->map : builtin_map;
    if (rc == 0)
        rc = dg_rfm_compute(&rfm, frame, NULL, map, err);
    if (rc == 0)
        rc = dg_loyalty_compute(&loyalty, frame, &rfm, opt->config, err);
    dg_loyalty_view view = opt->view;
    if (rc == 0 && (view == DG_LOYALTY_VIEW_SUMMARY || view == DG_LOYALTY_VIEW_CUSTOMERS ||
                    view == DG_LOYALTY_VIEW_GROUPS)) {
        rc = view == DG_LOYALTY_VIEW_CUSTOMERS
                 ? dg_loyalty_customer_table(&t, frame, &loyalty, err)
                 : dg_loyalty_summary_table(&t, frame, &loyalty, err);
        if (rc == 0)
            rc = dg_report_add(out, t, err);
    }
    if (rc == 0 && (view == DG_LOYALTY_VIEW_GROUPS || view == DG_LOYALTY_VIEW_SEGMENTS ||
                    view == DG_LOYALTY_VIEW_STAGES))
        rc = group_tables(out, frame, &rfm, map, &loyalty, rules,
                          view != DG_LOYALTY_VIEW_STAGES, view != DG_LOYALTY_VIEW_SEGMENTS, err);
    dg_loyalty_result_clear(&loyalty);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(builtin_map);
    return rc;
}
