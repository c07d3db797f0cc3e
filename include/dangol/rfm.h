/* RFM: recency, frequency and monetary value per customer, quintile scores 1..5 and the named
 * segments (Champions ... Lost). Scores follow one deterministic tie rule (docs/loyalty.md):
 *
 *     score = 1 + floor(5 * below / n)
 *
 * where n is the number of customers with at least one order and `below` the number of them with
 * a strictly worse value (older last order, fewer orders, less spend), except at the ends: the
 * best value scores 5 as the worst scores 1 (a customer who bought on the as-of day is never
 * R 1), and when everyone ties the measure carries no information and everyone scores 3 (the
 * result and its tables say so). Equal values always get equal scores, so a tie group is never
 * split across bins; on heavily tied data (most customers bought once) some bins stay empty, and
 * the result says which. In SQL it is CASE WHEN min(v) OVER () = max(v) OVER () THEN 3
 * WHEN v = max(v) OVER () THEN 5 ELSE 1 + (5 * (RANK() OVER (ORDER BY v) - 1)) / n END.
 *
 * The segment map is data: a table of (R, F, M) score ranges read from a file the user can
 * replace (config/rfm_segments.csv holds the default, which is also built in). A map must cover
 * each of the 125 score combinations exactly once; one that does not is refused with the first
 * combination that is missing or claimed twice. */
#ifndef DANGOL_RFM_H
#define DANGOL_RFM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

#define DG_RFM_BINS 5
#define DG_RFM_NO_SEGMENT UINT16_MAX   /* customers without orders */

/* ---- the segment map ---- */

typedef struct dg_rfm_segment_map {
    size_t n_segments;
    char **names;                  /* in the order of first appearance in the file */
    uint16_t cell[5][5][5];        /* [R-1][F-1][M-1] -> segment index */
} dg_rfm_segment_map;

/* Parses a map from text ("segment,r,f,m" rows; ranges "4-5" or "3"; '#' comments). name is used
 * in error messages (file:line:column). Caller frees with dg_rfm_segment_map_free. */
int dg_rfm_segment_map_parse(dg_rfm_segment_map **out, const char *text, const char *name,
                             dg_error *err);
/* The built-in default (identical to config/rfm_segments.csv). */
int dg_rfm_segment_map_default(dg_rfm_segment_map **out, dg_error *err);
/* The built-in map's text (a static string). */
const char *dg_rfm_segment_map_default_text(void);
void dg_rfm_segment_map_free(dg_rfm_segment_map *map);  /* NULL is a no-op */
/* Index of the segment called name, or -1. */
int dg_rfm_segment_find(const dg_rfm_segment_map *map, const char *name);

/* ---- scores ---- */

typedef struct dg_rfm_options {
    int32_t as_of;          /* DG_DAY_NONE: the frame's as_of (must not be later than it) */
    bool monetary_mean;     /* M = mean order value instead of total spend */
} dg_rfm_options;

/* What one score bin of one measure holds: its customers and the range of their values. */
typedef struct dg_rfm_bin {
    size_t count;
    int64_t min, max;       /* of the raw measure (recency days, orders, minor units); 0 if empty */
} dg_rfm_bin;

typedef struct dg_rfm_result {
    int32_t as_of;
    size_t n_customers;     /* all customers of the frame (the length of the arrays) */
    size_t n_known;         /* those in the frame as of its as_of: all but a window's later
                             * ones (dg_frame_has_customer), which have frequency -1 and no row */
    size_t n_scored;        /* those with at least one order by as_of */
    int32_t *recency_days;  /* as_of - last order day; -1 without orders */
    int32_t *frequency;     /* orders by as_of; -1: not in the frame (a window's later customer) */
    int64_t *monetary_minor;/* total spend (or mean order value, rounded down) */
    int64_t *revenue_minor; /* total spend by as_of */
    uint8_t *r, *f, *m;     /* scores 1..5; 0 without orders */
    uint16_t *segment;      /* segment index, DG_RFM_NO_SEGMENT without orders */
    dg_rfm_bin bins[3][DG_RFM_BINS];  /* [0]=R [1]=F [2]=M, [score-1] */
    bool any_empty_bin;
    bool no_information[3]; /* [0]=R [1]=F [2]=M: every scored customer ties (all score 3) */
} dg_rfm_result;

/* Computes RFM for every customer of frame (a window too) as of opts->as_of, segmenting with map (NULL: no
 * segments, segment[] all DG_RFM_NO_SEGMENT). opts NULL = defaults. Caller frees with
 * dg_rfm_result_clear. */
int dg_rfm_compute(dg_rfm_result *out, const dg_frame *frame,
                   const dg_rfm_options *opts, const dg_rfm_segment_map *map, dg_error *err);
/* What RFM reads of each customer, as a store that aggregates the orders itself hands it (a
 * cluster's nodes: one row per customer, docs/postgresql.md "Cluster"): the frame's customers
 * in the frame's order, each with their orders, spend and last order day by as_of. The scores
 * are those dg_rfm_compute gives the frame the totals were taken from. */
typedef struct dg_rfm_totals {
    int32_t as_of;
    size_t n_customers;
    const int32_t *orders;       /* orders by as_of; -1: not in the frame as of as_of */
    const int64_t *spend_minor;  /* their total */
    const int32_t *last_day;     /* day of the last of them (ignored without orders) */
} dg_rfm_totals;

/* dg_rfm_compute from totals instead of a frame (the same scoring). */
int dg_rfm_compute_totals(dg_rfm_result *out, const dg_rfm_totals *totals, bool monetary_mean,
                          const dg_rfm_segment_map *map, dg_error *err);
void dg_rfm_result_clear(dg_rfm_result *result);  /* frees the arrays; NULL is a no-op */

/* Scores values[0..n-1] (higher = better) with the tie rule above into score[] (1..5), filling
 * bins (may be NULL). Exposed for other models that need the same quintiles. */
int dg_rfm_quintiles(const int64_t *values, size_t n, uint8_t *score, dg_rfm_bin bins[DG_RFM_BINS]);

/* ---- reports ---- */

/* Adds to t a note for each measure on which every scored customer ties ("carries no
 * information"); every RFM table below carries them. 0 or DG_ENOMEM. */
int dg_rfm_add_notes(const dg_rfm_result *rfm, dg_table *t);

/* One row per segment: customers, share of scored customers, revenue, share of revenue, mean
 * recency/frequency/monetary; then a row for customers without orders. Caller frees. */
int dg_rfm_segment_table(dg_table **out, const dg_frame *frame,
                         const dg_rfm_result *rfm, const dg_rfm_segment_map *map, dg_error *err);
/* One row per measure and score: customers and value range; empty bins are marked. */
int dg_rfm_bin_table(dg_table **out, const dg_rfm_result *rfm, int minor_digits, dg_error *err);
/* One row per (R, F) score pair, R 5..1 then F 1..5: scored customers and their revenue. */
int dg_rfm_grid_table(dg_table **out, const dg_rfm_result *rfm, int minor_digits, dg_error *err);
/* One row per customer: id, recency, frequency, monetary, R, F, M, segment. */
int dg_rfm_customer_table(dg_table **out, const dg_frame *frame,
                          const dg_rfm_result *rfm, const dg_rfm_segment_map *map, dg_error *err);

DG_API_END

#endif
