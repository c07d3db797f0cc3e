/* Maximum likelihood for the BTYD and spend models: nlopt on log-parameters (so every parameter
 * stays positive without constraints) from several starting points, keeping the best optimum,
 * then Newton steps on the log-parameters until the step is below POLISH_STEP or stops shrinking
 * below POLISH_FLOOR. A Newton step is the gradient measured in the metric of the information,
 * and once taken it is the change of the parameters, so the stop bounds both: the estimate is
 * the zero of the gradient to within its rounding, whatever path nlopt took to get near it (so
 * the same data, in another order or through another input, gives the same estimate).
 * On large data a pilot fit on a thinning of the customers does the searching (every start,
 * nlopt, its own polish), and the full data only sees the Newton steps from the pilot's optimum
 * with the pilot's information scaled up: a handful of passes instead of some ninety.
 * Standard errors come from the observed information: the Hessian of the log-likelihood in the
 * natural parameters, by central differences of the analytic gradient when there is one, else
 * of the log-likelihood itself; se_i = sqrt([(-H)^-1]_ii). */
#include <math.h>
#include <stdio.h>
#include <nlopt.h>
#include <string.h>

#include "analytics/btyd/btyd_internal.h"

#define POLISH_STEP 1e-9       /* a Newton step this small (log scale) ends the polish: what
                                * is left is this times the Hessian's relative error */
#define POLISH_FLOOR 1e-7      /* ... and so does one this small that is no smaller than the one
                                * before: the gradient's rounding is reached */
#define POLISH_ITERATIONS 20
#define PILOT_CUSTOMERS 20000.0   /* a pilot's size: its optimum is within a few standard
                                   * errors of the full data's, its information within a few
                                   * per cent, so the chord steps shrink the error ~20-fold */
#define PILOT_REFRESHES 3       /* times the Newton steps from a pilot may recompute the
                                 * information (newton_steps) */
#define GRADIENT_STEP 1e-2     /* log-scale step of the finite-difference gradient: its O(h^4)
                                * error is the same whatever the path, its rounding error small */

typedef struct objective_ctx {
    const dg__mle_problem *prob;
    int evaluations;
    nlopt_opt opt;
    const double *basin;   /* best optimum so far while trying further starts, else NULL */
    double first;          /* the objective at the current start (NAN before it is known) */
} objective_ctx;

/* nlopt minimises: f(theta) = -LL(exp(theta)). */
static double objective(unsigned k, const double *theta, double *grad_theta, void *data)
{
    objective_ctx *oc = data;
    double p[4], g[4] = {0, 0, 0, 0};
    if (oc->basin) {
        /* a further start that walks into the basin of the best optimum found so far ends
         * here: it would only find that optimum again */
        double dist = 0;
        for (unsigned i = 0; i < k; i++)
            dist = fmax(dist, fabs(theta[i] - oc->basin[i]));
        if (dist < 0.1) {
            nlopt_force_stop(oc->opt);
            if (grad_theta)
                for (unsigned i = 0; i < k; i++)
                    grad_theta[i] = 0.0;
            return HUGE_VAL;
        }
    }
    for (unsigned i = 0; i < k; i++)
        p[i] = exp(theta[i]);
    oc->evaluations++;
    double ll = oc->prob->loglik(p, grad_theta ? g : NULL, oc->prob->ctx);
    if (isnan(oc->first))
        oc->first = isfinite(ll) ? -ll : HUGE_VAL;
    if (!isfinite(ll)) {
        if (grad_theta)
            for (unsigned i = 0; i < k; i++)
                grad_theta[i] = 0.0;
        return HUGE_VAL;
    }
    if (grad_theta)
        for (unsigned i = 0; i < k; i++)
            grad_theta[i] = -g[i] * p[i];
    return -ll;
}

/* Cholesky of the k x k symmetric matrix a (in place); 0 when positive definite. */
static int cholesky(double a[4][4], int k)
{
    for (int j = 0; j < k; j++) {
        double d = a[j][j];
        for (int m = 0; m < j; m++)
            d -= a[j][m] * a[j][m];
        if (!(d > 0.0))
            return -1;
        a[j][j] = sqrt(d);
        for (int i = j + 1; i < k; i++) {
            double s = a[i][j];
            for (int m = 0; m < j; m++)
                s -= a[i][m] * a[j][m];
            a[i][j] = s / a[j][j];
        }
    }
    return 0;
}

