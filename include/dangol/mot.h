/* Moments of truth (MOT): the touchpoint cycle of a service as data and the analysis of visits'
 * ratings of its moments. A cycle (config/mot.conf, "key = value" lines, errors at
 * file:line:column) lists the moments in the order a customer meets them (booking call, parking,
 * reception, ...), each tagged with its element — hardware (facilities, equipment), software
 * (procedures, systems) or humanware (the people) — named in English and Korean, and rated on
 * its own integer scale. A visit rates some or all of the moments and may carry the customer's
 * NPS answer; a visit is repurchased when the customer comes back (another visit or an order)
 * within repurchase_days.
 * The cycle score of a visit follows the multiplication rule of MOT (곱셈의 법칙, seeds/000,
 * "고객 접점 MOT 분석"; DESIGN.md: one failed moment spoils the whole service): the product of
 * the normalised scores (s - min) / (max - min) of the moments it rated, so one moment at the
 * bottom of its scale makes the whole cycle zero; the additive mean of the same scores is shown
 * beside it so the difference is visible. A moment left unrated is left out of both, never
 * counted as a zero. The link of each moment to NPS and to repurchase is Spearman's rank
 * correlation (ties take their average rank) with a 95% interval through Fisher's z with the
 * variance 1.06 / (n - 3) of Fieller, Hartley & Pearson (1957, Biometrika 44, p. 470). */
#ifndef DANGOL_MOT_H
#define DANGOL_MOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/report.h"
#include "dangol/store.h"

DG_API_BEGIN

#define DG_MOT_MAX_MOMENTS 32
#define DG_MOT_CODE_MAX 32       /* bytes of a moment code, with its NUL */
#define DG_MOT_NAME_MAX 96       /* bytes of a name, with its NUL */
#define DG_MOT_SCALE_LIMIT 100   /* scales lie within 0..100 */
#define DG_MOT_UNRATED (-1)      /* a moment a visit did not rate */

typedef enum dg_mot_element {
    DG_MOT_HARDWARE,             /* 하드웨어: facilities, equipment, the place */
    DG_MOT_SOFTWARE,             /* 소프트웨어: procedures, systems, information */
    DG_MOT_HUMANWARE,            /* 휴먼웨어: the staff's attitude and skill */
    DG_MOT_N_ELEMENTS
} dg_mot_element;

typedef struct dg_mot_moment {
    char code[DG_MOT_CODE_MAX];      /* [a-z0-9_]: "waiting" */
    char name_en[DG_MOT_NAME_MAX];
    char name_ko[DG_MOT_NAME_MAX];
    dg_mot_element element;
    int32_t scale_min, scale_max;    /* whole scores, scale_min < scale_max */
} dg_mot_moment;

typedef struct dg_mot_cycle {
    char name_en[DG_MOT_NAME_MAX];
    char name_ko[DG_MOT_NAME_MAX];
    int32_t repurchase_days;         /* a visit is repurchased by a return within this */
    int32_t scale_min, scale_max;    /* the scale of moments that name none */
    dg_mot_moment moments[DG_MOT_MAX_MOMENTS];   /* in the order of the cycle */
    size_t n_moments;
} dg_mot_cycle;

/* "hardware", "software", "humanware". */
const char *dg_mot_element_code(dg_mot_element element);
/* Parses an element by its code or its English or Korean name (하드웨어, 소프트웨어, 휴먼웨어). */
int dg_mot_element_parse(dg_mot_element *out, const char *text, dg_error *err);

/* The built-in cycle (a beauty clinic's visit; config/mot.conf holds the same text). */
void dg_mot_cycle_default(dg_mot_cycle *cycle);
/* The built-in cycle's text (a static string). */
const char *dg_mot_cycle_default_text(void);
/* Parses cycle text over *cycle: settings not in the text keep their value, a text naming any
 * moment (moment.CODE.KEY) replaces the whole list. name is the file name for messages
 * (name:line:column); a bad text leaves *cycle as it was. */
