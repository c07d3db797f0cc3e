/* The report layer: one entry per report the CLI and the HTTP API show (RFM, stages, loyalty,
 * lifetime value, the cube, cohorts, KPIs, the customer card). An entry takes its inputs as data
 * (a frame, a cube or a CLV fit built once by the caller and handed in, never rebuilt here) and
 * its options as a struct, and returns result tables; the front ends only translate their
 * arguments into options and the tables into their formats. The layer also owns what the
 * analytics must not do: reading the store (dg_report_frame, dg_report_query) and reading config
 * files (dg_*_load). Errors: every entry returns 0 or a DG_E* code with err filled; a bad option
 * is DG_EINVAL naming the valid values. */
#ifndef DANGOL_REPORT_H
#define DANGOL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/auth.h"
#include "dangol/campaign.h"
#include "dangol/clv.h"
#include "dangol/clv_io.h"
#include "dangol/consult.h"
#include "dangol/cvalue.h"
#include "dangol/cube.h"
#include "dangol/economics.h"
#include "dangol/card.h"
#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/lookalike.h"
#include "dangol/loyalty.h"
#include "dangol/model.h"
#include "dangol/points.h"
#include "dangol/rfm.h"
#include "dangol/segment.h"
#include "dangol/stage.h"
#include "dangol/staff.h"
#include "dangol/store.h"
#include "dangol/table.h"
#include "dangol/tier.h"
#include "dangol/ticket.h"

DG_API_BEGIN

#define DG_REPORT_MAX_TABLES 3

/* The tables of one report, in display order. Zero-initialise (or dg_report_init) before use;
 * the report owns its tables until dg_report_clear. */
typedef struct dg_report {
    dg_table *tables[DG_REPORT_MAX_TABLES];
    size_t n_tables;
    unsigned flags;        /* DG_REPORT_* remarks a front end may show beside the tables */
} dg_report;

/* RFM: some score bins are empty, because tied values are never split across bins. */
#define DG_REPORT_EMPTY_BINS 1u

/* Empties a caller's report before its first use. Cannot fail. */
void dg_report_init(dg_report *report);
/* Frees the tables and empties the report; the dg_report itself is the caller's. */
void dg_report_clear(dg_report *report);
/* Appends table (the report takes it, also on failure: DG_ENOMEM when table is NULL or the
 * report is full). */
int dg_report_add(dg_report *report, dg_table *table, dg_error *err);

/* ---- the store ---- */

/* The frame every report starts from: the store as of as_of (DG_DAY_NONE: its last day), with
 * order lines when with_lines. Caller frees *out with dg_frame_free. */
int dg_report_frame(dg_frame **out, dg_store *store, int32_t as_of, bool with_lines,
                    dg_error *err);
/* The same with every option of dg_frame_from_store (the columns a report reads). */
int dg_report_frame_of(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                       dg_error *err);

/* A report named by its key/value query, as the CLI options and the HTTP query strings give it:
 * name is "cube" (keys of dg_cube_query_set, and as_of), "cohort" (by, measure, periods, as_of)
 * or "kpi" (months, as_of). Builds the frame (with order lines only when the query needs them)
 * and runs the report on it. params is key, value, ..., NULL. */
int dg_report_query(dg_report *out, dg_store *store, const char *name,
                    const char *const *params, dg_error *err);

/* The cube query params (keys of dg_cube_query_set; as_of is skipped: it chose the frame) on a
 * cube built once by the caller. One table. */
int dg_report_cube(dg_report *out, const dg_cube *cube, const char *const *params,
                   dg_error *err);
/* The cohort query params (by, measure, periods; as_of is checked and skipped: it chose the
 * frame) on a frame built once by the caller; by=category needs a frame with order lines. One
 * table. */
int dg_report_cohort(dg_report *out, const dg_frame *frame, const char *const *params,
                     dg_error *err);
/* The monthly KPIs of the last months calendar months (1..DG_KPI_MONTHS_MAX). One table. */
int dg_report_kpi(dg_report *out, const dg_frame *frame, int months, dg_error *err);

/* ---- config files (the analytics parse text; reading files is done here) ---- */

/* Reads the file at path whole into *text (NUL-terminated; caller frees with free()): a
 * certificate, a rules file. DG_ENOTFOUND or DG_EIO naming the path. */
int dg_text_file_read(char **text, const char *path, dg_error *err);

