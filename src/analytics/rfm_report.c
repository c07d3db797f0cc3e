/* RFM result tables (include/dangol/rfm.h): segment sizes and revenue shares, score bins with
 * their value ranges (empty bins marked), and the per-customer list. */
#include <stdlib.h>
#include <string.h>

#include "dangol/money.h"
#include "dangol/rfm.h"

static int nomem(dg_error *err)
{
    return dg_error_set(err, DG_ENOMEM, "out of memory building an RFM table");
}

int dg_rfm_add_notes(const dg_rfm_result *rfm, dg_table *t)
{
    static const char *const what[3] = {
        "every customer's last order is on the same day: recency (R) carries no information "
        "and everyone scores R 3",
        "every customer has the same number of orders: frequency (F) carries no information "
        "and everyone scores F 3",
        "every customer spent the same: monetary value (M) carries no information and everyone "
        "scores M 3",
    };
    static const char *const code[3] = { "rfm_flat_r", "rfm_flat_f", "rfm_flat_m" };
    for (int k = 0; k < 3; k++)
        if (rfm->no_information[k] && dg_table_add_coded_note(t, code[k], what[k]) != 0)
            return DG_ENOMEM;
    return 0;
}

int dg_rfm_segment_table(dg_table **out, const dg_frame *fr,
                         const dg_rfm_result *rfm, const dg_rfm_segment_map *map, dg_error *err)
{
    size_t n_seg = map ? map->n_segments : 0;
    size_t rows = n_seg + 1;   /* + customers without orders */
    size_t *count = calloc(rows, sizeof *count);
    int64_t *revenue = calloc(rows, sizeof *revenue);
    double *sum_r = calloc(rows, sizeof *sum_r), *sum_f = calloc(rows, sizeof *sum_f),
           *sum_m = calloc(rows, sizeof *sum_m);
    dg_table *t = NULL;
    int rc = 0;
    *out = NULL;
    (void)fr;
    if (!count || !revenue || !sum_r || !sum_f || !sum_m || !(t = dg_table_new("RFM segments"))) {
        rc = nomem(err);
        goto cleanup;
    }
    int64_t total_revenue = 0;
    for (size_t c = 0; c < rfm->n_customers; c++) {
        if (rfm->frequency[c] < 0)
            continue;   /* not in the frame (a window's later customer) */
        size_t row = rfm->segment[c] == DG_RFM_NO_SEGMENT ? n_seg : rfm->segment[c];
        if (rfm->frequency[c] > 0 && row == n_seg && n_seg > 0)
            continue;   /* unreachable with a map: scored customers always have a segment */
        count[row]++;
        if (dg_money_add(&revenue[row], rfm->revenue_minor[c]) != 0 ||
            dg_money_add(&total_revenue, rfm->revenue_minor[c]) != 0) {
            rc = dg_error_set(err, DG_ERANGE, "the revenue of segment \"%s\" overflows the money "
                              "range (" DG_MONEY_SUM_RANGE_TEXT ") at customer \"%s\"",
                              row < n_seg ? map->names[row] : "(no orders)", fr->customer_id[c]);
            goto cleanup;
        }
        if (rfm->frequency[c] > 0) {
            sum_r[row] += rfm->recency_days[c];
            sum_f[row] += rfm->frequency[c];
            sum_m[row] += (double)rfm->monetary_minor[c];
        }
    }
    if (dg_table_add_column(t, "segment", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "customer_share", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "revenue", DG_CELL_MONEY, fr->minor_digits) ||
        dg_table_add_column(t, "revenue_share", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "mean_recency_days", DG_CELL_REAL, 0) ||
        dg_table_add_column(t, "mean_frequency", DG_CELL_REAL, 2) ||
        dg_table_add_column(t, "mean_monetary", DG_CELL_MONEY, fr->minor_digits) ||
        dg_rfm_add_notes(rfm, t)) {
        rc = nomem(err);
        goto cleanup;
    }
    for (size_t row = 0; row < rows; row++) {
        bool buyers = row < n_seg || !map;
        if (dg_table_add_row(t) ||
            dg_table_set_text(t, 0, row < n_seg ? map->names[row]
                                    : map ? "(no orders)" : "(all)")) {
            rc = nomem(err);
            goto cleanup;
        }
        dg_table_set_int(t, 1, (int64_t)count[row]);
        dg_table_set_real(t, 2, rfm->n_known ? (double)count[row] / (double)rfm->n_known : 0.0);
        dg_table_set_int(t, 3, revenue[row]);
        dg_table_set_real(t, 4, total_revenue ? (double)revenue[row] / (double)total_revenue
                                              : 0.0);
        size_t buyers_n = buyers ? count[row] : 0;
        if (!map) {
            buyers_n = rfm->n_scored;
        }
        if (buyers_n > 0) {
            dg_table_set_real(t, 5, sum_r[row] / (double)buyers_n);
            dg_table_set_real(t, 6, sum_f[row] / (double)buyers_n);
            dg_table_set_int(t, 7, (int64_t)(sum_m[row] / (double)buyers_n));
        }
    }
    *out = t;
    t = NULL;
cleanup:
    free(count);
    free(revenue);
    free(sum_r);
    free(sum_f);
    free(sum_m);
    dg_table_free(t);
    return rc;
}