/* The observed information (negative Hessian of the log-likelihood) at natural parameters p. */
static void observed_information(const dg__mle_problem *prob, const double *p, double info[4][4],
                                 int *evaluations)
{
    int k = prob->k;
    double hstep[4], q[4];
    memset(info, 0, 16 * sizeof info[0][0]);
    if (prob->has_gradient) {
        for (int j = 0; j < k; j++) {
            double gp[4], gm[4];
            hstep[j] = 1e-5 * p[j];
            memcpy(q, p, sizeof q);
            q[j] = p[j] + hstep[j];
            prob->loglik(q, gp, prob->ctx);
            q[j] = p[j] - hstep[j];
            prob->loglik(q, gm, prob->ctx);
            *evaluations += 2;
            for (int i = 0; i < k; i++)
                info[i][j] = -(gp[i] - gm[i]) / (2 * hstep[j]);
        }
        for (int i = 0; i < k; i++)
            for (int j = 0; j < i; j++)
                info[i][j] = info[j][i] = 0.5 * (info[i][j] + info[j][i]);
        return;
    }
    for (int j = 0; j < k; j++)
        hstep[j] = 1e-3 * p[j];   /* error O(h^2) ~ 1e-6; the likelihood's rounding / h^2 less */
    for (int i = 0; i < k; i++) {
        for (int j = 0; j <= i; j++) {
            double f[4];
            int sgn[4][2] = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
            for (int m = 0; m < 4; m++) {
                memcpy(q, p, sizeof q);
                q[i] += sgn[m][0] * hstep[i];
                q[j] += sgn[m][1] * hstep[j];
                f[m] = prob->loglik(q, NULL, prob->ctx);
            }
            *evaluations += 4;
            double h = (f[0] - f[1] - f[2] + f[3]) / (4 * hstep[i] * hstep[j]);
            info[i][j] = info[j][i] = -h;
        }
    }
}

/* Solves (L L') x = b for the Cholesky factor L (lower triangle of l). */
static void cholesky_solve(double l[4][4], int k, const double *b, double *x)
{
    double y[4];
    for (int i = 0; i < k; i++) {
        double s = b[i];
        for (int m = 0; m < i; m++)
            s -= l[i][m] * y[m];
        y[i] = s / l[i][i];
    }
    for (int i = k - 1; i >= 0; i--) {
        double s = y[i];
        for (int m = i + 1; m < k; m++)
            s -= l[m][i] * x[m];
        x[i] = s / l[i][i];
    }
}

/* Standard errors from the observed information at p. */
static void standard_errors(const dg__mle_problem *prob, const double *p, dg__mle_result *res)
{
    int k = prob->k;
    double info[4][4];
    observed_information(prob, p, info, &res->n_evaluations);
    /* invert the information through its Cholesky factor: (L L')^-1 diagonal */
    double l[4][4];
    memcpy(l, info, sizeof l);
    res->se_ok = cholesky(l, k) == 0;
    for (int i = 0; i < 4; i++)
        res->se[i] = 0.0;
    if (!res->se_ok)
        return;
    /* inverse of L, column by column, then diag((L^-1)' L^-1) */
    double linv[4][4];
    memset(linv, 0, sizeof linv);
    for (int j = 0; j < k; j++) {
        linv[j][j] = 1.0 / l[j][j];
        for (int i = j + 1; i < k; i++) {
            double s = 0;
            for (int m = j; m < i; m++)
                s -= l[i][m] * linv[m][j];
            linv[i][j] = s / l[i][i];
        }
    }
    for (int j = 0; j < k; j++) {
        double s = 0;
        for (int i = j; i < k; i++)
            s += linv[i][j] * linv[i][j];
        res->se[j] = sqrt(s);
    }
}

/* The log-likelihood at theta = log p and its gradient in theta: analytic, or the five-point
 * central difference of the likelihood (error O(h^4)). */
