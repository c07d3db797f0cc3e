/* A fit and the predictions that follow it over one grouping of the customers (dg_clv_run): the
 * fit's compression of the customers to distinct (x, t_x, T) histories is kept, with each
 * customer's history, and the predictions start from it instead of grouping the customers
 * again. The results are those of dg_btyd_fit_data and dg_btyd_predict, to the bit. */
#ifndef DANGOL_BTYD_GROUPED_H
#define DANGOL_BTYD_GROUPED_H

#include "dangol/btyd.h"

typedef struct dg__btyd_grouping dg__btyd_grouping;

/* dg_btyd_fit_data, and the grouping of data's customers in *grouping (caller frees with
 * dg__btyd_grouping_free; NULL on failure). */
int dg__btyd_fit_grouped(const dg_btyd_data *data, dg_btyd_model model, const dg_fit_options *opt,
                         dg_btyd_fit *fit, dg__btyd_grouping **grouping, dg_error *err);
/* dg_btyd_predict on the data the grouping was made of (grouping may be NULL: then it groups). */
int dg__btyd_predict_grouped(const dg_btyd_predictions *out, const dg_btyd_params *params,
                             const dg_btyd_data *data, const dg__btyd_grouping *grouping,
                             double horizon, double discount_rate, int threads, dg_error *err);
void dg__btyd_grouping_free(dg__btyd_grouping *grouping);

#endif
