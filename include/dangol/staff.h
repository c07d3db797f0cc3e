/* Internal customers: what each staff member (or site) does for the customers they serve.
 * Per unit (a staff member, orders.staff_id; or a site, orders.site):
 *   customers   distinct customers with an order served by the unit (as of the as-of day)
 *   orders, revenue   of those orders
 *   repeat rate of the first-time customers the unit served: customers whose first order the
 *               unit served, at least repeat_days before the as-of day (so each had the whole
 *               window), who ordered again on a later day within repeat_days of it
 *   CSAT, NPS   of the survey answers of the unit's customers: an answer is attributed to the
 *               staff member and site of the customer's latest order on or before its day (the
 *               order a post-purchase survey asks about); CSAT = share of 4-5, NPS = % 9-10 -
 *               % 0-6
 *   rating      share of touchpoint interactions rated 4-5 (of 1-5): by staff, the interactions
 *               that name the staff member (interactions.staff_id); by site, those after an
 *               order at the site (the customer's latest order on or before the interaction)
 * Each rate is shrunk by empirical Bayes (include/dangol/shrink.h): a staff member toward the
 * pooled rate of their site (the site of most of their orders), a site toward the store's, with
 * 95% posterior intervals, and the ranking is by the shrunk rate. */
#ifndef DANGOL_STAFF_H
#define DANGOL_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/shrink.h"
#include "dangol/table.h"

DG_API_BEGIN

#define DG_STAFF_DEFAULT_REPEAT_DAYS 180

typedef enum dg_staff_by { DG_STAFF_BY_STAFF, DG_STAFF_BY_SITE } dg_staff_by;
typedef enum dg_staff_rank {
    DG_STAFF_RANK_NPS, DG_STAFF_RANK_CSAT, DG_STAFF_RANK_REPEAT, DG_STAFF_RANK_RATING,
    DG_STAFF_RANK_REVENUE
} dg_staff_rank;

typedef struct dg_staff_options {
    dg_staff_by by;
    dg_staff_rank rank;
    int repeat_days;          /* 1..3650; 0 = DG_STAFF_DEFAULT_REPEAT_DAYS */
} dg_staff_options;

/* "staff" | "site" and "nps" | "csat" | "repeat" | "rating" | "revenue"; DG_EINVAL naming the
 * valid ones. */
int dg_staff_by_parse(const char *name, dg_staff_by *by, dg_error *err);
/* The rank measure by name into *rank; DG_EINVAL naming the valid ones. */
int dg_staff_rank_parse(const char *name, dg_staff_rank *rank, dg_error *err);

typedef struct dg_staff_unit {
    uint32_t code;            /* staff or site code in the frame's dictionary */
    uint32_t group;           /* by staff: the home site's code (0 = none); by site: 0 */
    uint32_t customers, orders;
    int64_t revenue_minor;
    uint32_t repeat_counts[2];   /* first-time customers who came back, who did not */
    uint32_t csat_counts[2];     /* answers 4-5, answers 1-3 */
    uint32_t nps_counts[3];      /* promoters, passives, detractors */
    uint32_t rating_counts[2];   /* interactions rated 4-5, rated 1-3 */
    dg_shrunk repeat, csat, nps, rating;   /* raw and shrunk; nps on -100..100 */
} dg_staff_unit;

typedef struct dg_staff_result {
    int32_t as_of;
    dg_staff_by by;
    int repeat_days;
    size_t n_units;              /* units with at least one order */
    dg_staff_unit *units;
    dg_shrink_prior repeat_prior, csat_prior, nps_prior, rating_prior;
    size_t orders_without_unit;  /* orders naming no staff member (no site) */
    size_t answers_unattributed; /* answers with no earlier order, or whose order names none */
} dg_staff_result;

/* Computes the units of frame. opt NULL: by staff, defaults. Caller frees with
 * dg_staff_result_clear. DG_ERANGE if a unit's revenue overflows. */
int dg_staff_compute(dg_staff_result *out, const dg_frame *frame, const dg_staff_options *opt,
                     dg_error *err);