/* Reads and parses the segment map file at path. Caller frees with dg_rfm_segment_map_free. */
int dg_rfm_segment_map_load(dg_rfm_segment_map **out, const char *path, dg_error *err);
/* Reads the stage rules file at path over *rules (keys not in the file keep their value). */
int dg_stage_rules_load(dg_stage_rules *rules, const char *path, dg_error *err);
/* Reads the loyalty settings file at path over *config. */
int dg_loyalty_config_load(dg_loyalty_config *config, const char *path, dg_error *err);
/* Reads and parses the consultation-type rules at path. Caller frees with
 * dg_consult_rules_free. */
int dg_consult_rules_load(dg_consult_rules **out, const char *path, dg_error *err);
/* The consultation types of the file at path (config/consult_types.conf); caller frees with
 * dg_consult_types_free. */
int dg_consult_types_load(dg_consult_types **out, const char *path, dg_error *err);

/* Reads the points earning rules file at path over *rules (dg_points_rules_parse). */
int dg_points_rules_load(dg_points_rules *rules, const char *path, dg_error *err);

/* ---- RFM ---- */

typedef enum dg_rfm_view {
    DG_RFM_VIEW_SEGMENTS,    /* segment sizes and revenue shares */
    DG_RFM_VIEW_BINS,        /* the score bins of R, F and M with their ranges */
    DG_RFM_VIEW_GRID,        /* customers and revenue per (R, F) */
    DG_RFM_VIEW_CUSTOMERS    /* one row per customer */
} dg_rfm_view;

typedef struct dg_report_rfm_options {
    dg_rfm_view view;
    bool monetary_mean;               /* M is the mean order value */
    const dg_rfm_segment_map *map;    /* NULL: the built-in map */
} dg_report_rfm_options;

/* Parses a view name ("segments", "bins", "grid", "customers"); DG_EINVAL if unknown. */
int dg_rfm_view_parse(const char *name, dg_rfm_view *view, dg_error *err);
/* opt NULL: the segments view with the defaults. One table; DG_REPORT_EMPTY_BINS in flags when
 * some score bins are empty. */
int dg_report_rfm(dg_report *out, const dg_frame *frame, const dg_report_rfm_options *opt,
                  dg_error *err);
/* The same read from store as of as_of (DG_DAY_NONE: its last day): from the frame, or on a
 * cluster from one per-customer aggregate of the orders pushed to the nodes (the same report). */
int dg_report_rfm_store(dg_report *out, dg_store *store, int32_t as_of,
                        const dg_report_rfm_options *opt, dg_error *err);

/* ---- the relationship ladder ---- */

typedef enum dg_stage_view {
    DG_STAGE_VIEW_COUNTS,      /* customers per stage and activity at `at` */
    DG_STAGE_VIEW_FUNNEL,      /* the funnel at `at` */
    DG_STAGE_VIEW_MIGRATION,   /* stage at `from` (rows) against stage at `at` (columns) */
    DG_STAGE_VIEW_HISTORY,     /* counts at every month end from `from` to `at` */
    DG_STAGE_VIEW_CUSTOMERS    /* one row per customer at `at` */
} dg_stage_view;

typedef struct dg_report_stage_options {
    dg_stage_view view;
    const dg_stage_rules *rules;   /* NULL: the built-in rules */
    int32_t at;                    /* DG_DAY_NONE: the frame's as-of day */
    int32_t from;                  /* migration, history; DG_DAY_NONE: a year before at */
} dg_report_stage_options;

/* Fails with DG_EINVAL unless from <= at <= the frame's as-of day. One table. */
int dg_report_stage(dg_report *out, const dg_frame *frame, const dg_report_stage_options *opt,
                    dg_error *err);

/* ---- loyalty ---- */

typedef enum dg_loyalty_view {
    DG_LOYALTY_VIEW_SUMMARY,     /* the measures with n and 95% intervals */
    DG_LOYALTY_VIEW_CUSTOMERS,   /* one row per customer */
    DG_LOYALTY_VIEW_GROUPS,      /* the summary, NPS by RFM segment, NPS by behavioural
                                    stage (3 tables) */
    DG_LOYALTY_VIEW_SEGMENTS,    /* NPS and CSAT by RFM segment (one table) */
    DG_LOYALTY_VIEW_STAGES       /* NPS and CSAT by behavioural stage (one table) */
} dg_loyalty_view;

typedef struct dg_report_loyalty_options {
    dg_loyalty_view view;
    const dg_loyalty_config *config;   /* NULL: the built-in weights */
    const dg_stage_rules *rules;       /* NULL: the built-in rules */
    const dg_rfm_segment_map *map;     /* NULL: the built-in map */
} dg_report_loyalty_options;

/* The frame needs order lines (category breadth). */
int dg_report_loyalty(dg_report *out, const dg_frame *frame,
                      const dg_report_loyalty_options *opt, dg_error *err);

