/* "Buy till you die" models of repeat buying: maximum-likelihood fits and per-customer
 * predictions on summary arrays (frequency x, recency t_x, age T). The Gamma-Gamma spend model
 * that goes with them is dangol/gamma_gamma.h (included here), the options and limits both
 * fits share dangol/fit.h.
 *   BG/NBD      Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Mkt Sci 24(2)
 *   MBG/NBD     Batislam, Denizel & Filiztekin (2007), IJRM 24(3)
 *   Pareto/NBD  Schmittlein, Morrison & Colombo (1987), Mgmt Sci 33(1); likelihood as in Fader &
 *               Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions"
 *   BG/BB       Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time
 *               Noncontractual Setting", Mkt Sci 29(6) (T = number of opportunities n)
 * Everything is computed in log space: any valid input (x = 0, t_x = T, huge x or T) gives a
 * finite answer. Pure functions: no I/O, no globals. Formulas and references: docs/clv.md. */
#ifndef DANGOL_BTYD_H
#define DANGOL_BTYD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/fit.h"
#include "dangol/gamma_gamma.h"

DG_API_BEGIN

typedef enum dg_btyd_model {
    DG_BTYD_BGNBD = 0,
    DG_BTYD_MBGNBD = 1,
    DG_BTYD_PARETONBD = 2,
    DG_BTYD_BGBB = 3,
} dg_btyd_model;

/* "bgnbd", "mbgnbd", "paretonbd", "bgbb" <-> model; parse returns DG_EINVAL for an
 * unknown name. */
int dg_btyd_model_parse(const char *name, dg_btyd_model *model);
/* The model's name (a static string; "?" for a value that is no model). */
const char *dg_btyd_model_name(dg_btyd_model model);
/* Names of the four parameters, e.g. {"r", "alpha", "a", "b"}. */
const char *const *dg_btyd_param_names(dg_btyd_model model);

/* One customer per index: x = repeat transactions, t_x = time of the last one since the first
 * purchase (0 if x = 0), T = time from the first purchase to the end of calibration. For BG/BB,
 * x, t_x and T are counts of opportunities (integers, 0 <= x <= t_x <= T). weight may be NULL
 * (every customer counts once) or give a count per row (for pre-aggregated data, e.g. the
 * donations data of FHS 2010: one row per (x, t_x, n) pattern with its number of donors); the
 * likelihood is then sum_i weight_i log L_i. id may be NULL or name each row in error messages
 * (the customer's id; without it, "row N"). Borrowed. */
typedef struct dg_btyd_data {
    size_t n_customers;
    const double *frequency;
    const double *recency;
    const double *age;
    const double *weight;
    const char *const *id;
} dg_btyd_data;

/* BG/BB's likelihood, P(alive) and expectations sum over every opportunity after the last
 * transaction, so a fit costs customers x opportunities per evaluation: it takes at most this many
 * per customer (38 years of weeks, 5 of days), whatever the span of the dates. */
#define DG_BGBB_MAX_OPPORTUNITIES 2000

/* Checks 0 <= x, 0 <= t_x <= T, finite values, x = 0 => t_x = 0 (not for BG/BB, where t_x is the
 * last opportunity with a transaction), integers and T <= DG_BGBB_MAX_OPPORTUNITIES for BG/BB,
 * finite weights >= 0. Names the first bad row by its id. */
int dg_btyd_data_check(const dg_btyd_data *data, dg_btyd_model model, dg_error *err);

/* Model parameters. BG/NBD, MBG/NBD: {r, alpha, a, b}. Pareto/NBD: {r, alpha, s, beta}.
 * BG/BB: {alpha, beta, gamma, delta}. */
typedef struct dg_btyd_params {
    dg_btyd_model model;
    double p[4];
} dg_btyd_params;

typedef struct dg_btyd_fit {
    dg_btyd_params params;
    double se[4];          /* standard errors from the inverse observed information */
    bool se_ok;            /* false when the Hessian was not negative definite (se are 0) */
    double loglik;
    bool converged;        /* the optimiser stopped on a tolerance, not a limit */
    int n_evaluations;     /* likelihood evaluations over the whole data: all starts, the
                            * polish, the standard errors */
    int n_pilot_evaluations;   /* those over the pilot sample (0 without one) */
    size_t n_customers;
    size_t n_patterns;     /* distinct (x, t_x, T) rows the likelihood actually ran over */
    int n_limits;          /* mixing distributions at their limit (their parameters' se are
                            * NAN; converged is then set: the limiting model is the fit) */
    dg_fit_limit limits[2];
} dg_btyd_fit;