void dg_staff_result_clear(dg_staff_result *result);   /* NULL is a no-op */

/* One row per unit, ranked by the shrunk rate (or revenue) of rank, with notes on the method,
 * the fitted priors and what could not be attributed. Caller frees the table. */
int dg_staff_table(dg_table **out, const dg_frame *frame, const dg_staff_result *result,
                   dg_staff_rank rank, dg_error *err);

/* ---- the service-profit chain (docs/staff.md) ----
 * Per site: the staff's own satisfaction (staff satisfaction surveys, the staff_surveys entity:
 * each response's mean answer rescaled to 0..100 by its scale, averaged over the site's
 * responses) beside the NPS, CSAT and repeat rate of the customers the site serves (the raw
 * rates of dg_staff_compute by site); across sites, Pearson's r of staff satisfaction with each
 * customer measure and its 95% interval by Fisher's z. A correlation, not a cause. */

#define DG_STAFF_CHAIN_MIN_SITES 4          /* the Fisher interval needs n - 3 > 0 */
#define DG_STAFF_CHAIN_DEFAULT_MIN_RESPONSES 3

/* One site's staff survey summary, as read from the store. */
typedef struct dg_staff_survey_site {
    const char *site;
    uint32_t responses;
    double satisfaction;      /* 0..100 */
} dg_staff_survey_site;

typedef enum dg_corr_status {
    DG_CORR_OK,               /* r and its interval are set */
    DG_CORR_TOO_FEW,          /* fewer than DG_STAFF_CHAIN_MIN_SITES pairs */
    DG_CORR_CONSTANT,         /* x or y takes one value only */
} dg_corr_status;

typedef struct dg_corr {
    dg_corr_status status;
    size_t n;
    double r, ci_low, ci_high, p;   /* set only when status is DG_CORR_OK */
} dg_corr;

/* Pearson's r of the n pairs (x[i], y[i]) with the 95% Fisher-z interval and the two-sided p of
 * t = r sqrt((n - 2) / (1 - r^2)); never NaN: too few pairs or a constant side set the status. */
void dg_corr_pearson(dg_corr *out, const double *x, const double *y, size_t n);

enum { DG_CHAIN_NPS, DG_CHAIN_CSAT, DG_CHAIN_REPEAT, DG_CHAIN_MEASURES };

typedef struct dg_staff_chain_row {
    const char *site;            /* borrowed from the frame or the survey summaries */
    uint32_t staff_responses;
    double staff_satisfaction;   /* valid when staff_responses > 0 */
    bool in_correlation;         /* staff_responses >= min_responses */
    uint32_t customers;
    size_t n[DG_CHAIN_MEASURES]; /* answers (first-time customers for repeat) */
    double value[DG_CHAIN_MEASURES];   /* NPS -100..100, CSAT and repeat 0..1; valid when n > 0 */
} dg_staff_chain_row;

typedef struct dg_staff_chain {
    int32_t as_of;
    int repeat_days, min_responses;
    size_t n_rows;
    dg_staff_chain_row *rows;    /* by site name */
    dg_corr corr[DG_CHAIN_MEASURES];
} dg_staff_chain;

/* The chain of frame's sites and the staff survey summaries of sites[n_sites] (answers on or
 * before the frame's as-of day). min_responses 0 = the default. Caller frees with
 * dg_staff_chain_clear; the rows borrow names from frame and sites. */
int dg_staff_chain_compute(dg_staff_chain *out, const dg_frame *frame,
                           const dg_staff_survey_site *sites, size_t n_sites, int repeat_days,
                           int min_responses, dg_error *err);
void dg_staff_chain_clear(dg_staff_chain *chain);   /* NULL is a no-op */

/* Two tables: the sites, and the correlations with their intervals, with the caveat that a
 * correlation across sites is not a cause and what was left out in the notes. */
int dg_staff_chain_tables(dg_table **sites, dg_table **corr, const dg_staff_chain *chain,
                          dg_error *err);

DG_API_END

#endif
