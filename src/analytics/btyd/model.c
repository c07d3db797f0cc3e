/* The BTYD family behind one interface: model names, input checks, the multi-start maximum-
 * likelihood fit on compressed data, and per-customer predictions dispatched to each model. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/btyd/btyd_grouped.h"
#include "analytics/btyd/btyd_internal.h"

static const char *const model_names[] = {"bgnbd", "mbgnbd", "paretonbd", "bgbb"};
static const char *const param_names[4][4] = {
    {"r", "alpha", "a", "b"},
    {"r", "alpha", "a", "b"},
    {"r", "alpha", "s", "beta"},
    {"alpha", "beta", "gamma", "delta"},
};

int dg_btyd_model_parse(const char *name, dg_btyd_model *model)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, model_names[i]) == 0) {
            *model = (dg_btyd_model)i;
            return 0;
        }
    return DG_EINVAL;
}

const char *dg_btyd_model_name(dg_btyd_model model)
{
    return (unsigned)model < 4 ? model_names[model] : "?";
}

const char *const *dg_btyd_param_names(dg_btyd_model model)
{
    return param_names[(unsigned)model < 4 ? model : 0];
}

const char *dg__btyd_row_name(const char *const *id, size_t row, char *buf)
{
    if (id && id[row])
        snprintf(buf, DG__ROW_NAME_MAX, "customer \"%s\"", id[row]);
    else
        snprintf(buf, DG__ROW_NAME_MAX, "row %zu", row + 1);
    return buf;
}

#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)   /* a macro's value as a string literal */

int dg_btyd_data_check(const dg_btyd_data *data, dg_btyd_model model, dg_error *err)
{
    for (size_t i = 0; i < data->n_customers; i++) {
        double x = data->frequency[i], t = data->recency[i], T = data->age[i];
        double w = data->weight ? data->weight[i] : 1.0;
        const char *why = NULL;
        if (!isfinite(x) || !isfinite(t) || !isfinite(T) || !isfinite(w))
            why = "values must be finite numbers";
        else if (x < 0 || t < 0 || T < 0 || w < 0)
            why = "values must not be negative";
        else if (t > T * (1 + 1e-12))
            why = "recency must not exceed T";
        else if (model == DG_BTYD_BGBB && (x != floor(x) || t != floor(t) || T != floor(T)))
            why = "BG/BB needs whole numbers of opportunities (x = periods with a purchase, "
                  "t_x = the last of them, T = periods after the first purchase)";
        else if (model == DG_BTYD_BGBB && T > DG_BGBB_MAX_OPPORTUNITIES)
            why = "BG/BB's likelihood sums over every opportunity, and this customer has more "
                  "than " TEXT(DG_BGBB_MAX_OPPORTUNITIES) " (T); count weeks rather than days, or end "
                  "the calibration earlier";
        else if (model == DG_BTYD_BGBB && (x > t || (x > 0 && t < 1)))
            why = "BG/BB needs x <= t_x and t_x >= 1 when x > 0";
        else if (model != DG_BTYD_BGBB && x == 0 && t != 0)
            why = "recency must be 0 when frequency is 0";
        if (why) {
            char name[DG__ROW_NAME_MAX];
            return dg_error_set(err, DG_EINVAL, "%s (frequency %g, recency %g, T %g, weight %g): "
                                "%s", dg__btyd_row_name(data->id, i, name), x, t, T, w, why);
        }
    }
    return 0;
}

double dg_btyd_loglik_one(const dg_btyd_params *params, double x, double t_x, double T)
{
    const double *p = params->p;
    switch (params->model) {
    case DG_BTYD_BGNBD:     return dg__bgnbd_loglik_one(p, x, t_x, T, 0);
    case DG_BTYD_MBGNBD:    return dg__bgnbd_loglik_one(p, x, t_x, T, 1);
    case DG_BTYD_PARETONBD: return dg__paretonbd_loglik_one(p, x, t_x, T);
    case DG_BTYD_BGBB:      return dg__bgbb_loglik_one(p, x, t_x, T);
    }
    return NAN;
}

double dg_btyd_loglik(const dg_btyd_params *params, const dg_btyd_data *data)
{
    double ll = 0;
    for (size_t i = 0; i < data->n_customers; i++) {
        double w = data->weight ? data->weight[i] : 1.0;
        ll += w * dg_btyd_loglik_one(params, data->frequency[i], data->recency[i], data->age[i]);
    }
    return ll;
}

