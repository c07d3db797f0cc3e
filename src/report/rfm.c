/* The RFM report (include/dangol/report.h): scores with the given (or built-in) segment map, then
 * one of the four views, as `dangol rfm` and /api/rfm show them. */
#include <string.h>

#include "dangol/report.h"
#include "report/rfm_cluster.h"

int dg_rfm_view_parse(const char *name, dg_rfm_view *view, dg_error *err)
{
    static const char *const names[] = { "segments", "bins", "grid", "customers" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *view = (dg_rfm_view)i;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "view \"%s\" is not one of: segments, bins, grid, "
                        "customers", name);
}

/* The report from the frame, or from totals (a cluster's) with frame holding the customers. */
static int report(dg_report *out, const dg_frame *frame, const dg_rfm_totals *totals,
                  const dg_report_rfm_options *opt, dg_error *err)
{
    static const dg_report_rfm_options defaults = { .view = DG_RFM_VIEW_SEGMENTS };
    if (!opt)
        opt = &defaults;
    dg_rfm_options ropts = { .as_of = DG_DAY_NONE, .monetary_mean = opt->monetary_mean };
    dg_rfm_segment_map *builtin = NULL;
    dg_rfm_result rfm = { 0 };
    dg_table *t = NULL;
    int rc = opt->map ? 0 : dg_rfm_segment_map_default(&builtin, err);
    const dg_rfm_segment_map *map = opt->map ? opt->map : builtin;
    if (rc == 0)
        rc = totals ? dg_rfm_compute_totals(&rfm, totals, opt->monetary_mean, map, err)
                    : dg_rfm_compute(&rfm, frame, &ropts, map, err);
    if (rc != 0)
        goto cleanup;
    switch (opt->view) {
    case DG_RFM_VIEW_BINS: rc = dg_rfm_bin_table(&t, &rfm, frame->minor_digits, err); break;
    case DG_RFM_VIEW_GRID: rc = dg_rfm_grid_table(&t, &rfm, frame->minor_digits, err); break;
    case DG_RFM_VIEW_CUSTOMERS: rc = dg_rfm_customer_table(&t, frame, &rfm, map, err); break;
    case DG_RFM_VIEW_SEGMENTS:
    default: rc = dg_rfm_segment_table(&t, frame, &rfm, map, err); break;
    }
    if (rc == 0) {
        if (rfm.any_empty_bin)
            out->flags |= DG_REPORT_EMPTY_BINS;
        rc = dg_report_add(out, t, err);
        t = NULL;
    }
cleanup:
    dg_table_free(t);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(builtin);
    return rc;
}

int dg_report_rfm(dg_report *out, const dg_frame *frame, const dg_report_rfm_options *opt,
                  dg_error *err)
{
    return report(out, frame, NULL, opt, err);
}

int dg_report_rfm_store(dg_report *out, dg_store *store, int32_t as_of,
                        const dg_report_rfm_options *opt, dg_error *err)
{
    dg__rfm_cluster_input in;
    int rc = dg__rfm_cluster_input_read(&in, store, as_of, err);
    if (rc == 0)
        rc = report(out, in.customers, &in.totals, opt, err);
    dg__rfm_cluster_input_free(&in);
    if (rc != DG_EUNSUPPORTED)
        return rc;
    /* RFM reads each customer's order days and amounts only (through the offsets) */
    dg_frame_options fopts = { .as_of = as_of, .columns = DG_FRAME_ORDER_CORE };
    dg_frame *frame = NULL;
    if ((rc = dg_report_frame_of(&frame, store, &fopts, err)) == 0)
        rc = dg_report_rfm(out, frame, opt, err);
    dg_frame_free(frame);
    return rc;
}
