/* What the maximum-likelihood fits of the CLV models share (dg_btyd_fit_data in dangol/btyd.h,
 * dg_gg_fit_data in dangol/gamma_gamma.h): the options of the search and the report of a mixing
 * distribution fitted at its limit. Plain data, no functions. */
#ifndef DANGOL_FIT_H
#define DANGOL_FIT_H

#include <stdbool.h>

#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_fit_options {
    int n_starts;          /* starting points tried (default 3, at most 6) */
    int max_evaluations;   /* per start (default 2000) */
    double xtol_rel;       /* relative tolerance on log-parameters (default 1e-10) */
    int threads;           /* threads for the likelihood's sums (default 0: the online cores);
                            * the estimates are the same to the last bit for any number */
    bool no_pilot;         /* search the whole data from every start even when it is large;
                            * by default large data is searched on a pilot sample and the whole
                            * data only polishes (docs/clv.md, "Fitting"): the same estimates
                            * to 1e-8, several times faster */
} dg_fit_options;

/* A mixing distribution whose two parameters both ran out along the likelihood's ridge towards
 * the optimiser's bound (docs/clv.md, "Fits at a limit"): its heterogeneity is too small to
 * see, and the fit is the limiting model in which `value` (a rate: shape/scale, or a
 * probability: a/(a+b)) is common to every customer. */
typedef struct dg_fit_limit {
    int first, second;     /* the pair's indexes among the model's parameters */
    const char *name;      /* what value is, e.g. "lambda = r/alpha" (static) */
    double value;
} dg_fit_limit;

DG_API_END

#endif
