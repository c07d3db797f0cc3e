/* Private to the report layer: the economics report's inputs gathered per acquisition channel
 * on one axis of months (src/report/economics_data.c), from which src/report/economics.c builds
 * the tables. Money in minor units; months are month numbers (year * 12 + month - 1). */
#ifndef DANGOL_REPORT_ECONOMICS_H
#define DANGOL_REPORT_ECONOMICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/report.h"
#include "store/economics.h"

typedef struct dg__econ_channel {
    char *name;                    /* acquisition channel code ("" when unknown) */
    int64_t customers;             /* acquired by as_of */
    int64_t revenue, costed_revenue, gross_margin;
    double clv_sum;                /* CLV of its customers (minor units), over clv_n of them */
    int64_t clv_n;
    int64_t *spend;                /* [n_months] */
    unsigned char *has_spend;      /* [n_months]: a spend row names the month */
    int64_t *acquired;             /* [n_months] new customers */
    double *margin;                /* [cohort * n_months + months since acquisition] */
} dg__econ_channel;

typedef struct dg__econ_customer {
    char *id;
    size_t channel;
    int32_t acquired_month;
    int64_t orders;
    dg_economics_customer figures;
    double clv_minor;              /* NAN: no CLV (no fit, or outside the spend model) */
} dg__econ_customer;

typedef struct dg__econ {
    const dg_frame *frame;
    int32_t as_of, first_month, last_month;
    size_t n_months;
    dg__econ_channel *channels;
    size_t n_channels, cap_channels;
    dg__econ_customer *customers;  /* in customer_id order */
    size_t n_customers, cap_customers;
    int64_t costed_revenue, gross_margin;   /* of every customer */
    double *clv_by_index;          /* per frame customer; NULL without a fit */
    dg__economics_tiers tiers;     /* the tiers' discounts (store/economics.h) */
    /* with a frame of order lines, the margins come from it (economics_margin.c): */
    int64_t *unit_cost_by_product; /* [products.n] by frame product code, DG__ECON_NO_COST */
    int64_t *costed_revenue_by_index, *margin_by_index;   /* [n_customers] by frame index */
} dg__econ;
#define DG__ECON_NO_COST INT64_MIN

/* The margins of a frame with order lines (economics_margin.c): reads the products' unit costs
 * (inside the caller's read) and sums each customer's costed revenue and gross margin into
 * e's arrays; then, if wanted, each costed order's margin to fn as a cohort cell, as
 * dg__economics_cohorts does in SQL. */
int dg__econ_frame_margins(dg__econ *e, dg_store *store, dg_error *err);
int dg__econ_frame_cohorts(dg__econ *e, dg__economics_cohort_fn fn, void *ctx);

/* with_cohorts: also the cohort margins (the payback curve of clv-cac; a second pass over the
 * orders the other views do without). */
int dg__econ_load(dg__econ *e, dg_store *store, const dg_frame *frame, const dg_clv_report *fit,
                  bool with_cohorts, dg_error *err);
void dg__econ_clear(dg__econ *e);

/* Spend of the channel's months with a spend row, and (into *acquired) its new customers in
 * those months: the numerator and denominator of its CAC. */
int64_t dg__econ_channel_spend(const dg__econ *e, const dg__econ_channel *c, int64_t *acquired);

int32_t dg__economics_month_of(int32_t day);
int32_t dg__economics_month_day(int32_t month);

/* A launched campaign's cost (coupon discounts redeemed + points granted x point_value_minor)
 * and its customers retained beyond the control group (treatment customers x the response-rate
 * uplift), as its results show them (src/report/campaigns.c). */
int dg__campaign_retained(dg_store *store, const dg_frame *frame, const char *campaign_id,
                          int64_t point_value_minor, int64_t *cost, double *retained,
                          dg_error *err);

#endif