/* ---- lifetime value ---- */

typedef enum dg_clv_view {
    DG_CLV_VIEW_TOP,       /* the customers ranked by CLV */
    DG_CLV_VIEW_VALUE,     /* histogram of CLV */
    DG_CLV_VIEW_P_ALIVE    /* histogram of P(alive) */
} dg_clv_view;

/* One view of a fitted CLV report (dg_clv_frame_run on frame; the fit is the caller's, built
 * once and handed in). top: rows of DG_CLV_VIEW_TOP (0 = all). One table. */
int dg_report_clv(dg_report *out, const dg_frame *frame, const dg_clv_report *fit,
                  dg_clv_view view, size_t top, dg_error *err);

/* What the `clv` reports work on: a customer summary with the customers' ids and, unless the
 * summary was read from a file, the transactions it was built from. */
typedef struct dg_clv_input {
    dg_clv_log *log;             /* from a transaction log */
    dg_frame *frame;             /* from the store */
    dg_clv_transactions tx;      /* of the log or the frame; tx.n = 0 for a summary file or a
                                  * cluster's counts (summary_only) */
    dg_clv_summary *summary;
    char **ids;                  /* id of each summary customer */
    size_t n_ids;
} dg_clv_input;

typedef struct dg_clv_input_options {
    const char *summary_path;    /* a summary CSV (dg_clv_summary_read), or */
    const char *log_path;        /* a transaction log (dg_clv_log_read); neither: the store */
    int32_t store_as_of;         /* the store's frame as of this day (DG_DAY_NONE: its last) */
    int32_t calibration_end;     /* DG_DAY_NONE: the last transaction day */
    int32_t holdout_end;         /* DG_DAY_NONE: the last transaction day */
    double days_per_unit;        /* 7 = weeks, 1 = days */
    bool discrete;               /* whole periods (BG/BB) */
    bool summary_only;           /* the summary alone is wanted, not in->tx: on a cluster it is
                                  * counted on the nodes (docs/postgresql.md "Cluster") */
} dg_clv_input_options;

/* Loads the input (store may be NULL when a file is named) and builds the summary of the
 * calibration period. DG_EINVAL when there are no transactions or the calibration ends before
 * the first. Caller empties *in with dg_clv_input_clear, also on failure. */
int dg_clv_input_load(dg_clv_input *in, dg_store *store, const dg_clv_input_options *opt,
                      dg_error *err);
void dg_clv_input_clear(dg_clv_input *in);   /* NULL is a no-op */

/* `clv predict`: the customers ranked by CLV (top rows, 0 = all). Takes in->summary (dg_clv_run
 * consumes it); the rest of in stays the caller's. */
int dg_report_clv_predict(dg_report *out, dg_clv_input *in, const dg_clv_options *opt,
                          size_t top, dg_error *err);
/* `clv fit`: the fitted parameters of model (and of Gamma-Gamma when spend), one row each;
 * fit_opt may be NULL (the defaults of dg_fit_options). */
int dg_report_clv_fit(dg_report *out, const dg_clv_summary *summary, dg_btyd_model model,
                      bool spend, const dg_fit_options *fit_opt, dg_error *err);
/* `clv validate`: holdout error measures of model fitted on the calibration period. */
int dg_report_clv_validate(dg_report *out, const dg_clv_summary *summary, dg_btyd_model model,
                           dg_error *err);
/* `clv track`: actual and expected cumulative transactions per period of period_days. */
int dg_report_clv_track(dg_report *out, const dg_clv_summary *summary,
                        const dg_clv_transactions *tx, dg_btyd_model model, int period_days,
                        double days_per_unit, dg_error *err);

/* ---- internal customers: staff and sites ---- */

/* Customers served, revenue, the repeat rate of first-time customers, CSAT and NPS per staff
 * member or site, shrunk by empirical Bayes with 95% intervals and ranked (dangol/staff.h).
 * opt NULL: by staff, ranked by NPS. One table; with nothing to show it is empty and its notes
 * say why. */
int dg_report_staff(dg_report *out, const dg_frame *frame, const dg_staff_options *opt,
                    dg_error *err);

/* The service-profit chain (dangol/staff.h): per site the staff's satisfaction (the store's
 * staff_surveys on or before the frame's as-of day) beside the site's customers' NPS, CSAT and
 * repeat rate, and their correlations across sites with Fisher-z intervals. Two tables, each
 * with the caveat that a correlation is not a cause. repeat_days, min_responses: 0 = defaults. */
int dg_report_staff_chain(dg_report *out, const dg_frame *frame, dg_store *store,
                          int repeat_days, int min_responses, dg_error *err);

