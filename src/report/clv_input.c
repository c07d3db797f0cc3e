/* What the lifetime-value reports work on (include/dangol/report.h, dg_clv_input): a summary CSV
 * as it is, or the transactions of a log file or of the store summarised over the calibration
 * period, with the ids of the customers. The store and the files are read here, not in the CLI. */
#include <stdint.h>
#include <string.h>

#include "dangol/clv_io.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "report/clv_cluster.h"

void dg_clv_input_clear(dg_clv_input *in)
{
    if (!in)
        return;
    dg_clv_summary_free(in->summary);
    if (!in->log && !in->frame)
        dg_clv_ids_free(in->ids, in->n_ids);
    dg_clv_log_free(in->log);
    dg_frame_free(in->frame);
    memset(in, 0, sizeof *in);
}

int dg_clv_input_load(dg_clv_input *in, dg_store *store, const dg_clv_input_options *opt,
                      dg_error *err)
{
    memset(in, 0, sizeof *in);
    int rc;
    /* a cluster counts each customer's purchases on its nodes, unless the transactions
     * themselves are wanted */
    if (!opt->summary_path && !opt->log_path && opt->summary_only &&
        (rc = dg__clv_cluster_input(in, store, opt, err)) != DG_EUNSUPPORTED)
        return rc;
    if (opt->summary_path) {
        if ((rc = dg_clv_summary_read(&in->summary, &in->ids, opt->summary_path, err)) != 0)
            return rc;
        in->n_ids = in->summary->n;
        return 0;
    }
    if (opt->log_path) {
        if ((rc = dg_clv_log_read(&in->log, opt->log_path, err)) != 0)
            return rc;
        in->tx = in->log->tx;
        in->ids = in->log->customer_id;
    } else {
        /* the transactions are the orders' days and amounts, by customer (the offsets) */
        dg_frame_options fopts = { .as_of = opt->store_as_of, .columns = DG_FRAME_ORDER_CORE };
        if ((rc = dg_report_frame_of(&in->frame, store, &fopts, err)) != 0)
            return rc;
        in->tx = dg_clv_frame_transactions(in->frame);
        in->ids = in->frame->customer_id;
    }
    in->n_ids = in->tx.n_customers;
    int32_t last = INT32_MIN, first = INT32_MAX;
    for (size_t i = 0; i < in->tx.n; i++) {
        if (in->tx.day[i] > last)
            last = in->tx.day[i];
        if (in->tx.day[i] < first)
            first = in->tx.day[i];
    }
    if (in->tx.n == 0)
        return dg_error_set(err, DG_EINVAL, "%s has no transactions",
                            opt->log_path ? opt->log_path : "the store");
    dg_clv_period per = { opt->calibration_end != DG_DAY_NONE ? opt->calibration_end : last,
                          opt->holdout_end != DG_DAY_NONE ? opt->holdout_end : last,
                          opt->days_per_unit, opt->discrete };
    if (per.calibration_end < first) {
        char buf[16];
        return dg_error_set(err, DG_EINVAL, "--calibration-end is before the first transaction "
                            "(%s)", dg_date_format(first, buf));
    }
    return dg_clv_summary_build(&in->summary, &in->tx, &per, err);
}

int dg_report_clv_predict(dg_report *out, dg_clv_input *in, const dg_clv_options *opt,
                          size_t top, dg_error *err)
{
    dg_clv_report *fit = NULL;
    dg_table *t = NULL;
    dg_clv_summary *summary = in->summary;
    in->summary = NULL;   /* dg_clv_run takes it */
    int rc = dg_clv_run(&fit, summary, opt, err);
    if (rc == 0 && (rc = dg_clv_rank_table(&t, fit, in->ids, top, err)) == 0)
        rc = dg_report_add(out, t, err);
    dg_clv_report_free(fit);
    return rc;
}
