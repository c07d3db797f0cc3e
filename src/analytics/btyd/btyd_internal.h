/* Private to the BTYD module: special functions in log space (digamma, log-beta, log-sum-exp,
 * the Gauss hypergeometric 2F1), the compressed data layout every likelihood runs on, and the
 * multi-start nlopt driver with Hessian standard errors. */
#ifndef DANGOL_BTYD_INTERNAL_H
#define DANGOL_BTYD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/lgamma.h"
#include "core/parallel.h"
#include "dangol/btyd.h"

/* ---- special functions (special.c) ---- */
double dg__digamma(double x);
/* psi'(x) for x > 0 (NAN otherwise): the second derivatives of the log-gamma terms. */
double dg__trigamma(double x);
double dg__lbeta(double a, double b);
/* log(exp(u) + exp(v)) without overflow; -inf arguments allowed. */
double dg__logaddexp(double u, double v);
/* log(exp(u) - exp(v)) for u >= v; -inf when equal. */
double dg__logsubexp(double u, double v);
/* log(1 - exp(u)) for u <= 0. */
double dg__log1mexp(double u);
/* log|2F1(a,b;c;z)| for real a, b, c (c not a non-positive integer) and z < 1; *sign gets the
 * sign of the value (0 when it is 0). Returns NAN only if the series cannot be summed. */
double dg__hyp2f1_log(double a, double b, double c, double z, int *sign);
/* log of the upper incomplete gamma function Gamma(a, z) for real a and z > 0. */
double dg__upper_gamma_log(double a, double z);

/* "customer \"ID\"" when id names the rows, else "row N" (1-based), in buf (of DG__ROW_NAME_MAX
 * bytes, for error messages). */
#define DG__ROW_NAME_MAX 160
const char *dg__btyd_row_name(const char *const *id, size_t row, char *buf);

/* ---- compressed data (pack.c): distinct (x, t_x, T) patterns with weights, and for each
 * pattern the index of its x, t_x and T in tables of distinct values, so that per-evaluation
 * work on lgamma/digamma/log is done once per distinct value. ---- */
typedef struct dg__btyd_pack {
    size_t n;                      /* distinct patterns */
    double *x, *t_x, *T, *w;       /* per pattern; w = number of customers (or summed weight) */
    uint32_t *ix, *it, *iT;        /* per pattern: index into ux, ut, uT */
    size_t nx, nt, nT;
    double *ux, *ut, *uT;          /* distinct values */
    double total_weight, mean_T, mean_x;
    int threads;                   /* for the likelihood's sums (dg__parallel_sum) */
    int shared;                    /* a thinned copy: ux, ut, uT belong to the full pack */
    /* Pareto/NBD's and BG/BB's (x, time) pairs (dg__btyd_pack_pairs; NULL until then): the
     * distinct (x, t_x) and (x, T), and for each pattern the index of its two among them. */
    size_t nk;
    double *kx, *kt;
    uint32_t *ikt, *ikT;
    double k_terms;   /* series terms and quadrature nodes of the last evaluation's K (tests) */
    /* per customer of the data: its pattern (dg__btyd_pack_build_indexed; else NULL), and
     * whether every customer has one (none of weight 0) */
    uint32_t *customer_pattern;
    int every_customer;
} dg__btyd_pack;

int dg__btyd_pack_build(dg__btyd_pack *pack, const dg_btyd_data *data, dg_error *err);
/* The same, with each customer's pattern in customer_pattern when index_customers: what
 * predictions reuse instead of grouping the customers again (btyd_grouped.h). */
int dg__btyd_pack_build_indexed(dg__btyd_pack *pack, const dg_btyd_data *data,
                                int index_customers, dg_error *err);
/* The compressed data a grouping holds (btyd_grouped.h), or NULL for NULL. */
struct dg__btyd_grouping;
const dg__btyd_pack *dg__btyd_grouping_pack(const struct dg__btyd_grouping *grouping);
/* Fills pack's (x, time) pairs (nk, kx, kt, ikt, ikT): the values Pareto/NBD's 2F1 terms and
 * BG/BB's log-betas depend on. DG_ENOMEM or 0. */
