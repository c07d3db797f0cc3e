/* Cohort analysis: customers grouped by acquisition month (or acquisition channel, or the category
 * of their first purchase), and for each cohort and each month k since a customer's own
 * acquisition month: how many members were active (ordered at least once in that month), the
 * share of the members whose month k has begun by the as-of day (retention), and their revenue.
 * The core works on plain arrays (dg_cohort_input); dg_cohort_from_frame feeds it from a frame.
 * See docs/cube.md. */
#ifndef DANGOL_COHORT_H
#define DANGOL_COHORT_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_cohort_input {
    size_t n_customers;
    const int32_t *acquired_day;     /* [n_customers]; DG_DAY_NONE = never acquired (left out) */
    const uint32_t *cohort;          /* [n_customers] cohort code, or NULL: acquisition month */
    size_t n_labels;                 /* with cohort: its labels, in display order of the codes */
    const char *const *labels;
    size_t n_orders;                 /* orders grouped by customer (CSR) */
    const uint32_t *order_customer;  /* [n_orders] the customer of each, unless order_offset */
    const int32_t *order_day;
    const int64_t *order_revenue_minor;
    int32_t as_of;                   /* orders and acquisitions after it are left out */
    const size_t *order_offset;      /* or NULL; [n_customers + 1]: customer c's orders are
                                        order_offset[c] .. order_offset[c + 1] (a frame's) */
} dg_cohort_input;

typedef struct dg_cohort_result {
    size_t n_cohorts, n_periods;     /* period k = month k since acquisition, k = 0.. */
    char **labels;                   /* [n_cohorts] */
    int64_t *size;                   /* [n_cohorts] members */
    int64_t *eligible;               /* [cohort * n_periods + k] members whose month k began */
    int64_t *active;                 /* [cohort * n_periods + k] members with an order in it */
    int64_t *revenue_minor;          /* [cohort * n_periods + k] their revenue in it */
} dg_cohort_result;

/* Caller frees with dg_cohort_result_free. Orders dated before their customer's acquisition
 * month count in month 0. */
int dg_cohort_compute(dg_cohort_result **out, const dg_cohort_input *in, dg_error *err);
void dg_cohort_result_free(dg_cohort_result *r);  /* NULL is a no-op */

typedef enum { DG_COHORT_BY_MONTH, DG_COHORT_BY_CHANNEL, DG_COHORT_BY_CATEGORY } dg_cohort_by;

typedef enum {
    DG_COHORT_RETENTION,             /* active / eligible */
    DG_COHORT_ACTIVE,                /* active members */
    DG_COHORT_REVENUE,               /* revenue */
    DG_COHORT_REVENUE_PER_CUSTOMER,  /* revenue / cohort size */
} dg_cohort_measure;

/* Cohorts of a frame: acquisition day = the customer's acquired_on, else their first order day.
 * BY_CATEGORY needs a frame with lines (the category of the first line of the first order with
 * lines; "(none)" without). Caller frees with dg_cohort_result_free. */
int dg_cohort_from_frame(dg_cohort_result **out, const dg_frame *frame, dg_cohort_by by,
                         dg_error *err);

/* One row per non-empty cohort: cohort, customers, then M0, M1, ... (at most max_periods, 0 =
 * all); cells of months not begun yet are null. Caller frees with dg_table_free. */
int dg_cohort_table(dg_table **out, const dg_cohort_result *r, dg_cohort_measure measure,
                    int minor_digits, size_t max_periods, dg_error *err);

DG_API_END

#endif