int dg_mot_cycle_parse(dg_mot_cycle *cycle, const char *text, const char *name, dg_error *err);
/* The index of the moment named text by its code, English name (ASCII without case) or Korean
 * name, or -1. */
int dg_mot_moment_find(const dg_mot_cycle *cycle, const char *text);
/* The score normalised to 0..1 on the moment's scale; DG_EINVAL naming the scale when it is
 * outside it. */
int dg_mot_normalise(double *out, const dg_mot_moment *moment, int32_t score, dg_error *err);

/* ---- analysis (pure: plain arrays in, plain numbers out) ---- */

/* The visits to analyse: scores[v * n_moments + m] is visit v's raw score of the cycle's moment
 * m or DG_MOT_UNRATED; nps[v] is 0..10 or -1 (no answer); repurchased[v] is 1, 0, or -1 when
 * the window of the visit is not over on the as-of day. */
typedef struct dg_mot_data {
    size_t n_visits, n_moments;
    int16_t *scores;
    int8_t *nps;
    int8_t *repurchased;
} dg_mot_data;

/* One visit's scores by the two rules. weakest: the moment with the lowest normalised score
 * (ties: the earliest in the cycle), -1 when nothing was rated; n_tied: how many moments share
 * that lowest score. */
typedef struct dg_mot_visit_score {
    double product, mean;
    int weakest;
    int n_rated, n_tied;
} dg_mot_visit_score;

/* Scores one visit's row of n_moments raw scores (which must lie within their scales). */
void dg_mot_score_visit(dg_mot_visit_score *out, const dg_mot_cycle *cycle,
                        const int16_t *row);

/* A rank correlation: defined is false when n < 3 or either side has no spread; the interval
 * (lo, hi) is NaN-free and only set when n >= 4. */
typedef struct dg_mot_corr {
    int64_t n;
    double rho, lo, hi;
    bool defined, has_interval;
} dg_mot_corr;

/* Spearman's rho of x against y over the n pairs (ties: average ranks), with its interval. */
int dg_mot_spearman(dg_mot_corr *out, const double *x, const double *y, size_t n,
                    dg_error *err);

typedef struct dg_mot_moment_stats {
    int64_t n_rated;
    double mean;                 /* mean normalised score of its ratings */
    int64_t n_zero;              /* ratings at the bottom of the scale (they zero the cycle) */
    double weakest_visits;       /* visits where it was the weakest (a tie of k counts 1/k) */
    dg_mot_corr nps, repurchase;
} dg_mot_moment_stats;

typedef struct dg_mot_element_stats {
    size_t n_moments;
    int64_t n_ratings, n_zero;
    double mean;                 /* mean normalised score of its moments' ratings */
    double weakest_visits;       /* visits whose weakest moment is of this element */
} dg_mot_element_stats;

typedef struct dg_mot_result {
    int64_t n_visits, n_scored;          /* visits, and those that rated at least one moment */
    int64_t n_zero_cycle;                /* scored visits whose product is 0 */
    double mean_product, mean_mean;      /* over the scored visits */
    int64_t n_nps, n_detractors, n_promoters;   /* scored visits with an NPS answer */
    int64_t n_zero_nps, n_zero_detractors, n_zero_promoters;   /* ... with a zero cycle */
    dg_mot_corr product_nps, mean_nps;   /* which rule tracks NPS better */
    int weakest;                         /* the moment with the lowest mean, -1 when none */
    dg_mot_moment_stats moments[DG_MOT_MAX_MOMENTS];
    dg_mot_element_stats elements[DG_MOT_N_ELEMENTS];
} dg_mot_result;

/* Analyses the visits against the cycle (data->n_moments must be cycle->n_moments). DG_EINVAL
 * when a score lies outside its moment's scale. Caller frees *out with free(). */
int dg_mot_analyse(dg_mot_result **out, const dg_mot_cycle *cycle, const dg_mot_data *data,
                   dg_error *err);

/* ---- visits written one at a time (the API and `dangol mot record`) ---- */

#define DG_MOT_ID_MAX 64         /* bytes of a visit id, with its NUL */
#define DG_MOT_TODAY INT32_MIN   /* visited_on: today (UTC) */