int dg__btyd_pack_pairs(dg__btyd_pack *pack);
void dg__btyd_pack_free(dg__btyd_pack *pack);
/* A random thinning of the customers of full, about `fraction` of them, decided by the contents
 * of each pattern (so the same data in any order thins the same way): sub shares full's tables
 * of distinct values and must be freed before it. DG_ENOMEM or 0. */
int dg__btyd_pack_thin(const dg__btyd_pack *full, double fraction, dg__btyd_pack *sub);
/* floor(w * fraction + u) with u uniform on [0, 1) from key: the thinned weight of a row of w
 * customers (its expectation is w * fraction). */
double dg__thin_weight(double w, double fraction, uint64_t key);
/* A hash of the bit patterns of three doubles (0.0 and -0.0 alike). */
uint64_t dg__hash3(double a, double b, double c);
/* Distinct values of v[0..n) in order of first appearance (caller frees); idx[i] gets the index
 * of v[i] among them. NULL when out of memory. */
double *dg__distinct(const double *v, size_t n, uint32_t *idx, size_t *n_out);

/* ---- Gamma-Gamma data (gammagamma.c): the customers with x > 0 and m > 0, same (x, m) pairs
 * merged into one weighted row, and the index of each row's x among the distinct x. ---- */
typedef struct dg__gg_pack {
    size_t n, nx;                  /* distinct (x, m) pairs; distinct x */
    double *x, *m, *w, *logm, *logx, *ux;
    uint32_t *ix;
    size_t n_customers;            /* customers used */
    double mean_m;                 /* their mean m */
    int threads;                   /* for the likelihood's sums */
    int shared;                    /* a thinned copy: ux belongs to the full pack */
} dg__gg_pack;

/* Also counts the rows left out (n_no_repeat, n_not_positive, weights summed). */
int dg__gg_pack_build(dg__gg_pack *pack, const dg_gg_data *data, size_t *n_no_repeat,
                      size_t *n_not_positive, dg_error *err);
void dg__gg_pack_free(dg__gg_pack *pack);
/* Log-likelihood at {p, q, gamma}, with its gradient when grad is not NULL; with the Hessian
 * too (dg__hessian_fn). */
double dg__gg_loglik_pack(const double *p, double *grad, void *pack);
double dg__gg_hessian_pack(const double *p, double *grad, double hess[4][4], void *pack);

/* ---- optimiser (optim.c) ---- */
/* A mixing distribution's parameters: a gamma's shape and scale (the limit keeps their ratio,
 * the rate, or its inverse, a scale of money) or a beta's two shapes (the limit keeps a/(a+b)). */
typedef enum { DG__MIX_GAMMA, DG__MIX_GAMMA_SCALE, DG__MIX_BETA } dg__mixing_kind;
typedef struct dg__mixing_pair {
    int first, second;
    dg__mixing_kind kind;          /* value: first/second, second/first, first/(first+second) */
    const char *name;
} dg__mixing_pair;
/* Returns the log-likelihood at natural parameters p (length k); fills grad (d LL / d p) when
 * grad is not NULL (every model has its analytic gradient). */
typedef double (*dg__loglik_fn)(const double *p, double *grad, void *ctx);
/* The same with the Hessian d2 LL / dp2 in hess, in one pass (grad and hess not NULL). */
typedef double (*dg__hessian_fn)(const double *p, double *grad, double hess[4][4], void *ctx);

typedef struct dg__mle_problem {
    int k;                         /* number of parameters (all > 0, optimised on log scale) */
    dg__loglik_fn loglik;
    void *ctx;
    int n_starts;
    const double (*starts)[4];     /* n_starts starting points, natural scale */
    /* A pilot: the same model on a thinning of the data (or NULL). It is fitted from every
     * start; its optimum, with its information times pilot_scale (full weight / pilot weight),
     * starts the Newton steps on the full data, which then costs a few passes. Should those
     * steps not settle, the full data is fitted from every start as without a pilot (from
     * the pilot's optimum alone when that heads to a limit: limit_pairs). */
    const struct dg__mle_problem *pilot;
    double pilot_scale;
    int skip_se;                   /* no standard errors (a pilot needs none) */
    dg__hessian_fn hessian;        /* the model's analytic Hessian, or NULL (differences of the
                                    * gradient) */
    /* The model's mixing distributions (limits.c), for dg__heading_to_limit. */
    const dg__mixing_pair *limit_pairs;
    int n_limit_pairs;
} dg__mle_problem;

