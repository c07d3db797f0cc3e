/* Customer value scores and their reliability (include/dangol/cvalue.h): component scores per
 * response as the mean of the answered items (reverse-coded items turned around), value as the
 * weighted benefits less the weighted costs, and Cronbach's alpha per component. One pass over
 * the answers per quantity; linear in responses x items. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cvalue.h"

void dg_cvalue_answers_clear(dg_cvalue_answers *a)
{
    if (!a)
        return;
    for (size_t r = 0; r < a->n; r++) {
        if (a->response_id)
            free(a->response_id[r]);
        if (a->customer_id)
            free(a->customer_id[r]);
    }
    free(a->answers);
    free(a->response_id);
    free(a->customer_id);
    free(a->day);
    memset(a, 0, sizeof *a);
}

/* The answer as the component counts it: reverse-coded items as min + max - answer. */
static double counted(const dg_cvalue_item *it, int16_t answer)
{
    return it->reverse ? (double)(it->min + it->max - answer) : (double)answer;
}

void dg_cvalue_scores(const dg_cvalue_survey *s, const dg_cvalue_answers *a, double *score,
                      bool *has, double *value, bool *value_ok)
{
    double wb = 0, wc = 0;
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
        *(k < DG_CVALUE_BENEFITS ? &wb : &wc) += s->weight[k];
    for (size_t r = 0; r < a->n; r++) {
        const int16_t *row = a->answers + r * a->n_items;
        double sum[DG_CVALUE_COMPONENTS] = { 0 };
        int count[DG_CVALUE_COMPONENTS] = { 0 };
        for (size_t i = 0; i < s->n_items && i < a->n_items; i++) {
            const dg_cvalue_item *it = &s->items[i];
            if (it->component == DG_CVALUE_OUTCOME || row[i] == DG_CVALUE_NA)
                continue;
            sum[it->component] += counted(it, row[i]);
            count[it->component]++;
        }
        double b = 0, c = 0, bw = 0, cw = 0;
        for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++) {
            bool ok = count[k] > 0;
            double v = ok ? sum[k] / count[k] : 0;
            score[r * DG_CVALUE_COMPONENTS + k] = v;
            has[r * DG_CVALUE_COMPONENTS + k] = ok;
            if (!ok)
                continue;
            if (k < DG_CVALUE_BENEFITS) {
                b += s->weight[k] * v;
                bw += s->weight[k];
            } else {
                c += s->weight[k] * v;
                cw += s->weight[k];
            }
        }
        /* weights renormalised over the components answered (wb, wc when all were) */
        value_ok[r] = bw > 0 && cw > 0;
        value[r] = value_ok[r] ? b / bw - c / cw : 0;
    }
    (void)wb;
    (void)wc;
}

void dg_cvalue_reliability(const dg_cvalue_survey *s, const dg_cvalue_answers *a,
                           dg_cvalue_alpha out[DG_CVALUE_COMPONENTS])
{
    for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++) {
        dg_cvalue_alpha *al = &out[k];
        memset(al, 0, sizeof *al);
        size_t idx[DG_CVALUE_MAX_ITEMS], m = 0;
        for (size_t i = 0; i < s->n_items && i < a->n_items; i++)
            if (s->items[i].component == (dg_cvalue_component)k)
                idx[m++] = i;
        al->items = m;
        if (m < 2) {
            al->reason = "one item: alpha needs two or more";
            continue;
        }
        /* Welford's running means and sums of squares per item and for the total */
        double mean[DG_CVALUE_MAX_ITEMS] = { 0 }, m2[DG_CVALUE_MAX_ITEMS] = { 0 };
        double tmean = 0, tm2 = 0;
        size_t n = 0;
        for (size_t r = 0; r < a->n; r++) {
            const int16_t *row = a->answers + r * a->n_items;
            size_t j = 0;
            while (j < m && row[idx[j]] != DG_CVALUE_NA)
                j++;
            if (j < m)
                continue;
            n++;
            double total = 0;
            for (j = 0; j < m; j++) {
                double x = counted(&s->items[idx[j]], row[idx[j]]);
                double d = x - mean[j];
                mean[j] += d / (double)n;
                m2[j] += d * (x - mean[j]);
                total += x;
            }
            double d = total - tmean;
            tmean += d / (double)n;
            tm2 += d * (total - tmean);
        }
        al->n = n;
        if (n < 2) {
            al->reason = "fewer than 2 responses answered every item";
            continue;
        }
        double item_var = 0;
        for (size_t j = 0; j < m; j++)
            item_var += m2[j] / (double)(n - 1);
        double total_var = tm2 / (double)(n - 1);
        if (!(total_var > 1e-12)) {
            al->reason = "every response has the same total: alpha is undefined";
            continue;
        }
        /* Cronbach (1951), eq. 2: alpha = k/(k-1) (1 - sum sigma_i^2 / sigma_X^2) */
        al->alpha = (double)m / (double)(m - 1) * (1.0 - item_var / total_var);
        al->ok = isfinite(al->alpha);
        if (!al->ok)
            al->reason = "alpha is undefined";
    }
}