static double theta_gradient(const dg__mle_problem *prob, const double *theta, double *g,
                             int *evaluations)
{
    static const double offset[4] = {2, 1, -1, -2}, weight[4] = {-1, 8, -8, 1};
    int k = prob->k;
    double p[4] = {0, 0, 0, 0}, gp[4] = {0, 0, 0, 0};
    for (int i = 0; i < k; i++)
        p[i] = exp(theta[i]);
    double ll = prob->loglik(p, prob->has_gradient ? gp : NULL, prob->ctx);
    ++*evaluations;
    for (int i = 0; i < k; i++) {
        if (prob->has_gradient) {
            g[i] = gp[i] * p[i];
            continue;
        }
        double q[4], sum = 0;
        memcpy(q, p, sizeof q);
        for (int m = 0; m < 4; m++) {
            q[i] = exp(theta[i] + offset[m] * GRADIENT_STEP);
            sum += weight[m] * prob->loglik(q, NULL, prob->ctx);
        }
        *evaluations += 4;
        g[i] = sum / (12 * GRADIENT_STEP);
    }
    return ll;
}

/* The observed information in theta = log p at theta (d2/dtheta2 = p_i p_j d2/dp2 at a gradient
 * zero), in info; 0 when it is positive definite, with its Cholesky factor in chol. */
static int theta_information(const dg__mle_problem *prob, const double *theta, double info[4][4],
                             double chol[4][4], int *evaluations)
{
    int k = prob->k;
    double p[4] = {0, 0, 0, 0};
    for (int i = 0; i < k; i++)
        p[i] = exp(theta[i]);
    observed_information(prob, p, info, evaluations);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            info[i][j] *= p[i] * p[j];
    memcpy(chol, info, 16 * sizeof info[0][0]);
    return cholesky(chol, k);
}

/* Newton steps on gradient = 0 in theta with a fixed information matrix, given by its Cholesky
 * factor chol (a chord method: its fixed point is the zero of the gradient; the matrix only sets
 * the pace). Up to `refreshes` times, when a step shrank less than fourfold, the matrix is
 * computed again where the steps are (a pilot's information can be far off for a weakly
 * identified parameter). Returns 1 when the steps settled (see POLISH_STEP and POLISH_FLOOR),
 * -1 when they did not settle or lost likelihood (theta keeps the last good point). */
static int newton_steps(const dg__mle_problem *prob, const double *lb, const double *ub,
                        double chol[4][4], double *theta, double *ll, int *evaluations,
                        int refreshes)
{
    int k = prob->k;
    double g[4];
    double cur = theta_gradient(prob, theta, g, evaluations);
    if (!isfinite(cur))
        return -1;
    *ll = cur;
    double previous = HUGE_VAL;
    for (int it = 0; it < POLISH_ITERATIONS; it++) {
        double step[4], next[4], g_next[4], biggest = 0;
        cholesky_solve(chol, k, g, step);
        for (int i = 0; i < k; i++) {
            next[i] = theta[i] + step[i];
            biggest = fmax(biggest, fabs(step[i]));
            if (!(next[i] >= lb[i] && next[i] <= ub[i]))
                return -1;
        }
        double ll_next = theta_gradient(prob, next, g_next, evaluations);
        if (!isfinite(ll_next) || ll_next < cur - 1e-10 * fabs(cur))
            return -1;
        memcpy(theta, next, sizeof next);
        memcpy(g, g_next, sizeof g_next);
        cur = ll_next;
        *ll = cur;
        if (biggest < POLISH_STEP || (biggest < POLISH_FLOOR && biggest >= previous))
            return 1;
        if (refreshes > 0 && biggest >= POLISH_FLOOR && biggest > 0.25 * previous) {
            double info[4][4];
            refreshes--;
            if (theta_information(prob, theta, info, chol, evaluations) != 0)
                return -1;
        }
        previous = biggest;
    }
    return -1;
}

/* Newton steps with the information at the starting point (theta_information, kept in res).
 * Returns 1 when the steps settled, 0 when the information is not positive definite (a flat
 * direction: theta is left as it is), -1 as newton_steps. */
static int polish(const dg__mle_problem *prob, const double *lb, const double *ub, double *theta,
                  double *ll, int *evaluations, dg__mle_result *res)
{
    double chol[4][4];
    res->info_ok = theta_information(prob, theta, res->info_theta, chol, evaluations) == 0;
    if (!res->info_ok)
        return 0;
    return newton_steps(prob, lb, ub, chol, theta, ll, evaluations, 0);
}