/* Maximum likelihood (nlopt's L-BFGS with every model's analytic gradient, then Newton steps;
 * docs/clv.md, "Fitting") on log-parameters from several starts. opt may be NULL. */
int dg_btyd_fit_data(const dg_btyd_data *data, dg_btyd_model model, const dg_fit_options *opt,
                     dg_btyd_fit *fit, dg_error *err);

/* Total and per-customer log-likelihood. */
double dg_btyd_loglik(const dg_btyd_params *params, const dg_btyd_data *data);
/* The log-likelihood of one history (x, t_x, T); the sum of these over data is dg_btyd_loglik. */
double dg_btyd_loglik_one(const dg_btyd_params *params, double x, double t_x, double T);

/* Probability that a customer with history (x, t_x, T) is still alive at T. */
double dg_btyd_p_alive(const dg_btyd_params *params, double x, double t_x, double T);
/* Expected number of transactions in (T, T + t] given the history (for BG/BB: in the next t
 * opportunities). */
double dg_btyd_expected(const dg_btyd_params *params, double x, double t_x, double T, double t);
/* Pareto/NBD only: discounted expected residual transactions (DERT) with a continuously
 * compounded discount rate delta > 0 per time unit (for a rate d per unit, delta = log(1 + d)).
 * DG_EUNSUPPORTED for the other models, DG_EINVAL for delta <= 0. */
int dg_btyd_dert(const dg_btyd_params *params, double x, double t_x, double T, double delta,
                 double *dert);
/* Expected number of repeat transactions in (0, t] for a customer just acquired: E[X(t)]. */
double dg_btyd_expected_new(const dg_btyd_params *params, double t);
/* Discounted expected transactions over the next `horizon` units, unit by unit:
 *   sum_{k=1..ceil(H)} [E(Y(t_k)) - E(Y(t_{k-1}))] / (1 + d)^t_k,   t_k = min(k, H), t_0 = 0
 * (a fractional last unit counts with its fraction) with d = discount_rate per unit; d = 0 gives
 * E(Y(H)). 0 when horizon <= 0 or is not finite. */
double dg_btyd_discounted_expected(const dg_btyd_params *params, double x, double t_x, double T,
                                   double horizon, double discount_rate);

/* Where dg_btyd_predict writes: arrays of data->n_customers, caller-owned; a NULL array is not
 * computed. */
typedef struct dg_btyd_predictions {
    double *p_alive;       /* dg_btyd_p_alive */
    double *expected;      /* dg_btyd_expected at t = horizon */
    double *discounted;    /* dg_btyd_discounted_expected */
    double *dert;          /* Pareto/NBD with discount_rate > 0 only: dg_btyd_dert at
                            * delta = log(1 + discount_rate) */
} dg_btyd_predictions;

/* The per-customer predictions of every customer of data (weight and id unused) in one pass, the
 * same values as the one-customer functions above (to rounding) at a fraction of their cost: the
 * work that depends on the horizon is done once per distinct (x, T), P(alive) once per distinct
 * (x, t_x, T), on `threads` threads (0: the online cores); the results are the same to the last
 * bit for any number of threads. DG_EINVAL for a horizon or rate that is negative or not finite,
 * or dert without Pareto/NBD and a rate > 0; DG_ENOMEM. */
int dg_btyd_predict(const dg_btyd_predictions *out, const dg_btyd_params *params,
                    const dg_btyd_data *data, double horizon, double discount_rate, int threads,
                    dg_error *err);

/* Simulated histories from the model's generative story with known parameters (tests,
 * benchmarks, demo data): T uniform in [T_min, T_max] (whole numbers for BG/BB); with spend, each
 * repeat transaction's value is drawn from Gamma-Gamma and monetary[i] is their mean (0 if x = 0).
 * monetary may be NULL. Arrays of n, caller-owned. The same seed gives the same data. */
int dg_btyd_simulate(const dg_btyd_params *params, const dg_gg_params *spend, size_t n,
                     double T_min, double T_max, uint64_t seed, double *frequency,
                     double *recency, double *T, double *monetary, dg_error *err);

DG_API_END

#endif
