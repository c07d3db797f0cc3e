/* The R × F grid of RFM: how many scored customers hold each (recency score, frequency score)
 * pair, with their revenue — the heatmap of the dashboard's RFM page and `dangol rfm --grid`. */
#include <stdio.h>

#include "dangol/money.h"
#include "dangol/rfm.h"

int dg_rfm_grid_table(dg_table **out, const dg_rfm_result *rfm, int minor_digits, dg_error *err)
{
    dg_table *t = NULL;
    int64_t count[DG_RFM_BINS][DG_RFM_BINS] = { { 0 } };
    int64_t revenue[DG_RFM_BINS][DG_RFM_BINS] = { { 0 } };
    *out = NULL;
    for (size_t c = 0; c < rfm->n_customers; c++) {
        if (rfm->r[c] == 0 || rfm->f[c] == 0)
            continue;   /* no orders: not scored */
        count[rfm->r[c] - 1][rfm->f[c] - 1]++;
        int64_t *cell = &revenue[rfm->r[c] - 1][rfm->f[c] - 1];
        if (dg_money_add(cell, rfm->revenue_minor[c]) != 0)
            return dg_error_set(err, DG_ERANGE, "the revenue of RFM cell R %u F %u overflows the "
                                "money range (" DG_MONEY_SUM_RANGE_TEXT ")", rfm->r[c],
                                rfm->f[c]);
    }
    t = dg_table_new("RFM grid: customers by recency (R) and frequency (F) score");
    if (!t || dg_table_add_column(t, "r", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "f", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "revenue", DG_CELL_MONEY, minor_digits) ||
        dg_rfm_add_notes(rfm, t))
        goto oom;
    for (int r = DG_RFM_BINS; r >= 1; r--)
        for (int f = 1; f <= DG_RFM_BINS; f++) {
            if (dg_table_add_row(t))
                goto oom;
            dg_table_set_int(t, 0, r);
            dg_table_set_int(t, 1, f);
            dg_table_set_int(t, 2, count[r - 1][f - 1]);
            dg_table_set_int(t, 3, revenue[r - 1][f - 1]);
        }
    *out = t;
    return 0;
oom:
    dg_table_free(t);
    return dg_error_set(err, DG_ENOMEM, "out of memory");
}