/* The fit through the pilot (dg__mle_problem.pilot): 1 when the Newton steps on the full data
 * from the pilot's optimum settled (res filled but for the standard errors), else 0 (res gets
 * only the evaluations spent). */
static int fit_from_pilot(const dg__mle_problem *prob, const dg_fit_options *opt,
                          const double *lb, const double *ub, dg__mle_result *res)
{
    dg__mle_result pilot;
    dg_error ignored = {0};
    int k = prob->k;
    if (dg__mle_fit(prob->pilot, opt, &pilot, &ignored) != 0 || !pilot.info_ok) {
        res->n_pilot_evaluations = pilot.n_evaluations;
        return 0;
    }
    double chol[4][4], theta[4], ll = -HUGE_VAL;
    for (int i = 0; i < k; i++) {
        theta[i] = log(pilot.p[i]);
        for (int j = 0; j < k; j++)
            chol[i][j] = pilot.info_theta[i][j] * prob->pilot_scale;
    }
    int evaluations = 0;
    res->n_pilot_evaluations = pilot.n_evaluations;
    if (cholesky(chol, k) != 0 ||
        newton_steps(prob, lb, ub, chol, theta, &ll, &evaluations, PILOT_REFRESHES) != 1) {
        res->n_evaluations = evaluations;
        return 0;
    }
    for (int i = 0; i < k; i++)
        res->p[i] = exp(theta[i]);
    res->loglik = ll;
    res->status = pilot.status;
    res->converged = pilot.converged;
    res->n_evaluations = evaluations;
    return 1;
}

/* Appends "start N (p...) stopped at (p...): RESULT, log-likelihood L" to buf (cut at its end);
 * returns the new length. */
static size_t describe_stop(char *buf, size_t len, int s, const dg__mle_problem *prob,
                            const double *theta, nlopt_result r, double f)
{
    const size_t cap = DG_ERROR_MSG_MAX;
    int n = 0;
    if (len + 1 >= cap)
        return len;
    n = snprintf(buf + len, cap - len, "%sstart %d (", s ? "; " : "", s + 1);
    for (int i = 0; n >= 0 && len + (size_t)n < cap && i < prob->k; i++)
        n += snprintf(buf + len + n, cap - len - (size_t)n, "%s%.4g", i ? ", " : "",
                      prob->starts[s][i]);
    if (n >= 0 && len + (size_t)n < cap)
        n += snprintf(buf + len + n, cap - len - (size_t)n, ") stopped at (");
    for (int i = 0; n >= 0 && len + (size_t)n < cap && i < prob->k; i++)
        n += snprintf(buf + len + n, cap - len - (size_t)n, "%s%.4g", i ? ", " : "",
                      exp(theta[i]));
    if (n >= 0 && len + (size_t)n < cap)
        n += snprintf(buf + len + n, cap - len - (size_t)n, "): %s, log-likelihood %.6g",
                      nlopt_result_to_string(r), -f);
    len += n < 0 ? 0 : (size_t)n;
    return len < cap ? len : cap - 1;
}

double dg__pilot_fraction(double total_weight, size_t n_rows)
{
    if (total_weight < 5 * PILOT_CUSTOMERS || (double)n_rows < 2 * PILOT_CUSTOMERS)
        return 0.0;
    return PILOT_CUSTOMERS / total_weight;
}

