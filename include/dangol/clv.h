/* Customer lifetime value on top of the BTYD models (dangol/btyd.h): the calibration summary of a
 * transaction log (frequency, recency, T, mean repeat value, holdout counts), per-customer
 * P(alive), expected purchases, expected spend and discounted CLV, the cumulative repeat-purchase
 * tracking curve of the papers, and calibration/holdout validation. dg_clv_run does it all in one
 * call for the CLI, the customer card and the demo. Pure functions; formulas in docs/clv.md. */
#ifndef DANGOL_CLV_H
#define DANGOL_CLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/btyd.h"
#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

/* A transaction log: one row per order. customer[i] is a dense index < n_customers. Value comes
 * from value (any unit) or, when value is NULL, from amount_minor / 10^minor_digits; both NULL =
 * no monetary value. Rows need not be sorted. Borrowed. */
typedef struct dg_clv_transactions {
    size_t n;
    size_t n_customers;
    const uint32_t *customer;
    const int32_t *day;             /* days since 1970-01-01 */
    const double *value;
    const int64_t *amount_minor;
    int minor_digits;
    char *const *customer_id;       /* may be NULL; names customer index c in messages */
    const size_t *offset;           /* or NULL; [n_customers + 1]: the transactions grouped by
                                       customer, c's from offset[c] to offset[c + 1] (a frame's
                                       orders), and customer is not read */
} dg_clv_transactions;

typedef struct dg_clv_period {
    int32_t calibration_end;        /* last day of the calibration period (inclusive) */
    int32_t holdout_end;            /* last day of the holdout (inclusive); <= calibration_end: none */
    double days_per_unit;           /* 7 = weeks (the papers' unit), 1 = days */
    bool discrete;                  /* count whole periods of days_per_unit (BG/BB), below */
} dg_clv_period;

/* Summary of the customers who bought in the calibration period (the others are not in it).
 * Transactions on the same day are merged into one (values summed; amounts in minor units as
 * integers). x counts repeat
 * transactions; t_x is the time of the last one since the first purchase; T runs from the first
 * purchase to calibration_end; monetary is the mean value of the repeat transactions (0 if x = 0).
 * Times in units of days_per_unit.
 * Discrete (BG/BB, Fader, Hardie & Shang 2010): every period of days_per_unit days (a whole
 * number) is one transaction opportunity. Periods are laid back to back ending on
 * calibration_end; the one holding the first purchase is period 0. x = periods 1.. with at least
 * one purchase, t_x = the last of them (0 if x = 0), T = n = whole periods after period 0;
 * monetary = mean value per purchasing period; holdout_frequency = purchasing periods among the
 * holdout_length whole periods after calibration_end. Purchases in period 0 after the first are
 * not counted. */
typedef struct dg_clv_summary {
    size_t n;                       /* customers in the summary */
    uint32_t *customer;             /* their index in the transaction log */
    double *frequency, *recency, *T, *monetary;
    int32_t *first_day;
    double *holdout_frequency;      /* transactions in (calibration_end, holdout_end] */
    double holdout_length;          /* (holdout_end - calibration_end) in units; 0 without holdout */
    double days_per_unit;
    bool discrete;
    int32_t calibration_end;
    double *weight;                 /* NULL, or customers per row (a pre-aggregated summary CSV);
                                     * owned */
    const char **id;                /* each row's customer id for messages (borrowed from the
                                     * log, frame or reader; entries may be NULL) */
    int money_decimals;             /* decimals its money is shown with: the store currency's
                                     * minor digits (amount_minor), else 2 (values from a file) */
} dg_clv_summary;

/* Builds the summary. Caller frees with dg_clv_summary_free. DG_EINVAL when period->discrete
 * and days_per_unit is not a whole number of days. */
int dg_clv_summary_build(dg_clv_summary **out, const dg_clv_transactions *tx,
                         const dg_clv_period *period, dg_error *err);
/* An empty summary of n customers for period (its days_per_unit, discrete, calibration_end
 * and holdout_length as dg_clv_summary_build sets them; money_decimals = minor_digits, or 2 when
 * it is < 0), to be filled with dg_clv_summary_set. DG_EINVAL as dg_clv_summary_build. */
