/* The Gamma-Gamma model of spend per transaction, which goes with the repeat-buying models of
 * dangol/btyd.h: a maximum-likelihood fit on (frequency, mean value) arrays and the conditional
 * expected value of a customer's transaction.
 *   Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves", JMR 42(4)
 * Computed in log space; pure functions: no I/O, no globals. Formulas: docs/clv.md. */
#ifndef DANGOL_GAMMA_GAMMA_H
#define DANGOL_GAMMA_GAMMA_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/fit.h"

DG_API_BEGIN

typedef struct dg_gg_params {
    double p, q, gamma;
} dg_gg_params;

typedef struct dg_gg_fit {
    dg_gg_params params;
    double se[3];
    bool se_ok;
    double loglik;
    bool converged;
    int n_evaluations, n_pilot_evaluations;   /* as in dg_btyd_fit (btyd.h) */
    size_t n_customers;    /* customers used: x > 0 and mean value > 0 (weights summed) */
    size_t n_no_repeat;    /* left out: no repeat transaction (x = 0), nothing to model */
    size_t n_not_positive; /* left out: x > 0 but mean repeat value <= 0 (refunds); the model's
                            * transaction values are Gamma, so positive */
    int n_limits;          /* 1 when q and gamma are at their limit: nu = q/gamma common to
                            * every customer (as in dg_btyd_fit, dangol/btyd.h) */
    dg_fit_limit limits[1];
} dg_gg_fit;

/* The Gamma-Gamma data: per row x = frequency[i] and m = mean_value[i], the mean value of the x
 * repeat transactions; weight and id as in dg_btyd_data. Borrowed. */
typedef struct dg_gg_data {
    size_t n_customers;
    const double *frequency;
    const double *mean_value;
    const double *weight;
    const char *const *id;
} dg_gg_data;

/* Fits p, q, gamma on the customers the model's assumptions allow: x > 0 and m > 0. The others
 * are left out and counted in fit (n_no_repeat, n_not_positive); a negative mean (refunds) is
 * valid data, not an error. Errors (non-finite or negative x, non-finite m, fewer than 3
 * customers to fit) name the customer's id. */
int dg_gg_fit_data(const dg_gg_data *data, const dg_fit_options *opt, dg_gg_fit *fit,
                   dg_error *err);
/* The log-likelihood of one customer's x repeat transactions of mean value mean_value (x > 0,
 * mean_value > 0). */
double dg_gg_loglik_one(const dg_gg_params *params, double x, double mean_value);
/* E(M | p, q, gamma, m, x): the conditional expected value of a transaction; for x = 0 the
 * population mean p * gamma / (q - 1) (q > 1 required for a finite mean; else 0); NAN for x > 0
 * and m <= 0, outside the model (no prediction). */
double dg_gg_expected_spend(const dg_gg_params *params, double x, double mean_value);

DG_API_END

#endif
