/* The service-profit chain (include/dangol/staff.h; Heskett, Jones, Loveman, Sasser &
 * Schlesinger 1994, "Putting the service-profit chain to work", HBR 72(2)): per site, the staff's
 * own satisfaction beside the NPS, CSAT and repeat rate of the customers the site serves, and
 * across sites Pearson's r of the two with its Fisher-z interval (src/analytics/correlation.c).
 * The customer side is dg_staff_compute by site (its raw rates); the staff side comes summarised
 * per site from the store. Sites are few, so they are matched by name in O(sites^2). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analytics/correlation.h"
#include "dangol/staff.h"

void dg_corr_pearson(dg_corr *out, const double *x, const double *y, size_t n)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n < DG_STAFF_CHAIN_MIN_SITES) {
        out->status = DG_CORR_TOO_FEW;
        return;
    }
    dg__pearson p;
    dg__pearson_fisher(&p, x, y, n, 1.0);
    if (!p.defined) {
        out->status = DG_CORR_CONSTANT;
        return;
    }
    out->r = p.r;
    out->ci_low = p.lo;
    out->ci_high = p.hi;
    /* H0: rho = 0, t = r sqrt((n - 2) / (1 - r^2)) on n - 2 degrees of freedom (Student 1908) */
    double t = fabs(p.r) >= 1.0 ? INFINITY
             : fabs(p.r) * sqrt((double)(n - 2) / (1.0 - p.r * p.r));
    out->p = isinf(t) ? 0.0 : 2.0 * gsl_cdf_tdist_Q(t, (double)(n - 2));
}

static int by_site(const void *a, const void *b)
{
    return strcmp(((const dg_staff_chain_row *)a)->site, ((const dg_staff_chain_row *)b)->site);
}

static dg_staff_chain_row *row_of(dg_staff_chain *c, const char *site)
{
    for (size_t i = 0; i < c->n_rows; i++)
        if (strcmp(c->rows[i].site, site) == 0)
            return &c->rows[i];
    dg_staff_chain_row *r = &c->rows[c->n_rows++];
    memset(r, 0, sizeof *r);
    r->site = site;
    return r;
}

static void customer_side(dg_staff_chain_row *r, const dg_staff_unit *u)
{
    const dg_shrunk *rates[DG_CHAIN_MEASURES] = { &u->nps, &u->csat, &u->repeat };
    r->customers = u->customers;
    for (int m = 0; m < DG_CHAIN_MEASURES; m++) {
        r->n[m] = rates[m]->n;
        r->value[m] = rates[m]->n > 0 ? rates[m]->raw : 0.0;
    }
}

static int correlate(dg_staff_chain *c)
{
    double *x = malloc((c->n_rows ? c->n_rows : 1) * sizeof *x);
    double *y = malloc((c->n_rows ? c->n_rows : 1) * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return DG_ENOMEM;
    }
    for (int m = 0; m < DG_CHAIN_MEASURES; m++) {
        size_t n = 0;
        for (size_t i = 0; i < c->n_rows; i++) {
            const dg_staff_chain_row *r = &c->rows[i];
            if (r->in_correlation && r->n[m] > 0) {
                x[n] = r->staff_satisfaction;
                y[n++] = r->value[m];
            }
        }
        dg_corr_pearson(&c->corr[m], x, y, n);
    }
    free(x);
    free(y);
    return 0;
}

int dg_staff_chain_compute(dg_staff_chain *out, const dg_frame *frame,
                           const dg_staff_survey_site *sites, size_t n_sites, int repeat_days,
                           int min_responses, dg_error *err)
{
    memset(out, 0, sizeof *out);
    dg_staff_options opt = { .by = DG_STAFF_BY_SITE, .repeat_days = repeat_days };
    dg_staff_result units = { 0 };
    int rc = dg_staff_compute(&units, frame, &opt, err);
    if (rc != 0)
        return rc;
    out->as_of = units.as_of;
    out->repeat_days = units.repeat_days;
    out->min_responses = min_responses > 0 ? min_responses : DG_STAFF_CHAIN_DEFAULT_MIN_RESPONSES;
    size_t cap = units.n_units + n_sites;
    if (!(out->rows = calloc(cap ? cap : 1, sizeof *out->rows))) {
        dg_staff_result_clear(&units);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < units.n_units; i++)
        customer_side(row_of(out, dg_dict_value(&frame->sites, units.units[i].code)),
                      &units.units[i]);
    dg_staff_result_clear(&units);
    for (size_t i = 0; i < n_sites; i++) {
        dg_staff_chain_row *r = row_of(out, sites[i].site);
        r->staff_responses = sites[i].responses;
        r->staff_satisfaction = sites[i].satisfaction;
        r->in_correlation = (int)sites[i].responses >= out->min_responses;
    }
    qsort(out->rows, out->n_rows, sizeof *out->rows, by_site);
    if (correlate(out) != 0) {
        dg_staff_chain_clear(out);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    return 0;
}

void dg_staff_chain_clear(dg_staff_chain *chain)
{
    if (!chain)
        return;
    free(chain->rows);
    memset(chain, 0, sizeof *chain);
}