int dg__mle_fit(const dg__mle_problem *prob, const dg_fit_options *opt, dg__mle_result *res,
                dg_error *err)
{
    int n_starts = opt && opt->n_starts > 0 ? opt->n_starts : 3;
    int max_eval = opt && opt->max_evaluations > 0 ? opt->max_evaluations : 2000;
    double xtol = opt && opt->xtol_rel > 0 ? opt->xtol_rel : 1e-10;
    unsigned k = (unsigned)prob->k;
    objective_ctx oc = {prob, 0, NULL, NULL, NAN};
    double best = HUGE_VAL, best_theta[4] = {0};
    int best_status = 0;
    if (n_starts > prob->n_starts)
        n_starts = prob->n_starts;
    memset(res, 0, sizeof *res);
    double lb[4], ub[4], step[4];
    for (unsigned i = 0; i < k; i++) {
        lb[i] = log(1e-8);
        ub[i] = log(1e8);
        step[i] = 0.5;
    }
    int pilot_evaluations = 0;
    if (prob->pilot) {
        if (fit_from_pilot(prob, opt, lb, ub, res)) {
            if (!prob->skip_se)
                standard_errors(prob, res->p, res);
            return 0;
        }
        oc.evaluations = res->n_evaluations;   /* the Newton steps that did not settle */
        pilot_evaluations = res->n_pilot_evaluations;
        memset(res, 0, sizeof *res);
    }

    nlopt_opt o = nlopt_create(prob->has_gradient ? NLOPT_LD_LBFGS : NLOPT_LN_BOBYQA, k);
    if (!o)
        return dg_error_set(err, DG_ENOMEM, "cannot create the optimiser");
    oc.opt = o;
    nlopt_set_lower_bounds(o, lb);
    nlopt_set_upper_bounds(o, ub);
    nlopt_set_min_objective(o, objective, &oc);
    nlopt_set_xtol_abs1(o, xtol);
    nlopt_set_ftol_rel(o, 1e-15);
    nlopt_set_maxeval(o, max_eval);
    if (!prob->has_gradient)
        nlopt_set_initial_step(o, step);
    else
        nlopt_set_vector_storage(o, 10);

    /* The first start runs to full precision; the others stop early (xtol 1e-4) and are only
     * polished when they end up above the best optimum so far, i.e. in another basin. */
    char stops[DG_ERROR_MSG_MAX] = "";   /* where each start stopped, for a failure's message */
    size_t stops_len = 0;
    for (int s = 0; s < n_starts; s++) {
        double theta[4], f = HUGE_VAL;
        for (unsigned i = 0; i < k; i++)
            theta[i] = log(prob->starts[s][i]);
        nlopt_set_xtol_abs1(o, s == 0 ? xtol : 1e-3);
        oc.basin = s > 0 && isfinite(best) ? best_theta : NULL;
        oc.first = NAN;
        nlopt_result r = nlopt_optimize(o, theta, &f);
        oc.basin = NULL;
        stops_len = describe_stop(stops, stops_len, s, prob, theta, r, f);
        /* L-BFGS's line search gives up (NLOPT_FAILURE) where the likelihood is flat to its
         * rounding, e.g. on the way to a bound; a point it reached above the start still
         * counts */
        if (r == NLOPT_FAILURE && prob->has_gradient && f < oc.first && f < HUGE_VAL)
            r = NLOPT_ROUNDOFF_LIMITED;
        if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED)
            continue;   /* failed, or stopped on entering the best basin */
        if (s > 0 && f < best - 1e-9 * fabs(best)) {
            nlopt_set_xtol_abs1(o, xtol);
            double f2 = HUGE_VAL, theta2[4];
            memcpy(theta2, theta, sizeof theta);
            nlopt_result r2 = nlopt_optimize(o, theta2, &f2);
            if ((r2 >= 0 || r2 == NLOPT_ROUNDOFF_LIMITED || r2 == NLOPT_FAILURE) && f2 <= f) {
                memcpy(theta, theta2, sizeof theta);
                f = f2;
                r = r2 == NLOPT_FAILURE ? NLOPT_ROUNDOFF_LIMITED : r2;
            }
        }
        if (f < best) {
            best = f;
            memcpy(best_theta, theta, sizeof theta);
            best_status = r;
        }
    }
    nlopt_destroy(o);
    if (!isfinite(best))
        return dg_error_set(err, DG_ECONVERGE,
                            "the likelihood could not be maximised from any of %d starts (the "
                            "data do not suit the model, or hold extreme values or weights): %s",
                            n_starts, stops);
    double ll = -best;
    int polished = polish(prob, lb, ub, best_theta, &ll, &oc.evaluations, res);
    res->n_evaluations = oc.evaluations;
    res->n_pilot_evaluations = pilot_evaluations;
    for (unsigned i = 0; i < k; i++)
        res->p[i] = exp(best_theta[i]);
    res->loglik = ll;
    res->status = best_status;
    res->converged = polished >= 0 &&
                     (best_status == NLOPT_SUCCESS || best_status == NLOPT_FTOL_REACHED ||
                      best_status == NLOPT_XTOL_REACHED || best_status == NLOPT_ROUNDOFF_LIMITED);
    if (!prob->skip_se)
        standard_errors(prob, res->p, res);
    return 0;
}
