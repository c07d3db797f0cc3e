/* The economics of winning and keeping customers (docs/economics.md): is keeping a customer
 * cheaper than winning one, on the business's own data?
 *   CAC of a channel and month      = marketing spend / new customers acquired through it then
 *   gross margin of an order        = its total - sum over its lines of quantity x unit cost
 *   cost to serve a customer        = coupon discounts redeemed + points burned x point value
 *                                     + service tickets x ticket cost
 *   contribution of a customer      = gross margin - cost to serve
 *   payback months of a channel     = the first month m (1 = the month of acquisition) at whose
 *                                     end the mean cumulative gross margin per acquired customer
 *                                     reaches the channel's CAC (Gupta & Lehmann 2005, ch. 3)
 *   retention cost per retained     = programme cost (coupons + points burned) in a window /
 *                                     customers acquired before it who bought in it
 * These are the pure parts: the figures from the inputs the report layer reads
 * (dg_report_economics, dangol/report.h). Nothing here reads a file or the store. */
#ifndef DANGOL_ECONOMICS_H
#define DANGOL_ECONOMICS_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

/* The settings of config/economics.conf ("key = value" lines, '#' comments):
 *   ticket_cost = N        what serving one service ticket costs, store currency minor units
 *                          (0 = tickets are not costed; the built-in value)
 *   retention_months = N   the window of the retention comparison, in months (1..120; 12) */
typedef struct dg_economics_config {
    int64_t ticket_cost_minor;
    int retention_months;
} dg_economics_config;

/* Fills config with the defaults given above (tickets not costed, 12 months). Cannot fail. */
void dg_economics_config_init(dg_economics_config *config);
/* Parses text over *config (keys left out keep their value); errors at name:line:column. */
int dg_economics_config_parse(dg_economics_config *config, const char *text, const char *name,
                              dg_error *err);

/* Acquisition cost per new customer: spend / new customers; NAN without new customers. */
double dg_economics_cac(int64_t spend_minor, int64_t new_customers);

/* The mean gross margin per acquired customer in each month since acquisition, from cohorts:
 * cohort i was acquired in month cohort_month[i] (a month number, year * 12 + month - 1) and
 * has cohort_customers[i] customers, whose orders made margin[i * n_months + k] in month k after
 * the month of acquisition (k = 0: that month). curve[k] = sum of margin[i][k] over the cohorts
 * with cohort_month[i] + k <= last_month (month k at least begun by last_month) / sum of their
 * customers; NAN when no cohort has reached month k. Units: margin's. */
void dg_economics_margin_curve(double *curve, size_t n_months, const int32_t *cohort_month,
                               const int64_t *cohort_customers, const double *margin,
                               size_t n_cohorts, int32_t last_month);

/* Payback in months: the first m (1-based) with curve[0] + ... + curve[m - 1] >= cac, or 0 when
 * the cumulative margin never reaches cac within the n_months (or reaches a NAN month first).
 * cac <= 0 pays back in month 1; a NAN cac is 0. */
int dg_economics_payback_months(const double *curve, size_t n_months, double cac);

/* Cost to serve and contribution of one customer (minor units); points_burned are points. */
typedef struct dg_economics_customer {
    int64_t revenue;            /* order totals */
    int64_t costed_revenue;     /* totals of the orders whose every line has a unit cost */
    int64_t gross_margin;       /* of those orders */
    int64_t coupon_discounts;
    int64_t points_burned;
    int64_t tickets;
    int64_t tier_discounts;     /* the tier discount of each order: floor(total x the discount
                                   percent of the customer's tier on the order's day / 100) */
} dg_economics_customer;

/* points_burned x point_value + tickets x ticket_cost + coupon discounts + tier discounts. */
int64_t dg_economics_cost_to_serve(const dg_economics_customer *c, int64_t point_value_minor,
                                   int64_t ticket_cost_minor);
/* gross margin - cost to serve. */
int64_t dg_economics_contribution(const dg_economics_customer *c, int64_t point_value_minor,
                                  int64_t ticket_cost_minor);

DG_API_END

#endif