/* ---- consultation types ---- */

typedef struct dg_report_types_options {
    bool suggestions;                  /* the rules' table instead of the analytics by type */
    const dg_consult_rules *rules;     /* NULL: the built-in rules */
} dg_report_types_options;

/* opt NULL: the analytics by type (dangol/consult.h). One table. */
int dg_report_types(dg_report *out, const dg_frame *frame, const dg_report_types_options *opt,
                    dg_error *err);

/* ---- the customer card ---- */

typedef struct dg_report_card_options {
    const dg_clv_report *fit;     /* BG/NBD + Gamma-Gamma over 52 weeks fitted on frame; NULL:
                                     fitted here (once per call) */
    const dg_error *fit_error;    /* with fit NULL: the failure of the caller's fit attempt,
                                     shown on the card instead of fitting again */
    const dg_consult_rules *type_rules;   /* suggest a type to a customer without one; NULL:
                                             the built-in rules */
    const dg_consult_types *types;   /* names and guidance of the consultation types; NULL: the
                                        built-in ones */
    const char *lang;             /* the type's name and guidance in "en" or "ko"; NULL: both */
    bool mask_personal;           /* the card's personal fields masked (dangol/mask.h) */
    const dg_segmentation *segments;   /* the default segmentation of frame (as `dangol
                                          segment`), the caller's: the server keeps one per
                                          snapshot */
    const dg_error *segment_error;     /* with segments NULL: why the caller has none (too
                                          few customers), shown on the card */
    bool run_segments;                 /* with neither: run the segmentation here (k-means
                                          over every customer, seconds on a large store);
                                          false: the segment line says how to get it */
} dg_report_card_options;

/* The card of customer_id (dg_card_build) and, when frame is not NULL, its analytic sections
 * (stage, RFM, loyalty index, lifetime value) relative to the whole frame, its churn risk (the
 * latest stored churn model on the features of the frame's as-of day: probability and risk
 * decile) and its k-means segment, and for a customer
 * without a type the type the rules suggest, with the rule and the type's guidance. DG_ENOTFOUND if there
 * is no such customer. Caller frees with dg_card_clear, also on failure. */
int dg_report_card(dg_card *card, dg_store *store, const dg_frame *frame,
                   const char *customer_id, const dg_report_card_options *opt, dg_error *err);
/* Appends the loyalty programme's sections of customer_id to card: the tier and tier history
 * (dg_report_tier_customer, the last evaluated day), the points balance today
 * (dg_report_points_balance), the coupons (dg_report_coupon_customer) and the campaigns
 * (dg_report_campaign_customer), whole_codes as there. DG_ENOTFOUND for an unknown customer. */
int dg_report_card_programme(dg_card *card, dg_store *store, const char *customer_id,
                             bool whole_codes, dg_error *err);
/* The CLV options the card's fit uses (the defaults of `clv predict` and /api/clv). */
void dg_report_card_clv_options(dg_clv_options *opt);

/* ---- the points ledger (dangol/points.h) ---- */

/* Balances on day (DG_POINTS_TODAY: today): of customer_id (one row: available, ledger sum,
 * expired but not swept, open lots, next expiry), or with customer_id NULL the customers ranked
 * by available points (top rows, 0 = all); expired lots never count, swept or not. DG_ENOTFOUND
 * for an unknown customer. One table. */
int dg_report_points_balance(dg_report *out, dg_store *store, const char *customer_id,
                             int32_t day, size_t top, dg_error *err);
/* The customer's ledger in order with a running balance, and their lots (points, debited,
 * expired, remaining). Two tables. */
int dg_report_points_statement(dg_report *out, dg_store *store, const char *customer_id,
                               dg_error *err);
/* The liability on as_of: outstanding points and their money value (rules->point_value_minor),
 * points expiring within 30/60/90 days, outstanding points by age since earned, and the
 * historical breakage (expired over earned) per expiry year. Three tables. */
int dg_report_points_liability(dg_report *out, dg_store *store, const dg_points_rules *rules,
                               int32_t as_of, dg_error *err);

/* ---- customer tiers (dangol/tier.h) ---- */

/* Reads the tier rules file at path and parses it over *rules (dg_tier_rules_parse, errors at
 * path:line:column); *text (caller frees with free()) is the file's text, which an evaluation
 * keeps in the store. */
int dg_tier_rules_load(dg_tier_rules *rules, char **text, const char *path, dg_error *err);

/* A customer's tier on day (DG_DAY_NONE: the last evaluated day) under the stored rules: code,
 * names, since, the measure over the window ending on day, the next tier and what it still
 * takes, the benefits; and the tier history up to day. DG_ENOTFOUND for an unknown customer.
 * Two tables. */
