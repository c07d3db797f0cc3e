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
 * Every model gives its analytic gradient, so nlopt runs L-BFGS. Standard errors come from the
 * observed information: the Hessian of the log-likelihood in the natural parameters, analytic
 * where the model gives it (BG/NBD, MBG/NBD, Gamma-Gamma: then the Newton steps are Newton's
 * method, and the last one's Hessian is the standard errors'), else by central differences of
 * the analytic gradient (one pass of 2k gradients); se_i = sqrt([(-H)^-1]_ii). */
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

/* The observed information (negative Hessian of the log-likelihood) at natural parameters p: the
 * model's analytic Hessian (one pass) when it gives one, else central differences of its
 * analytic gradient (2k passes). */
static void observed_information(const dg__mle_problem *prob, const double *p, double info[4][4],
                                 int *evaluations)
{
    int k = prob->k;
    double q[4];
    memset(info, 0, 16 * sizeof info[0][0]);
    if (prob->hessian) {
        double g[4], h[4][4];
        prob->hessian(p, g, h, prob->ctx);
        ++*evaluations;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                info[i][j] = -h[i][j];
        return;
    }
    for (int j = 0; j < k; j++) {
        double gp[4], gm[4], h = 1e-5 * p[j];
        memcpy(q, p, sizeof q);
        q[j] = p[j] + h;
        prob->loglik(q, gp, prob->ctx);
        q[j] = p[j] - h;
        prob->loglik(q, gm, prob->ctx);
        *evaluations += 2;
        for (int i = 0; i < k; i++)
            info[i][j] = -(gp[i] - gm[i]) / (2 * h);
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < i; j++)
            info[i][j] = info[j][i] = 0.5 * (info[i][j] + info[j][i]);
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

/* Standard errors from the observed information info (in the natural parameters). */
static void standard_errors_from(double info[4][4], int k, dg__mle_result *res)
{
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

/* Where the Newton steps are: theta = log p, the log-likelihood there and its gradient in theta,
 * and the information that sets the steps' metric (in theta, with its Cholesky factor). */
typedef struct newton_point {
    double theta[4], ll, g[4];
    double info_p[4][4];           /* the observed information in p at theta, when exact */
    double info_theta[4][4], chol[4][4];
    int exact;                     /* info_p, info_theta and chol are at theta (not a pilot's or
                                    * an earlier point's) */
} newton_point;

/* The information in theta from the information in p at theta = log p (d2/dtheta2 =
 * p_i p_j d2/dp2 at a gradient zero) into pt, with its Cholesky factor when positive definite
 * (returns 0 then; pt keeps its metric otherwise). */
static int set_information(newton_point *pt, int k, const double *p, double info_p[4][4])
{
    double info[4][4], chol[4][4];
    memset(info, 0, sizeof info);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            info[i][j] = info_p[i][j] * p[i] * p[j];
    memcpy(chol, info, sizeof chol);
    if (cholesky(chol, k) != 0)
        return -1;
    memcpy(pt->info_p, info_p, sizeof pt->info_p);
    memcpy(pt->info_theta, info, sizeof info);
    memcpy(pt->chol, chol, sizeof chol);
    pt->exact = 1;
    return 0;
}

/* The log-likelihood and its gradient at pt->theta (the model's analytic gradient in p, by the
 * chain rule d/dtheta = p d/dp), and in the same pass the information when the model gives its
 * Hessian (set_information; pt->exact says whether it was positive definite). */
static void evaluate_point(const dg__mle_problem *prob, newton_point *pt, int *evaluations)
{
    int k = prob->k;
    double p[4] = {0, 0, 0, 0}, gp[4] = {0, 0, 0, 0}, h[4][4];
    for (int i = 0; i < k; i++)
        p[i] = exp(pt->theta[i]);
    ++*evaluations;
    pt->exact = 0;
    if (prob->hessian) {
        double info_p[4][4];
        memset(info_p, 0, sizeof info_p);
        pt->ll = prob->hessian(p, gp, h, prob->ctx);
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                info_p[i][j] = -h[i][j];
        if (isfinite(pt->ll))
            set_information(pt, k, p, info_p);
    } else {
        pt->ll = prob->loglik(p, gp, prob->ctx);
    }
    for (int i = 0; i < k; i++)
        pt->g[i] = gp[i] * p[i];
}

/* The information at pt->theta (observed_information) as pt's metric; 0 when it is positive
 * definite. */
static int refresh_information(const dg__mle_problem *prob, newton_point *pt, int *evaluations)
{
    double p[4] = {0, 0, 0, 0}, info_p[4][4];
    for (int i = 0; i < prob->k; i++)
        p[i] = exp(pt->theta[i]);
    observed_information(prob, p, info_p, evaluations);
    return set_information(pt, prob->k, p, info_p);
}

/* Newton steps on gradient = 0 in theta from pt (evaluated: evaluate_point), each step solving
 * with pt's information. With the model's Hessian that is the information at every point (Newton's
 * method: quadratic convergence, the last point's information then gives the standard errors).
 * Without it the metric stays fixed (a chord method: its fixed point is the zero of the
 * gradient; the matrix only sets the pace), and up to `refreshes` times, when a step shrank less
 * than fourfold, it is computed again by differences where the steps are (a pilot's information
 * can be far off for a weakly identified parameter). Returns 1 when the steps settled (see
 * POLISH_STEP and POLISH_FLOOR), -1 when they did not settle or lost likelihood (pt keeps the
 * last good point). */
static int newton_steps(const dg__mle_problem *prob, const double *lb, const double *ub,
                        newton_point *pt, int *evaluations, int refreshes)
{
    int k = prob->k;
    if (!isfinite(pt->ll))
        return -1;
    double previous = HUGE_VAL;
    for (int it = 0; it < POLISH_ITERATIONS; it++) {
        double step[4], biggest = 0;
        newton_point next = *pt;
        cholesky_solve(pt->chol, k, pt->g, step);
        for (int i = 0; i < k; i++) {
            next.theta[i] = pt->theta[i] + step[i];
            biggest = fmax(biggest, fabs(step[i]));
            if (!(next.theta[i] >= lb[i] && next.theta[i] <= ub[i]))
                return -1;
        }
        evaluate_point(prob, &next, evaluations);
        if (!isfinite(next.ll) || next.ll < pt->ll - 1e-10 * fabs(pt->ll))
            return -1;
        *pt = next;
        if (biggest < POLISH_STEP || (biggest < POLISH_FLOOR && biggest >= previous))
            return 1;
        if (!prob->hessian && refreshes > 0 && biggest >= POLISH_FLOOR &&
            biggest > 0.25 * previous) {
            refreshes--;
            if (refresh_information(prob, pt, evaluations) != 0)
                return -1;
        }
        previous = biggest;
    }
    return -1;
}

/* Newton steps from pt with the information at pt (kept in res as info_theta). Returns 1 when
 * the steps settled, 0 when the information is not positive definite (a flat direction: pt is
 * left as it is), -1 as newton_steps. */
static int polish(const dg__mle_problem *prob, const double *lb, const double *ub,
                  newton_point *pt, int *evaluations, dg__mle_result *res)
{
    evaluate_point(prob, pt, evaluations);
    if (!prob->hessian && isfinite(pt->ll))
        refresh_information(prob, pt, evaluations);
    res->info_ok = pt->exact;
    memcpy(res->info_theta, pt->info_theta, sizeof res->info_theta);
    if (!res->info_ok)
        return 0;
    return newton_steps(prob, lb, ub, pt, evaluations, 0);
}

/* The standard errors at the fit's point pt: from the information the Newton steps left there,
 * or computed (observed_information). */
static void standard_errors(const dg__mle_problem *prob, newton_point *pt, dg__mle_result *res)
{
    double info[4][4];
    if (pt->exact) {
        standard_errors_from(pt->info_p, prob->k, res);
        return;
    }
    observed_information(prob, res->p, info, &res->n_evaluations);
    standard_errors_from(info, prob->k, res);
}

/* The fit through the pilot (dg__mle_problem.pilot): 1 when the Newton steps on the full data
 * from the pilot's optimum settled (res filled but for the standard errors, pt where they
 * ended), else 0 (res gets only the evaluations spent). The pilot's information, scaled up,
 * sets the first step's metric unless the model gives its Hessian. When the steps did not
 * settle and the pilot's optimum heads to a mixing distribution's limit (dg__heading_to_limit),
 * *at_limit is set and limit_start gets that optimum: the search on the full data starts there. */
static int fit_from_pilot(const dg__mle_problem *prob, const dg_fit_options *opt,
                          const double *lb, const double *ub, newton_point *pt,
                          dg__mle_result *res, double *limit_start, int *at_limit)
{
    dg__mle_result pilot;
    dg_error ignored = {0};
    int k = prob->k;
    *at_limit = 0;
    if (dg__mle_fit(prob->pilot, opt, &pilot, &ignored) != 0) {
        res->n_pilot_evaluations = pilot.n_evaluations;
        return 0;
    }
    res->n_pilot_evaluations = pilot.n_evaluations;
    int heading = dg__heading_to_limit(pilot.p, prob->limit_pairs, prob->n_limit_pairs);
    memcpy(limit_start, pilot.p, sizeof pilot.p);
    if (!pilot.info_ok) {
        *at_limit = heading;
        return 0;
    }
    memset(pt, 0, sizeof *pt);
    for (int i = 0; i < k; i++) {
        pt->theta[i] = log(pilot.p[i]);
        for (int j = 0; j < k; j++)
            pt->chol[i][j] = pilot.info_theta[i][j] * prob->pilot_scale;
    }
    int evaluations = 0;
    int chol_ok = cholesky(pt->chol, k) == 0;
    if (chol_ok || prob->hessian)
        evaluate_point(prob, pt, &evaluations);
    if (!(chol_ok || pt->exact) ||
        newton_steps(prob, lb, ub, pt, &evaluations, PILOT_REFRESHES) != 1) {
        res->n_evaluations = evaluations;
        *at_limit = heading;
        return 0;
    }
    for (int i = 0; i < k; i++)
        res->p[i] = exp(pt->theta[i]);
    res->loglik = pt->ll;
    res->status = pilot.status;
    res->converged = pilot.converged;
    res->n_evaluations = evaluations;
    return 1;
}

/* Appends "start N (p...) stopped at (p...): RESULT, log-likelihood L" to buf (cut at its end);
 * returns the new length. */
static size_t describe_stop(char *buf, size_t len, int s, int k, const double *start,
                            const double *theta, nlopt_result r, double f)
{
    const size_t cap = DG_ERROR_MSG_MAX;
    int n = 0;
    if (len + 1 >= cap)
        return len;
    n = snprintf(buf + len, cap - len, "%sstart %d (", s ? "; " : "", s + 1);
    for (int i = 0; n >= 0 && len + (size_t)n < cap && i < k; i++)
        n += snprintf(buf + len + n, cap - len - (size_t)n, "%s%.4g", i ? ", " : "", start[i]);
    if (n >= 0 && len + (size_t)n < cap)
        n += snprintf(buf + len + n, cap - len - (size_t)n, ") stopped at (");
    for (int i = 0; n >= 0 && len + (size_t)n < cap && i < k; i++)
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

/* The best optimum of a search: the objective there (HUGE_VAL when every start failed), the
 * point, and nlopt's result. */
typedef struct search_best {
    double f, theta[4];
    int status;
} search_best;

/* nlopt's L-BFGS (o, its objective's context oc) from each of n_starts starts (natural scale),
 * the best optimum into *best. The first start runs to full precision (xtol); the others stop
 * early (xtol 1e-3) and are only polished when they end up above the best optimum so far, i.e.
 * in another basin. Where each start stopped goes to stops (for a failure's message). */
static void search(nlopt_opt o, objective_ctx *oc, const double (*starts)[4], int n_starts,
                   double xtol, search_best *best, char *stops)
{
    int k = oc->prob->k;
    size_t stops_len = 0;
    best->f = HUGE_VAL;
    best->status = 0;
    stops[0] = '\0';
    for (int s = 0; s < n_starts; s++) {
        double theta[4], f = HUGE_VAL;
        for (int i = 0; i < k; i++)
            theta[i] = log(starts[s][i]);
        nlopt_set_xtol_abs1(o, s == 0 ? xtol : 1e-3);
        oc->basin = s > 0 && isfinite(best->f) ? best->theta : NULL;
        oc->first = NAN;
        nlopt_result r = nlopt_optimize(o, theta, &f);
        oc->basin = NULL;
        stops_len = describe_stop(stops, stops_len, s, k, starts[s], theta, r, f);
        /* L-BFGS's line search gives up (NLOPT_FAILURE) where the likelihood is flat to its
         * rounding, e.g. on the way to a bound; a point it reached above the start still
         * counts */
        if (r == NLOPT_FAILURE && f < oc->first && f < HUGE_VAL)
            r = NLOPT_ROUNDOFF_LIMITED;
        if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED)
            continue;   /* failed, or stopped on entering the best basin */
        if (s > 0 && f < best->f - 1e-9 * fabs(best->f)) {
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
        if (f < best->f) {
            best->f = f;
            memcpy(best->theta, theta, sizeof theta);
            best->status = r;
        }
    }
}

int dg__mle_fit(const dg__mle_problem *prob, const dg_fit_options *opt, dg__mle_result *res,
                dg_error *err)
{
    int n_starts = opt && opt->n_starts > 0 ? opt->n_starts : 3;
    int max_eval = opt && opt->max_evaluations > 0 ? opt->max_evaluations : 2000;
    double xtol = opt && opt->xtol_rel > 0 ? opt->xtol_rel : 1e-10;
    unsigned k = (unsigned)prob->k;
    objective_ctx oc = {prob, 0, NULL, NULL, NAN};
    if (n_starts > prob->n_starts)
        n_starts = prob->n_starts;
    memset(res, 0, sizeof *res);
    double lb[4], ub[4];
    for (unsigned i = 0; i < k; i++) {
        lb[i] = log(1e-8);
        ub[i] = log(1e8);
    }
    int pilot_evaluations = 0, at_limit = 0;
    double limit_start[1][4];
    newton_point pt;
    if (prob->pilot) {
        if (fit_from_pilot(prob, opt, lb, ub, &pt, res, limit_start[0], &at_limit)) {
            if (!prob->skip_se)
                standard_errors(prob, &pt, res);
            return 0;
        }
        oc.evaluations = res->n_evaluations;   /* the Newton steps that did not settle */
        pilot_evaluations = res->n_pilot_evaluations;
        memset(res, 0, sizeof *res);
    }

    nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, k);
    if (!o)
        return dg_error_set(err, DG_ENOMEM, "cannot create the optimiser");
    oc.opt = o;
    nlopt_set_lower_bounds(o, lb);
    nlopt_set_upper_bounds(o, ub);
    nlopt_set_min_objective(o, objective, &oc);
    nlopt_set_ftol_rel(o, 1e-15);
    nlopt_set_maxeval(o, max_eval);
    nlopt_set_vector_storage(o, 10);

    /* A pilot whose optimum heads to a mixing distribution's limit has done the searching from
     * every start: the full data follows the ridge from that optimum, as the pilot's Newton
     * steps would have done inside (every start would walk the ridge again on the full data:
     * three times the passes, for the same limit). Should that search fail, every start. */
    search_best best;
    char stops[DG_ERROR_MSG_MAX];   /* where each start stopped, for a failure's message */
    best.f = HUGE_VAL;
    if (at_limit)
        search(o, &oc, (const double (*)[4])limit_start, 1, xtol, &best, stops);
    if (!isfinite(best.f))
        search(o, &oc, prob->starts, n_starts, xtol, &best, stops);
    nlopt_destroy(o);
    if (!isfinite(best.f))
        return dg_error_set(err, DG_ECONVERGE,
                            "the likelihood could not be maximised from any of %d starts (the "
                            "data do not suit the model, or hold extreme values or weights): %s",
                            n_starts, stops);
    memset(&pt, 0, sizeof pt);
    memcpy(pt.theta, best.theta, sizeof best.theta);
    int polished = polish(prob, lb, ub, &pt, &oc.evaluations, res);
    res->n_evaluations = oc.evaluations;
    res->n_pilot_evaluations = pilot_evaluations;
    for (unsigned i = 0; i < k; i++)
        res->p[i] = exp(pt.theta[i]);
    res->loglik = isfinite(pt.ll) ? pt.ll : -best.f;
    res->status = best.status;
    res->converged = polished >= 0 &&
                     (best.status == NLOPT_SUCCESS || best.status == NLOPT_FTOL_REACHED ||
                      best.status == NLOPT_XTOL_REACHED || best.status == NLOPT_ROUNDOFF_LIMITED);
    if (!prob->skip_se)
        standard_errors(prob, &pt, res);
    return 0;
}
