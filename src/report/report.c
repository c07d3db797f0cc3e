/* The report container and the frame every report starts from (include/dangol/report.h). The
 * store is read here and nowhere else in the analytics: a report entry works on the frame (or the
 * cube, or the fit) it is handed. */
#include <string.h>

#include "dangol/report.h"

void dg_report_init(dg_report *report)
{
    memset(report, 0, sizeof *report);
}

void dg_report_clear(dg_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->n_tables; i++)
        dg_table_free(report->tables[i]);
    dg_report_init(report);
}

int dg_report_add(dg_report *report, dg_table *table, dg_error *err)
{
    if (!table || report->n_tables == DG_REPORT_MAX_TABLES) {
        dg_table_free(table);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    report->tables[report->n_tables++] = table;
    return 0;
}

int dg_report_frame(dg_frame **out, dg_store *store, int32_t as_of, bool with_lines,
                    dg_error *err)
{
    dg_frame_options opts = { .as_of = as_of, .with_lines = with_lines };
    return dg_frame_from_store(out, store, &opts, err);
}

int dg_report_frame_of(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                       dg_error *err)
{
    return dg_frame_from_store(out, store, opts, err);
}