int dg_clv_summary_new(dg_clv_summary **out, size_t n, const dg_clv_period *period,
                       int minor_digits, dg_error *err);

/* One customer's transactions as a summary row needs them: dg_clv_summary_build counts them
 * from the log; a cluster's nodes count them per customer (docs/postgresql.md "Cluster"). */
typedef struct dg_clv_repeats {
    int32_t first_day;              /* the first purchase */
    int32_t last;                   /* continuous: the day of the last repeat transaction
                                     * (first_day without one); discrete: the number of the last
                                     * period with one (0 without one) */
    int64_t count;                  /* repeat transactions up to calibration_end: purchase days
                                     * after the first (continuous), periods after the first's
                                     * with a purchase (discrete) */
    int64_t spend_minor;            /* the amounts of those transactions, in minor units */
    int64_t holdout;                /* transactions in the holdout, counted the same way */
} dg_clv_repeats;

/* Row k of s from r: frequency, recency, T, holdout frequency, first_day and the mean repeat
 * value spend_minor / (count * 10^money_decimals) in major units, one division of two exact
 * numbers (the double nearest the exact mean). s's period fields (days_per_unit, discrete,
 * calibration_end, money_decimals) must be set; customer and id are the caller's. */
void dg_clv_summary_set(dg_clv_summary *s, size_t k, const dg_clv_repeats *r);

/* Allocates an empty summary of n customers (to be filled by a reader, e.g. a summary CSV);
 * weight stays NULL. */
int dg_clv_summary_alloc(dg_clv_summary **out, size_t n, dg_error *err);
void dg_clv_summary_free(dg_clv_summary *summary);  /* NULL is a no-op */

/* The BTYD data view of a summary (borrows its arrays). */
dg_btyd_data dg_clv_summary_data(const dg_clv_summary *summary);

/* Discounted expected value over the next `horizon` units:
 *   CLV = sum_{k=1..H} [E(Y(k)) - E(Y(k-1))] * spend / (1 + d)^k
 * with E(Y(k)) = dg_btyd_expected(..., k) and d the discount rate per unit; a fractional last
 * step is counted with its fraction. spend = expected value of one transaction; 0 when spend or
 * horizon is not > 0. spend * dg_btyd_discounted_expected. */
double dg_clv_value(const dg_btyd_params *params, double x, double t_x, double T, double spend,
                    double horizon, double discount_rate);

/* The defaults of every CLV figure (CLI, API, dashboard, customer card, demo; docs/clv.md): the
 * next 52 units (weeks), undiscounted. A table of CLV states the horizon and rate it used. */
#define DG_CLV_DEFAULT_HORIZON 52.0
#define DG_CLV_DEFAULT_DISCOUNT_RATE 0.0

typedef struct dg_clv_options {
    dg_btyd_model model;
    bool spend;                     /* fit Gamma-Gamma on the summary's monetary values */
    double horizon;                 /* units; for expected purchases and CLV */
    double discount_rate;           /* per unit */
    dg_fit_options fit;
} dg_clv_options;

/* Everything one CLV analysis produces, per summary customer (same order as summary). */
typedef struct dg_clv_report {
    dg_clv_summary *summary;        /* owned */
    dg_btyd_fit fit;
    bool has_spend;
    dg_gg_fit spend_fit;
    double horizon, discount_rate;
    double *p_alive;
    double *expected_purchases;     /* in the next `horizon` units */
    double *expected_spend;         /* per transaction; 0 without a spend model; NAN (no
                                     * prediction) for a customer the spend model left out
                                     * because the mean repeat value is <= 0 (refunds) */
    double *clv;                    /* 0 without a spend model; NAN with expected_spend */
    double *dert;                   /* Pareto/NBD with discount_rate > 0: discounted expected
                                     * residual transactions (dg_btyd_dert at delta =
                                     * log(1 + discount_rate)); NULL otherwise */
} dg_clv_report;

/* Fits the model (and Gamma-Gamma) on summary and predicts every customer. Takes ownership of
 * summary (also on failure). Caller frees with dg_clv_report_free. */
int dg_clv_run(dg_clv_report **out, dg_clv_summary *summary, const dg_clv_options *opt,
               dg_error *err);