double dg_btyd_p_alive(const dg_btyd_params *params, double x, double t_x, double T)
{
    const double *p = params->p;
    switch (params->model) {
    case DG_BTYD_BGNBD:     return dg__bgnbd_p_alive(p, x, t_x, T, 0);
    case DG_BTYD_MBGNBD:    return dg__bgnbd_p_alive(p, x, t_x, T, 1);
    case DG_BTYD_PARETONBD: return dg__paretonbd_p_alive(p, x, t_x, T);
    case DG_BTYD_BGBB:      return dg__bgbb_p_alive(p, x, t_x, T);
    }
    return NAN;
}

double dg_btyd_expected(const dg_btyd_params *params, double x, double t_x, double T, double t)
{
    const double *p = params->p;
    switch (params->model) {
    case DG_BTYD_BGNBD:     return dg__bgnbd_expected(p, x, t_x, T, t, 0);
    case DG_BTYD_MBGNBD:    return dg__bgnbd_expected(p, x, t_x, T, t, 1);
    case DG_BTYD_PARETONBD: return dg__paretonbd_expected(p, x, t_x, T, t);
    case DG_BTYD_BGBB:      return dg__bgbb_expected(p, x, t_x, T, t);
    }
    return NAN;
}

int dg_btyd_dert(const dg_btyd_params *params, double x, double t_x, double T, double delta,
                 double *dert)
{
    *dert = 0.0;
    if (params->model != DG_BTYD_PARETONBD)
        return DG_EUNSUPPORTED;
    if (!(delta > 0) || !isfinite(delta))
        return DG_EINVAL;
    *dert = dg__paretonbd_dert(params->p, x, t_x, T, delta);
    return 0;
}

/* E[X(t)] is the conditional expectation of a customer with no history (x = t_x = T = 0):
 * FHL (2005) eq. (7), Batislam et al. (2007) eq. (7), Schmittlein et al. (1987) eq. (17),
 * FHS (2010) eq. (7) all reduce to it. */
double dg_btyd_expected_new(const dg_btyd_params *params, double t)
{
    return dg_btyd_expected(params, 0, 0, 0, t);
}

/* Each model's mixing distributions, for fits that run out to their limit (limits.c). */
static const dg__mixing_pair mixing_pairs[4][2] = {
    {{0, 1, DG__MIX_GAMMA, "lambda = r/alpha"}, {2, 3, DG__MIX_BETA, "p = a/(a+b)"}},
    {{0, 1, DG__MIX_GAMMA, "lambda = r/alpha"}, {2, 3, DG__MIX_BETA, "p = a/(a+b)"}},
    {{0, 1, DG__MIX_GAMMA, "lambda = r/alpha"}, {2, 3, DG__MIX_GAMMA, "mu = s/beta"}},
    {{0, 1, DG__MIX_BETA, "p = alpha/(alpha+beta)"},
     {2, 3, DG__MIX_BETA, "theta = gamma/(gamma+delta)"}},
};

/* dg_btyd_fit_data; with keep, the compressed data with each customer's pattern is left there
 * (the caller frees it with dg__btyd_pack_free) when the fit succeeds. */