typedef struct dg__mle_result {
    double p[4], se[4], loglik;
    int converged, n_evaluations, status;
    int n_pilot_evaluations;       /* on the pilot's data, not counted in n_evaluations */
    int se_ok;
    double info_theta[4][4];       /* observed information in log-parameters near the optimum */
    int info_ok;                   /* info_theta is positive definite */
} dg__mle_result;

int dg__mle_fit(const dg__mle_problem *prob, const dg_fit_options *opt, dg__mle_result *res,
                dg_error *err);
/* The share of the customers a pilot fit should see (dg__mle_problem.pilot), or 0 when the data
 * (total_weight customers in n_rows rows) is small enough to fit whole from every start. */
double dg__pilot_fraction(double total_weight, size_t n_rows);

/* ---- fits at a limit (limits.c) ---- */
/* When res's estimate ran out towards the bound, fills limits with the pairs that are at their
 * limit (both parameters large), sets their standard errors to NAN and res->converged (the
 * limiting model is the fit); returns how many. */
int dg__mixing_limits(dg__mle_result *res, const dg__mixing_pair *pairs, int n_pairs,
                      dg_fit_limit *limits);
/* Whether one of the pairs has both parameters at p large enough to be at its limit: a fit there
 * is on its way along that pair's ridge (dg__mixing_limits reports it once it has run out). */
int dg__heading_to_limit(const double *p, const dg__mixing_pair *pairs, int n_pairs);

/* ---- per-model likelihoods (bgnbd.c, paretonbd.c, bgbb.c) ---- */
/* loglik(p, grad, pack) for a pack packed without its (x, time) pairs: on a shallow copy given
 * them for the call (the tests' packs; a fit gives its packs their pairs once). NAN when out of
 * memory. */
double dg__btyd_pack_with_pairs(dg__btyd_pack *pack, dg__loglik_fn loglik, const double *p,
                                double *grad);
double dg__bgnbd_loglik_pack(const double *p, double *grad, void *pack);
double dg__mbgnbd_loglik_pack(const double *p, double *grad, void *pack);
double dg__paretonbd_loglik_pack(const double *p, double *grad, void *pack);
double dg__bgbb_loglik_pack(const double *p, double *grad, void *pack);
/* BG/NBD's and MBG/NBD's with the Hessian (dg__hessian_fn): FHL (2005) eq. (6) differentiated
 * twice. */
double dg__bgnbd_hessian_pack(const double *p, double *grad, double hess[4][4], void *pack);
double dg__mbgnbd_hessian_pack(const double *p, double *grad, double hess[4][4], void *pack);

double dg__bgnbd_loglik_one(const double *p, double x, double t_x, double T, int modified);
double dg__paretonbd_loglik_one(const double *p, double x, double t_x, double T);
double dg__bgbb_loglik_one(const double *p, double x, double t_x, double n);

double dg__bgnbd_p_alive(const double *p, double x, double t_x, double T, int modified);
double dg__bgnbd_expected(const double *p, double x, double t_x, double T, double t, int modified);
double dg__paretonbd_p_alive(const double *p, double x, double t_x, double T);
double dg__paretonbd_expected(const double *p, double x, double t_x, double T, double t);
double dg__paretonbd_dert(const double *p, double x, double t_x, double T, double delta);
double dg__bgbb_p_alive(const double *p, double x, double t_x, double n);
double dg__bgbb_expected(const double *p, double x, double t_x, double n, double n_star);
/* The same expectations for a customer known to be alive at T (at n+1 for BG/BB): they do not
 * depend on t_x, and E = expected_alive * P(alive) (for BG/BB with p_alive_raw, P(alive) before
 * it is capped at 1). Predictions share them between the customers with the same (x, T). */
double dg__bgnbd_expected_alive(const double *p, double x, double T, double t, int modified);
double dg__paretonbd_expected_alive(const double *p, double x, double T, double t);
double dg__bgbb_expected_alive(const double *p, double x, double n, double n_star);
double dg__bgbb_p_alive_raw(const double *p, double x, double t_x, double n);

#endif
