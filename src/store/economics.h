/* Private to the library: the SQL of the economics report (src/store/economics_sqlite.c), which
 * src/report/economics.c calls inside one dg_store_read_begin. Months are month numbers
 * (year * 12 + month - 1); days are days since 1970-01-01; money is minor units. Every query
 * ignores what happened after as_of. */
#ifndef DANGOL_STORE_ECONOMICS_H
#define DANGOL_STORE_ECONOMICS_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/economics.h"
#include "dangol/error.h"
#include "dangol/store.h"

/* Marketing spend summed per channel and month, months up to as_of's. */
typedef int (*dg__economics_spend_fn)(void *ctx, const char *channel, int32_t month,
                                      int64_t amount);
int dg__economics_spend(dg_store *s, int32_t as_of, dg__economics_spend_fn fn, void *ctx,
                        dg_error *err);

/* One row per customer acquired by as_of (acquired_on, else the day of the first order; a
 * customer with neither is left out), in customer_id order: channel "" when unknown. */
/* The tiers' discounts for the queries: percents, a JSON object {"tier code": percent}, NULL
 * when no tier gives a discount or tiers were never evaluated; lowest, the code of the tier of a
 * customer without tier history. */
typedef struct dg__economics_tiers {
    char *percents;
    char lowest[64];
} dg__economics_tiers;

typedef int (*dg__economics_customer_fn)(void *ctx, const char *customer_id, const char *channel,
                                         int32_t acquired_on, int64_t orders,
                                         const dg_economics_customer *figures);
/* with_margins false: costed_revenue and gross_margin are left 0 (the caller has them from the
 * frame's lines, src/report/economics_margin.c), which spares the query the order lines. */
int dg__economics_customers(dg_store *s, int32_t as_of, const dg__economics_tiers *tiers,
                            bool with_margins, dg__economics_customer_fn fn, void *ctx,
                            dg_error *err);

/* The products that have a unit cost, with it. */
typedef int (*dg__economics_unit_cost_fn)(void *ctx, const char *product_id, int64_t unit_cost);
int dg__economics_unit_costs(dg_store *s, dg__economics_unit_cost_fn fn, void *ctx,
                             dg_error *err);

/* Gross margin of the costed orders summed per acquisition channel, month of acquisition and
 * months since it (orders before the acquisition month count in month 0). */
typedef int (*dg__economics_cohort_fn)(void *ctx, const char *channel, int32_t cohort_month,
                                       int32_t months_since, int64_t margin);
int dg__economics_cohorts(dg_store *s, int32_t as_of, dg__economics_cohort_fn fn, void *ctx,
                          dg_error *err);

/* In [from, to]: coupon discounts redeemed, points burned, the tier discounts of the orders, and
 * the customers acquired before from who ordered in it. */
typedef struct dg__economics_programme {
    int64_t coupon_discounts, points_burned, retained, tier_discounts;
} dg__economics_programme;
int dg__economics_programme_get(dg_store *s, int32_t from, int32_t to,
                                const dg__economics_tiers *tiers, dg__economics_programme *out,
                                dg_error *err);

#endif