static int fit_data(const dg_btyd_data *data, dg_btyd_model model, const dg_fit_options *opt,
                    dg_btyd_fit *fit, dg__btyd_pack *keep, dg_error *err)
{
    dg__btyd_pack pack;
    int rc;
    memset(fit, 0, sizeof *fit);
    if ((unsigned)model > DG_BTYD_BGBB)
        return dg_error_set(err, DG_EINVAL, "unknown BTYD model %d", (int)model);
    if ((rc = dg_btyd_data_check(data, model, err)) != 0)
        return rc;
    if ((rc = dg__btyd_pack_build_indexed(&pack, data, keep != NULL, err)) != 0)
        return rc;
    pack.threads = opt ? opt->threads : 0;
    if (pack.total_weight < 4 || pack.mean_x <= 0) {
        dg__btyd_pack_free(&pack);
        return dg_error_set(err, DG_EINVAL, "a %s fit needs customers with repeat purchases "
                            "(%g customers, mean frequency %g)", model_names[model],
                            pack.total_weight, pack.mean_x);
    }
    double mT = pack.mean_T > 0 ? pack.mean_T : 1.0;
    double starts[6][4];
    dg__mle_problem prob = {4, NULL, &pack, 6, (const double (*)[4])starts, NULL, 0, 0, NULL,
                            mixing_pairs[model], 2};
    switch (model) {
    case DG_BTYD_BGNBD:
    case DG_BTYD_MBGNBD: {
        const double s[6][4] = {{0.5, 0.15 * mT, 1, 2}, {1, mT, 1, 1}, {0.1, 0.02 * mT, 0.5, 0.5},
                                {2, 2 * mT, 3, 10}, {0.3, 0.1 * mT, 0.3, 5}, {5, 10 * mT, 1, 3}};
        memcpy(starts, s, sizeof s);
        prob.loglik = model == DG_BTYD_BGNBD ? dg__bgnbd_loglik_pack : dg__mbgnbd_loglik_pack;
        prob.hessian = model == DG_BTYD_BGNBD ? dg__bgnbd_hessian_pack : dg__mbgnbd_hessian_pack;
        break;
    }
    case DG_BTYD_PARETONBD: {
        const double s[6][4] = {{0.5, 0.3 * mT, 0.5, 0.3 * mT}, {1, mT, 1, mT},
                                {0.2, 0.1 * mT, 2, 2 * mT}, {2, 2 * mT, 0.3, 0.1 * mT},
                                {0.5, 0.05 * mT, 1, 5 * mT}, {5, 5 * mT, 5, 5 * mT}};
        memcpy(starts, s, sizeof s);
        prob.loglik = dg__paretonbd_loglik_pack;
        break;
    }
    case DG_BTYD_BGBB: {
        const double s[6][4] = {{1, 1, 1, 1}, {0.5, 2, 0.5, 2}, {2, 0.5, 2, 0.5},
                                {1, 3, 0.3, 3}, {0.3, 0.3, 3, 3}, {5, 5, 5, 5}};
        memcpy(starts, s, sizeof s);
        prob.loglik = dg__bgbb_loglik_pack;
        break;
    }
    }
    /* Pareto/NBD's and BG/BB's likelihoods take their terms per (x, time) pair */
    bool pairs = model == DG_BTYD_PARETONBD || model == DG_BTYD_BGBB;
    if (pairs && dg__btyd_pack_pairs(&pack) != 0) {
        dg__btyd_pack_free(&pack);
        return dg_error_set(err, DG_ENOMEM, "out of memory fitting %s", model_names[model]);
    }
    /* on large data, a pilot on a thinning of the customers (dg__mle_problem.pilot) */
    dg__btyd_pack thin = {0};
    dg__mle_problem pilot = prob;
    double fraction = opt && opt->no_pilot ? 0.0 : dg__pilot_fraction(pack.total_weight, pack.n);
    if (fraction > 0 && dg__btyd_pack_thin(&pack, fraction, &thin) == 0 &&
        thin.total_weight >= 4 && thin.mean_x > 0 &&
        (!pairs || dg__btyd_pack_pairs(&thin) == 0)) {
        pilot.ctx = &thin;
        pilot.skip_se = 1;
        prob.pilot = &pilot;
        prob.pilot_scale = pack.total_weight / thin.total_weight;
    }
    dg__mle_result res;
    rc = dg__mle_fit(&prob, opt, &res, err);
    dg__btyd_pack_free(&thin);
    if (rc == 0) {
        fit->n_limits = dg__mixing_limits(&res, mixing_pairs[model], 2, fit->limits);
        fit->params.model = model;
        memcpy(fit->params.p, res.p, sizeof res.p);
        memcpy(fit->se, res.se, sizeof res.se);
        fit->se_ok = res.se_ok;
        fit->loglik = res.loglik;
        fit->converged = res.converged;
        fit->n_evaluations = res.n_evaluations;
        fit->n_pilot_evaluations = res.n_pilot_evaluations;
        fit->n_customers = (size_t)pack.total_weight;
        fit->n_patterns = pack.n;
    }
    if (rc == 0 && keep)
        *keep = pack;
    else
        dg__btyd_pack_free(&pack);
    return rc;
}

int dg_btyd_fit_data(const dg_btyd_data *data, dg_btyd_model model, const dg_fit_options *opt,
                     dg_btyd_fit *fit, dg_error *err)
{
    return fit_data(data, model, opt, fit, NULL, err);
}

struct dg__btyd_grouping {
    dg__btyd_pack pack;
};

int dg__btyd_fit_grouped(const dg_btyd_data *data, dg_btyd_model model, const dg_fit_options *opt,
                         dg_btyd_fit *fit, dg__btyd_grouping **grouping, dg_error *err)
{
    dg__btyd_grouping *g = calloc(1, sizeof *g);
    *grouping = NULL;
    if (!g)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = fit_data(data, model, opt, fit, &g->pack, err);
    if (rc != 0)
        free(g);
    else
        *grouping = g;
    return rc;
}

void dg__btyd_grouping_free(dg__btyd_grouping *grouping)
{
    if (!grouping)
        return;
    dg__btyd_pack_free(&grouping->pack);
    free(grouping);
}

const dg__btyd_pack *dg__btyd_grouping_pack(const dg__btyd_grouping *grouping)
{
    return grouping ? &grouping->pack : NULL;
}