int dg_report_tier_customer(dg_report *out, dg_store *store, const char *customer_id,
                            int32_t day, dg_error *err);
/* Customers per tier on day (DG_DAY_NONE: the last evaluated day), with shares. One table. */
int dg_report_tier_distribution(dg_report *out, dg_store *store, int32_t day, dg_error *err);
/* Customers by tier on from (rows) and on to (columns); DG_EINVAL when from > to. One table. */
int dg_report_tier_migration(dg_report *out, dg_store *store, int32_t from, int32_t to,
                             dg_error *err);

typedef enum dg_tier_crosstab_by {
    DG_TIER_BY_STAGE,      /* the relationship stage on the frame's as-of day (built-in rules) */
    DG_TIER_BY_SEGMENT     /* the RFM segment on that day (built-in map) */
} dg_tier_crosstab_by;
/* "stage"/"단계" or "segment"/"세그먼트"; DG_EINVAL naming the valid ones. */
int dg_tier_crosstab_by_parse(const char *text, dg_tier_crosstab_by *by, dg_error *err);
/* Customers of frame by tier on frame->as_of (rows) and by stage or segment (columns). One
 * table. */
int dg_report_tier_crosstab(dg_report *out, dg_store *store, const dg_frame *frame,
                            dg_tier_crosstab_by by, dg_error *err);

/* ---- VOC tickets (dangol/ticket.h) ---- */

/* Reads the business calendar file at path (dg_calendar_parse). */
int dg_calendar_load(dg_calendar *cal, const char *path, dg_error *err);
/* Reads the SLA file at path over *sla (dg_ticket_sla_parse). */
int dg_ticket_sla_load(dg_ticket_sla *sla, const char *path, dg_error *err);

/* The SLA state of a ticket's first response or resolution at as_of: "met", "late" (done after
 * its due time), "pending" (not done, not due yet) or "breached" (not done, due time passed). */
const char *dg_ticket_sla_status(int64_t done_at, int64_t due, int64_t as_of);

/* One ticket: its fields with the SLA states at as_of and the business hours left to the next
 * due time, then its events in order. Two tables; DG_ENOTFOUND for an unknown ticket. */
int dg_report_ticket_show(dg_report *out, dg_store *store, const dg_calendar *cal,
                          int64_t ticket_id, int64_t as_of, dg_error *err);

typedef enum dg_ticket_view {
    DG_TICKET_VIEW_LIST,       /* every ticket (filtered by customer and state) */
    DG_TICKET_VIEW_BREACHED,   /* tickets not resolved at as_of with a due time passed */
    DG_TICKET_VIEW_AT_RISK     /* tickets not resolved, not breached, whose next due time is
                                  within within_s business seconds of as_of */
} dg_ticket_view;

/* A list of tickets, one row each with the SLA states at as_of. customer_id and state (a
 * dg_ticket_state, -1 for any) filter the list view; agent (NULL: everyone's) keeps every view to
 * the tickets of the customers that agent may see (dg_user_customer_allowed). One table. */
int dg_report_ticket_list(dg_report *out, dg_store *store, const dg_calendar *cal,
                          dg_ticket_view view, const char *customer_id, int state, int64_t as_of,
                          int64_t within_s, const dg_user *agent, dg_error *err);
/* ---- customer features and segmentation (dangol/features.h, dangol/segment.h) ---- */

/* The customer feature table of frame (one row per customer with an order), with the programme
 * columns of store as of the frame's day. One table. */
int dg_report_features(dg_report *out, dg_store *store, const dg_frame *frame, dg_error *err);

typedef enum dg_segment_view {
    DG_SEGMENT_VIEW_PROFILES,    /* size, revenue share, feature means as ratios, names */
    DG_SEGMENT_VIEW_MEANS,       /* raw feature means per segment and for everyone */
    DG_SEGMENT_VIEW_CUSTOMERS,   /* one row per customer */
    DG_SEGMENT_VIEW_SILHOUETTE,  /* the silhouette for each k tried */
    DG_SEGMENT_VIEW_CROSSTAB     /* segments against the RFM segments (built-in map) */
} dg_segment_view;

/* Parses a view name ("profiles", "means", "customers", "silhouette", "crosstab"). */
int dg_segment_view_parse(const char *name, dg_segment_view *view, dg_error *err);

/* Segments the customers of frame (opt NULL: the defaults of dg_segment_options_init) on its
 * feature table with the programme columns of store, and returns one view. One table. */