/* Predictions only, with given parameters (spend may be NULL), by dg_btyd_predict on `threads`
 * threads (0: the online cores). Same ownership as dg_clv_run. */
int dg_clv_predict(dg_clv_report **out, dg_clv_summary *summary,
                   const dg_btyd_params *params, const dg_gg_params *spend, double horizon,
                   double discount_rate, int threads, dg_error *err);
void dg_clv_report_free(dg_clv_report *report);  /* NULL is a no-op */

/* Row of customer (an index of the transaction log or frame) in the report, or -1 when the
 * customer did not buy in the calibration period. O(log n). */
long dg_clv_report_find(const dg_clv_report *report, uint32_t customer);

/* The "Lifetime value" section of a customer card for summary row `row` of report (-1: the
 * customer made no purchase in the calibration period): model, P(alive), expected purchases over
 * the horizon, expected spend per purchase, CLV and the summary it rests on, as (item, value)
 * rows, money with the currency's minor_digits. NULL when out of memory. Caller frees with
 * dg_table_free (or hands it to dg_card_add). */
dg_table *dg_clv_card_section(const dg_clv_report *report, long row, int minor_digits);

/* ---- result tables (the HTTP API and the dashboard) ---- */

/* The report's customers ranked by CLV (by expected purchases without a spend model), the top
 * `top` of them (0 = all): id, frequency, recency, T, monetary, P(alive), expected purchases,
 * expected spend, CLV, and DERT when the report has it. names[summary->customer[i]] names row i. Caller frees with dg_table_free. */
int dg_clv_rank_table(dg_table **out, const dg_clv_report *report, char *const *names,
                      size_t top, dg_error *err);

typedef enum { DG_CLV_HIST_VALUE, DG_CLV_HIST_P_ALIVE } dg_clv_histogram;

/* Histogram: from, to, customers, share. VALUE: 20 equal bins of CLV (expected purchases without
 * a spend model) from 0 to the 99th percentile, the last one open; P_ALIVE: 10 bins of 0.1. */
int dg_clv_histogram_table(dg_table **out, const dg_clv_report *report, dg_clv_histogram what,
                           dg_error *err);

/* ---- from a frame (the store) ---- */

/* The frame's orders as a transaction log (borrows the frame's arrays; values are the order
 * amounts in major units of the store currency). */
dg_clv_transactions dg_clv_frame_transactions(const dg_frame *frame);

/* Summary, fits and per-customer predictions for a frame (a window too, whose period must end
 * by its day: DG_EINVAL) in one call: the period's calibration_end defaults (DG_DAY_NONE) to
 * the frame's as-of day; BG/BB always gets the discrete summary. The report's
 * summary->customer[] are frame customer indexes (names: frame->customer_id). Caller frees with
 * dg_clv_report_free. */
int dg_clv_frame_run(dg_clv_report **out, const dg_frame *frame,
                     const dg_clv_period *period, const dg_clv_options *opt, dg_error *err);

/* Holdout validation: predicted E(Y(holdout_length)) against the actual holdout counts. */
typedef struct dg_clv_validation {
    size_t n;
    double holdout_length;
    double mae, rmse, correlation;
    double total_predicted, total_actual;
} dg_clv_validation;

/* Predicts each customer's holdout transactions with params and compares them with the actual
 * ones into *out (no allocation): MAE, RMSE, correlation and totals. DG_EINVAL for a summary
 * without a holdout period, DG_ENOMEM. */
int dg_clv_validate(dg_clv_validation *out, const dg_clv_summary *summary,
                    const dg_btyd_params *params, dg_error *err);

/* The tracking curve of FHL (2005) fig. 1/2: cumulative repeat transactions of the cohort at the
 * end of each of n_periods periods of period_days days from start_day, actual (from the log,
 * same-day purchases merged, first purchases excluded) and expected (sum over customers of
 * E[X(t - first purchase)]). Customers enter at their first purchase. Arrays of n_periods. */
int dg_clv_tracking(const dg_clv_transactions *tx, const dg_btyd_params *params,
                    int32_t start_day, int period_days, size_t n_periods, double days_per_unit,
                    double *actual_cumulative, double *expected_cumulative, dg_error *err);

DG_API_END

#endif