typedef struct dg_mot_rating_in {
    const char *moment;          /* code, English or Korean name of a moment of the cycle */
    int32_t score;               /* on that moment's scale */
} dg_mot_rating_in;

typedef struct dg_mot_visit_request {
    const char *visit_id, *customer_id;
    const char *staff_id;        /* or NULL */
    int32_t visited_on;          /* or DG_MOT_TODAY */
    int nps;                     /* 0..10, or -1 for no answer */
    const dg_mot_rating_in *ratings;
    size_t n_ratings;            /* at least one, each moment once */
    const char *idempotency_key; /* or NULL */
} dg_mot_visit_request;

typedef struct dg_mot_visit_result {
    char visit_id[DG_MOT_ID_MAX];
    size_t n_ratings;
    bool replayed;               /* the key was used before: nothing was written */
} dg_mot_visit_result;

/* Records a visit and its ratings in one BEGIN IMMEDIATE transaction (with the idempotency key
 * looked up and remembered inside it): all or nothing. DG_EINVAL for a bad field (an unknown
 * moment names the valid ones, a score outside its scale names the scale), DG_ENOTFOUND for an
 * unknown customer or staff member, DG_ECONFLICT when the visit is recorded already or the key
 * was used for another request. */
int dg_mot_visit_record(dg_mot_visit_result *out, dg_store *store, const dg_mot_cycle *cycle,
                        const dg_mot_visit_request *r, dg_error *err);

/* ---- reports (the report layer: the store's visits read here, tables out) ---- */

typedef enum dg_mot_view {
    DG_MOT_VIEW_CYCLE,       /* the moments in order with their elements, scales and means */
    DG_MOT_VIEW_SCORE,       /* product against mean, NPS of zero cycles, by element (3 tables) */
    DG_MOT_VIEW_WEAKEST,     /* the moments from the weakest up */
    DG_MOT_VIEW_VISITS,      /* each visit's cycle scores and weakest moment, worst first */
    DG_MOT_VIEW_DRIVERS      /* each moment's link to NPS and repurchase, strongest first */
} dg_mot_view;

/* "cycle", "score", "weakest", "visits", "drivers"; DG_EINVAL naming the valid ones. */
int dg_mot_view_parse(dg_mot_view *out, const char *name, dg_error *err);

/* Reads the cycle file at path over *cycle (dg_mot_cycle_parse). */
int dg_mot_cycle_load(dg_mot_cycle *cycle, const char *path, dg_error *err);

/* The visits of the store on or before as_of (DG_DAY_NONE: the last visit day), laid out for
 * dg_mot_analyse against cycle. Ratings of moments the cycle lacks, or outside their moment's
 * scale, are left out and counted. Caller empties *out with dg_mot_visits_clear. */
typedef struct dg_mot_visits {
    dg_mot_data data;
    char **visit_ids, **customer_ids;
    int32_t *visited_on;
    int32_t as_of;
    int64_t n_unknown, n_out_of_scale;     /* ratings left out */
    char unknown_example[DG_MOT_CODE_MAX];
} dg_mot_visits;
/* Fills *out as described above; the store's errors, DG_ENOMEM. */
int dg_mot_visits_load(dg_mot_visits *out, dg_store *store, const dg_mot_cycle *cycle,
                       int32_t as_of, dg_error *err);
/* Frees what visits holds and leaves it empty; the struct is the caller's. */
void dg_mot_visits_clear(dg_mot_visits *visits);

/* One view of the visits (loaded once by the caller) against cycle. top: rows of the visits
 * view (0 = all). */
int dg_report_mot(dg_report *out, const dg_mot_cycle *cycle, const dg_mot_visits *visits,
                  dg_mot_view view, size_t top, dg_error *err);
/* Loads the store's visits as of as_of and reports the view (what the CLI and the API run). */
int dg_report_mot_store(dg_report *out, dg_store *store, const dg_mot_cycle *cycle,
                        dg_mot_view view, int32_t as_of, size_t top, dg_error *err);

DG_API_END

#endif