int dg_report_segment(dg_report *out, dg_store *store, const dg_frame *frame,
                      dg_segment_view view, const dg_segment_options *opt, dg_error *err);

/* ---- lookalike prospects (dangol/lookalike.h) ---- */

typedef enum dg_lookalike_view {
    DG_LOOKALIKE_VIEW_REPORT,    /* summary, lift curve of the held-out buyers, attributes */
    DG_LOOKALIKE_VIEW_SCORES     /* the prospects, most alike first (the top `top`) */
} dg_lookalike_view;

typedef struct dg_report_lookalike_options {
    const dg_clv_report *fit;       /* the card's CLV fit on frame (the best customers are the
                                       top tenth of the buyers by its CLV); NULL: fitted here */
    const char *seed_text, *seed_name;          /* the best customers instead: one id a line */
    const char *prospects_text, *prospects_name;/* the customers to score instead of those
                                                   without an order: one id a line */
    dg_lookalike_options model;
    size_t top;                     /* scores: the top rows (0: all) */
} dg_report_lookalike_options;

/* Fills opt with the defaults given beside each field. Cannot fail. */
void dg_report_lookalike_options_init(dg_report_lookalike_options *opt);

/* Fits the lookalike model of frame with opt (NULL: the defaults). Without a seed the best
 * customers are the top tenth of the buyers by the CLV fit (by spend to date when the fit
 * fails, said in a note). With a seed list, the seed and the buyers are learned from; with a
 * prospect list, those customers are scored and not learned from. Errors of dg_lookalike_fit and
 * dg_lookalike_ids_parse. Caller frees with dg_lookalike_free. */
int dg_report_lookalike_model(dg_lookalike **out, const dg_frame *frame,
                              const dg_report_lookalike_options *opt, dg_error *err);
/* The report (three tables) or the scores (one table) of the model above. */
int dg_report_lookalike(dg_report *out, const dg_frame *frame, dg_lookalike_view view,
                        const dg_report_lookalike_options *opt, dg_error *err);

/* ---- the audit trail (dangol/audit.h) ---- */

/* The entries matching filter (NULL: all), oldest first: one row each (entry, at, actor kind,
 * actor, role, origin, action, customers, reason, detail). One table. */
struct dg_audit_filter;
int dg_report_audit(dg_report *out, dg_store *store, const struct dg_audit_filter *filter,
                    dg_error *err);
/* What dg_audit_verify found, as a table of one row (ok, entries, first, last, pruned through,
 * head hash, problem). */
struct dg_audit_verification;
int dg_report_audit_verification(dg_report *out, const struct dg_audit_verification *v,
                                 dg_error *err);

/* ---- consent (dangol/consent.h) ---- */

/* The customer's consent on day (DG_CONSENT_TODAY: today) for every purpose of the vocabulary
 * (purpose, action grant/withdraw or empty for never given, since, source, event), and their
 * whole history of grants and withdrawals, oldest first. DG_ENOTFOUND for an unknown customer.
 * Two tables. */
int dg_report_consent_customer(dg_report *out, dg_store *store, const char *customer_id,
                               int32_t day, dg_error *err);
/* The send list: the customers whose consent for purpose (code or name) is granted on day, with
 * since when, from where and the event (0: the customer record's imported flag). One table. */
int dg_report_consent_list(dg_report *out, dg_store *store, const char *purpose, int32_t day,
                           dg_error *err);
/* ---- coupons (dangol/coupon.h) ---- */

/* With definition_id NULL: every coupon definition with its state today (active, expired,
 * not_yet_valid, voided) and its issued and redeemed counts; else the codes of that definition
 * (DG_ENOTFOUND if none) with each one's state (issued, redeemed, voided, expired) and
 * redemption. One table. */
int dg_report_coupon_list(dg_report *out, dg_store *store, const char *definition_id,
                          dg_error *err);
/* One code (as typed: DG_EPARSE when mistyped, DG_ENOTFOUND when never issued) and its
 * definition. Two tables. */
int dg_report_coupon_show(dg_report *out, dg_store *store, const char *code, dg_error *err);
/* "coupon" (default, NULL) or "campaign" (or their English or Korean names: 쿠폰별, 캠페인별);
 * DG_EINVAL naming the valid ones. */
int dg_coupon_rates_by_parse(const char *text, bool *by_campaign, dg_error *err);
/* Issued codes, redemptions, the redemption rate with its 95% Wilson interval, the discount
 * given and the revenue (totals) of the redeeming orders, per definition or per campaign
 * (definitions without one: "(none)"). One table. */
