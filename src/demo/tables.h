/* Fixed vocabulary of the demo business (src/demo/demo.c): Korean names with their frequencies,
 * regions and sites, product categories and brands, touchpoints with their true quality, and the
 * feedback texts. Kept apart from the generating process so each can be read on its own. */
#ifndef DANGOL_DEMO_TABLES_H
#define DANGOL_DEMO_TABLES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dg__demo_name {
    const char *hangul, *roman;
    double weight;                 /* relative frequency (family names); 1 for given names */
} dg__demo_name;

typedef struct dg__demo_list {
    const dg__demo_name *items;
    size_t n;
} dg__demo_list;

/* Family names, weighted by their share of the population. */
extern const dg__demo_list dg__demo_families;
/* Given names by gender (0 = F, 1 = M, 2 = X) and generation (0: born before 1970, 1: 1970-1989,
 * 2: 1990 or later). */
extern const dg__demo_list dg__demo_given[3][3];

typedef struct dg__demo_region {
    const char *name;
    double weight;                 /* share of customers */
    int site, n_sites;             /* home stores: n_sites of dg__demo_sites from index site */
} dg__demo_region;
extern const dg__demo_region dg__demo_regions[];
extern const size_t dg__demo_n_regions;

/* Physical stores; their staff are ST001.. in this order, 4 per store. */
extern const char *const dg__demo_sites[];
extern const size_t dg__demo_n_sites;

typedef struct dg__demo_category {
    const char *name;
    double median_price;           /* KRW */
    const char *const *nouns;      /* Korean product nouns, NULL-terminated */
    const char *const *brands;     /* NULL-terminated; "단골상회" is the private label */
    double weight;                 /* share of order lines */
} dg__demo_category;
extern const dg__demo_category dg__demo_categories[];
extern const size_t dg__demo_n_categories;
/* Unit cost of a category's products as a share of their list price (economics: gross margin). */
extern const double dg__demo_category_cost_share[];
/* The demo's true acquisition cost per new customer of each acquisition channel, in KRW (the
 * order of the customers' acquisition channels, src/demo/customer.c). */
#define DG__N_ACQUISITION 8
extern const double dg__demo_true_cac[DG__N_ACQUISITION];
extern const char *const dg__demo_variants[];   /* NULL-terminated */
#define DG__DEMO_PRIVATE_LABEL "단골상회"

enum { DG__KIND_HARDWARE, DG__KIND_SOFTWARE, DG__KIND_HUMANWARE };
typedef struct dg__demo_touchpoint {
    const char *name;
    int kind;                      /* DG__KIND_* */
    double effect;                 /* true shift of the mean rating (1-5 scale) */
    bool staffed;                  /* a staff member is named on the interaction */
    const char *bad_note;          /* note on a failed moment (rating <= 2) */
    const char *good_note;         /* note on a rating of 5 */
} dg__demo_touchpoint;
#define DG__N_TOUCHPOINTS 11
extern const dg__demo_touchpoint dg__demo_touchpoints[DG__N_TOUCHPOINTS];
extern const size_t dg__demo_n_touchpoints;
extern const char *const dg__demo_touchpoint_kinds[];

/* Order channels. */
enum { DG__CH_STORE, DG__CH_ONLINE, DG__CH_MOBILE, DG__CH_CALL, DG__CH_HOME_SHOPPING, DG__N_CHANNELS };
extern const char *const dg__demo_channels[DG__N_CHANNELS];
/* Touchpoint weights per order channel, [channel][touchpoint]. */
extern const double dg__demo_channel_touchpoints[DG__N_CHANNELS][DG__N_TOUCHPOINTS];

/* Feedback text templates per kind (0 complaint, 1 opinion, 2 question, 3 compliment), all in
 * Korean, as the demo's customers write. {p} = product, {s} = store, {d} = days, {m} = minutes.
 * Complaints are grouped by touchpoint: entry i of a complaint list names its touchpoint in
 * `touchpoint` (NULL = about the product). */
typedef struct dg__demo_text {
    const char *touchpoint;
    const char *text;
} dg__demo_text;
typedef struct dg__demo_texts {
    const dg__demo_text *items;
    size_t n;
} dg__demo_texts;
extern const dg__demo_texts dg__demo_feedback[4];

/* Notes on partner activities, indexed like the catalog's partner kinds. */
extern const char *const dg__demo_partner_notes[5];

#endif
