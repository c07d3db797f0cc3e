/* The pure figures of the economics report (include/dangol/economics.h): CAC, the cohort margin
 * curve and its payback month, cost to serve and contribution, and the economics config file. The
 * report layer (src/report/economics.c) reads the store and the files and calls these. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/economics.h"

void dg_economics_config_init(dg_economics_config *config)
{
    memset(config, 0, sizeof *config);
    config->ticket_cost_minor = 0;   /* tickets are not costed until the file says what they cost */
    config->retention_months = 12;
}

static int setting(void *ctx, const char *key, const char *value, dg_error *err)
{
    dg_economics_config *config = ctx;
    if (strcmp(key, "ticket_cost") == 0) {
        char *end;
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (errno || end == value || *end || v < 0 || v > INT64_C(1000000000000))
            return dg_error_set(err, DG_EINVAL, "ticket_cost = \"%s\": expected a whole amount "
                                "in minor units from 0 to 1000000000000", value);
        config->ticket_cost_minor = v;
        return 0;
    }
    if (strcmp(key, "retention_months") == 0)
        return dg__kv_int(key, value, 1, 120, &config->retention_months, err);
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: ticket_cost, "
                        "retention_months", key);
}

int dg_economics_config_parse(dg_economics_config *config, const char *text, const char *name,
                              dg_error *err)
{
    dg_economics_config parsed = *config;   /* a bad file leaves the caller's settings alone */
    int rc = dg__kv_parse(text, name, setting, &parsed, err);
    if (rc == 0)
        *config = parsed;
    return rc;
}

double dg_economics_cac(int64_t spend_minor, int64_t new_customers)
{
    return new_customers > 0 ? (double)spend_minor / (double)new_customers : NAN;
}

void dg_economics_margin_curve(double *curve, size_t n_months, const int32_t *cohort_month,
                               const int64_t *cohort_customers, const double *margin,
                               size_t n_cohorts, int32_t last_month)
{
    for (size_t k = 0; k < n_months; k++) {
        double sum = 0.0;
        int64_t customers = 0;
        for (size_t i = 0; i < n_cohorts; i++) {
            if ((int64_t)cohort_month[i] + (int64_t)k > last_month)
                continue;
            sum += margin[i * n_months + k];
            customers += cohort_customers[i];
        }
        curve[k] = customers > 0 ? sum / (double)customers : NAN;
    }
}

int dg_economics_payback_months(const double *curve, size_t n_months, double cac)
{
    if (isnan(cac))
        return 0;
    if (cac <= 0)
        return 1;
    double cumulative = 0.0;
    for (size_t k = 0; k < n_months && k < INT32_MAX; k++) {
        if (isnan(curve[k]))
            return 0;
        cumulative += curve[k];
        if (cumulative >= cac)
            return (int)k + 1;
    }
    return 0;
}

int64_t dg_economics_cost_to_serve(const dg_economics_customer *c, int64_t point_value_minor,
                                   int64_t ticket_cost_minor)
{
    return c->coupon_discounts + c->points_burned * point_value_minor +
           c->tickets * ticket_cost_minor + c->tier_discounts;
}

int64_t dg_economics_contribution(const dg_economics_customer *c, int64_t point_value_minor,
                                  int64_t ticket_cost_minor)
{
    return c->gross_margin - dg_economics_cost_to_serve(c, point_value_minor, ticket_cost_minor);
}