int dg_report_coupon_rates(dg_report *out, dg_store *store, bool by_campaign, dg_error *err);
/* The coupon codes issued to a customer (DG_ENOTFOUND if no such customer), newest first, with
 * their definition, state today and redemption; whole_codes false shows each code's first 3
 * symbols only (for a role that may not redeem them). One table. */
int dg_report_coupon_customer(dg_report *out, dg_store *store, const char *customer_id,
                              bool whole_codes, dg_error *err);

/* ---- customer value survey (dangol/cvalue.h, docs/value.md) ---- */

/* Reads a value survey file (config/value_survey.conf documents it). */
int dg_cvalue_survey_load(dg_cvalue_survey *survey, const char *path, dg_error *err);
/* Reads a survey file and keeps it as the store's survey (dg_cvalue_survey_save). */
int dg_cvalue_survey_save_file(dg_store *store, const char *path, dg_error *err);

typedef enum dg_report_value_view {
    DG_REPORT_VALUE_ITEMS, DG_REPORT_VALUE_SCORES, DG_REPORT_VALUE_RELIABILITY,
    DG_REPORT_VALUE_DRIVERS, DG_REPORT_VALUE_GRID,
} dg_report_value_view;

typedef enum dg_report_value_by {
    DG_REPORT_VALUE_ALL, DG_REPORT_VALUE_SEGMENT, DG_REPORT_VALUE_TIER, DG_REPORT_VALUE_STAGE,
    DG_REPORT_VALUE_TYPE,
} dg_report_value_by;

typedef struct dg_report_value_options {
    dg_report_value_view view;
    const dg_cvalue_survey *survey;   /* NULL: the store's survey, else the built-in one */
    const char *outcome;   /* drivers, grid: an outcome item code, or "repurchase" (an order
                            * within window_days after the answer); NULL: the survey's */
    int window_days;       /* for "repurchase"; 0 = 180 */
    dg_report_value_by by; /* grid: one regression per group */
    const char *customer_id;   /* scores: one customer's responses; NULL: all */
    int32_t as_of;         /* without a frame: responses answered on or before (DG_DAY_NONE:
                            * all); with one, its as-of day */
} dg_report_value_options;

/* "none"/"all", "segment", "tier", "stage", "type" (or "customer_type"); DG_EINVAL otherwise. */
int dg_report_value_by_parse(const char *text, dg_report_value_by *by, dg_error *err);
/* Does the view need a frame (the repurchase outcome, a grid by segment, stage or type)? */
bool dg_report_value_needs_frame(const dg_report_value_options *opt);
/* The value survey report of the responses answered on or before the frame's as-of day (every
 * response when frame is NULL, which only the views without a frame allow). One table. */
int dg_report_value(dg_report *out, dg_store *store, const dg_frame *frame,
                    const dg_report_value_options *opt, dg_error *err);
/* ---- campaigns (dangol/campaign.h) ---- */

/* Every campaign: its definition, state (draft, launched), launch day and group sizes. One
 * table. */
int dg_report_campaign_list(dg_report *out, dg_store *store, dg_error *err);
/* The launched campaigns customer_id was a member of, newest first: the group drawn for them,
 * the offer, their coupon code (whole_codes false: its first 3 symbols only), points granted,
 * orders and revenue in the response window and the day the campaign coupon was redeemed (not
 * counting a returned order's). One table; DG_ENOTFOUND for an unknown customer. */
int dg_report_campaign_customer(dg_report *out, dg_store *store, const char *customer_id,
                                bool whole_codes, dg_error *err);
/* One campaign and, once launched, its members per RFM segment and group. Two tables;
 * DG_ENOTFOUND for an unknown campaign. */
int dg_report_campaign_show(dg_report *out, dg_store *store, const char *campaign_id,
                            dg_error *err);
/* A preview of the audience filter as of as_of (DG_DAY_NONE: the store's last day): customers
 * per RFM segment and the groups control_share and seed would draw. DG_EINVAL for a bad filter.
 * One table. */
int dg_report_campaign_audience(dg_report *out, dg_store *store, const char *audience,
                                int32_t as_of, double control_share, uint64_t seed,
                                dg_error *err);
/* The send list of a launched campaign (DG_ECONFLICT before launch): the treatment group's
 * customers whose consent for channel (a purpose; NULL: the campaign's) is granted on day
 * (DG_CAMPAIGN_TODAY: today), as dg_consent_allows decides, with their contact (the e-mail for
 * marketing_email, else the phone), coupon code and points. *left_out: the treatment customers
 * left out for want of consent (also in the table's note). One table. */
int dg_report_campaign_send_list(dg_report *out, dg_store *store, const char *campaign_id,
                                 const char *channel, int32_t day, int64_t *left_out,
                                 dg_error *err);