int dg_rfm_bin_table(dg_table **out, const dg_rfm_result *rfm, int minor_digits, dg_error *err)
{
    static const char *const measure[3] = { "R (recency days)", "F (orders)", "M (spend)" };
    dg_table *t = dg_table_new("RFM score bins");
    (void)minor_digits;
    *out = NULL;
    if (!t || dg_table_add_column(t, "measure", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "score", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "share", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "min", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "max", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "note", DG_CELL_TEXT, 0) || dg_rfm_add_notes(rfm, t))
        goto fail;
    for (int k = 0; k < 3; k++)
        for (int s = 0; s < DG_RFM_BINS; s++) {
            const dg_rfm_bin *b = &rfm->bins[k][s];
            if (dg_table_add_row(t) || dg_table_set_text(t, 0, measure[k]))
                goto fail;
            dg_table_set_int(t, 1, s + 1);
            dg_table_set_int(t, 2, (int64_t)b->count);
            dg_table_set_real(t, 3, rfm->n_scored ? (double)b->count / (double)rfm->n_scored : 0);
            if (b->count > 0) {
                dg_table_set_int(t, 4, b->min);
                dg_table_set_int(t, 5, b->max);
            } else if (rfm->n_scored > 0 &&
                       dg_table_set_text(t, 6, "empty: a tie group spans this quintile")) {
                goto fail;
            }
        }
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}

int dg_rfm_customer_table(dg_table **out, const dg_frame *fr,
                          const dg_rfm_result *rfm, const dg_rfm_segment_map *map, dg_error *err)
{
    dg_table *t = dg_table_new("RFM per customer");
    *out = NULL;
    if (!t || dg_table_add_column(t, "customer_id", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "recency_days", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "frequency", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "monetary", DG_CELL_MONEY, fr->minor_digits) ||
        dg_table_add_column(t, "r", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "f", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "m", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "rfm", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "segment", DG_CELL_TEXT, 0) || dg_rfm_add_notes(rfm, t))
        goto fail;
    for (size_t c = 0; c < rfm->n_customers; c++) {
        if (rfm->frequency[c] < 0)
            continue;
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, fr->customer_id[c]))
            goto fail;
        dg_table_set_int(t, 2, rfm->frequency[c]);
        if (rfm->frequency[c] == 0) {   /* unscored: the segment table's "(no orders)" row */
            if (map && dg_table_set_text(t, 8, "(no orders)"))
                goto fail;
            continue;
        }
        char code[4] = { (char)('0' + rfm->r[c]), (char)('0' + rfm->f[c]),
                         (char)('0' + rfm->m[c]), '\0' };
        dg_table_set_int(t, 1, rfm->recency_days[c]);
        dg_table_set_int(t, 3, rfm->monetary_minor[c]);
        dg_table_set_int(t, 4, rfm->r[c]);
        dg_table_set_int(t, 5, rfm->f[c]);
        dg_table_set_int(t, 6, rfm->m[c]);
        if (dg_table_set_text(t, 7, code) ||
            (map && rfm->segment[c] != DG_RFM_NO_SEGMENT &&
             dg_table_set_text(t, 8, map->names[rfm->segment[c]])))
            goto fail;
    }
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}
