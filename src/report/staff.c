/* The staff and sites report (include/dangol/report.h): dg_staff_compute on the caller's frame
 * and its ranked table, as `dangol staff` and /api/staff show them. */
#include "dangol/report.h"

int dg_report_staff(dg_report *out, const dg_frame *frame, const dg_staff_options *opt,
                    dg_error *err)
{
    static const dg_staff_options defaults = { .by = DG_STAFF_BY_STAFF };
    if (!opt)
        opt = &defaults;
    dg_staff_result result = { 0 };
    dg_table *t = NULL;
    int rc = dg_staff_compute(&result, frame, opt, err);
    if (rc == 0)
        rc = dg_staff_table(&t, frame, &result, opt->rank, err);
    if (rc == 0)
        rc = dg_report_add(out, t, err);
    dg_staff_result_clear(&result);
    return rc;
}