/* The results of a launched campaign over its response window, from frame's orders (built by
 * the caller; a frame ending inside the window gives the results so far, noted): per group the
 * customers, responders, response rate and revenue per customer with 95% intervals; the uplift
 * (Newcombe for the rate, Welch for revenue per customer), incremental responders and revenue;
 * the cost (coupons redeemed and their discount, points granted at rules' point value; rules
 * NULL: the built-in). Three tables. DG_ECONFLICT before launch. */
int dg_report_campaign_results(dg_report *out, dg_store *store, const dg_frame *frame,
                               const char *campaign_id, const dg_points_rules *rules,
                               dg_error *err);
/* ---- economics: acquisition against retention (dangol/economics.h) ---- */

typedef enum dg_economics_view {
    DG_ECONOMICS_VIEW_CAC,         /* spend, new customers and CAC per channel and month */
    DG_ECONOMICS_VIEW_CHANNELS,    /* per channel: CAC, CLV on revenue and on margin, CLV/CAC,
                                      payback months */
    DG_ECONOMICS_VIEW_PROFIT,      /* totals, then customers ranked by contribution (2 tables) */
    DG_ECONOMICS_VIEW_RETENTION    /* acquisition cost per new customer beside the programme
                                      cost per retained customer over the config's window */
} dg_economics_view;

/* "cac", "clv-cac", "profit", "retention" (or their English or Korean names); DG_EINVAL naming
 * the valid ones. */
int dg_economics_view_parse(const char *text, dg_economics_view *view, dg_error *err);

typedef struct dg_report_economics_options {
    dg_economics_view view;
    const dg_economics_config *config;   /* NULL: the built-in settings */
    int64_t point_value_minor;           /* money value of a point (dg_points_rules) */
    size_t top;                          /* profit: customers shown (0 = all) */
} dg_report_economics_options;

/* Reads the economics settings file at path over *config (dg_economics_config_parse). */
int dg_economics_config_load(dg_economics_config *config, const char *path, dg_error *err);

/* The economics of the store as of frame->as_of (the frame chooses the day and gives the CLV's
 * customers). fit: a CLV report fitted on frame (dg_report_card_clv_options, as the card and
 * /api/clv), used by the clv-cac and profit views (NULL: fitted here as the card's; when that
 * fails, e.g. too few customers, their CLV columns are empty and a note says so); CLV
 * on margin = CLV x the customer's (channel's, in clv-cac) gross margin rate. Reads the store in
 * one dg_store_read_begin. */
int dg_report_economics(dg_report *out, dg_store *store, const dg_frame *frame,
                        const dg_clv_report *fit, const dg_report_economics_options *opt,
                        dg_error *err);
/* ---- churn models (dangol/churn.h, dangol/model.h) ---- */

/* Trains a churn model on frame and stores it (dg_churn_train_save); *saved says which row and
 * whether the key replayed an earlier request. Three tables: the stored model (item, value), its
 * validation metrics beside the baseline's, its feature importance. */
int dg_report_churn_train(dg_report *out, dg_churn_saved *saved, dg_store *store,
                          const dg_frame *frame, const dg_churn_options *opt, const char *actor,
                          const struct dg_audit_actor *audit, const char *key, dg_error *err);
/* Stored churn model id (0: the latest): the model (item, value), validation metrics and feature
 * importance. Three tables. DG_ENOTFOUND as dg_churn_model_load. */
int dg_report_model_show(dg_report *out, dg_store *store, int64_t id, dg_error *err);
/* The churn report of model id (0: the latest): validation metrics, calibration by deciles,
 * feature importance. Three tables. */
int dg_report_churn(dg_report *out, dg_store *store, int64_t id, dg_error *err);
/* Every stored model, newest first: id, kind, algorithm, as-of, horizon, customers, validation
 * AUC, created, by. One table. */
int dg_report_model_list(dg_report *out, dg_store *store, dg_error *err);
/* The customers of frame scored by stored churn model id (0: the latest) on their features of
 * as_of (DG_DAY_NONE: frame->as_of), riskiest first, the top `top` (0: all). One table
 * (dg_churn_score_table) with a note naming the model. */
int dg_report_churn_score(dg_report *out, dg_store *store, const dg_frame *frame, int64_t id,
                          int32_t as_of, size_t top, dg_error *err);
/* The same scores as their distribution (dg_churn_distribution_table) with the note. */
int dg_report_churn_distribution(dg_report *out, dg_store *store, const dg_frame *frame,
                                 int64_t id, int32_t as_of, dg_error *err);

DG_API_END

#endif
