/* Private to the demo generator (src/demo/demo.c, customer.c): the generator's state,
 * the staff and product catalogues it builds, and small row helpers. */
#ifndef DANGOL_DEMO_GEN_H
#define DANGOL_DEMO_GEN_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/demo.h"
#include "dangol/rng.h"
#include "dangol/text.h"   /* dg_day_of */
#include "demo/tables.h"

#define N_STORES        10
#define STAFF_PER_STORE 4
#define N_CALL_AGENTS   8
#define N_ONLINE_CS     4
#define N_STAFF         (N_STORES * STAFF_PER_STORE + N_CALL_AGENTS + N_ONLINE_CS)
#define FIRST_CALL      (N_STORES * STAFF_PER_STORE)
#define FIRST_ONLINE    (FIRST_CALL + N_CALL_AGENTS)
#define MAX_LINES       8
#define WEEK_SECONDS    604800.0
#define DAY_SECONDS     86400
#define OPEN_UTC        3600          /* 10:00 KST */
#define OPEN_SECONDS    (12 * 3600)   /* until 22:00 KST */

/* Streams of the seed: staff, products and acquisition dates have their own; customer k uses
 * stream CUSTOMER_STREAM + k. */
enum { STAFF_STREAM = 1, PRODUCT_STREAM = 2, ACQUISITION_STREAM = 3, MARKETING_STREAM = 4,
       STAFF_SURVEY_STREAM = 5,
       CUSTOMER_STREAM = 1000 };
/* calendar months the acquisition days can touch (DG_DEMO_ACQUISITION_DAYS) */
#define DEMO_SPEND_MONTHS 26

typedef struct staff_info {
    char id[8];
    char name[32];
    const char *role, *site;
    int32_t hired_on;
    double effect;
} staff_info;

typedef struct product_info {
    char id[8];
    char name[96];
    int category;
    const char *brand;
    bool private_label;
    int64_t price;
} product_info;

typedef struct gen {
    const dg_demo_options *opt;
    dg_demo_row_fn emit;
    void *ctx;
    const dg_entity *staff_e, *customer_e, *product_e, *order_e, *line_e, *feedback_e, *survey_e,
        *interaction_e, *referral_e, *partner_e, *spend_e, *staff_survey_e;
    staff_info staff[N_STAFF];
    product_info *products;
    size_t n_products, cat_first[16], cat_count[16];
    int32_t *acquired_on;              /* per customer, ascending */
    uint32_t *loyal, *buyers;          /* referrer pools: indices of earlier customers */
    size_t n_loyal, n_buyers;
    int64_t n_orders, n_feedback, n_surveys, n_interactions, n_partner;
    double loglam_mean, loglam_sd, p_mean, p_sd, lognu_mean, lognu_sd;
    int as_of_year;
    int32_t first_spend_month;         /* month number (year * 12 + month - 1) of the first */
    int64_t acquired_by_channel[DG__N_ACQUISITION][DEMO_SPEND_MONTHS];   /* new customers */
    dg_value row[24];
} gen;

static inline int clampi(double v, int lo, int hi)
{
    long r = lround(v);
    return r < lo ? lo : r > hi ? hi : (int)r;
}

static inline void set_text(dg_value *v, const char *s)
{
    v->is_null = s == NULL;
    v->u.s = s;
}

static inline void set_int(dg_value *v, int64_t i)
{
    v->is_null = false;
    v->u.i = i;
}

static inline void set_null(dg_value *v)
{
    v->is_null = true;
    v->u.i = 0;
}

static inline int emit(gen *g, const dg_entity *e)
{
    return g->emit(g->ctx, e, g->row);
}

static inline int64_t day_start(int32_t day)
{
    return (int64_t)day * DAY_SECONDS;
}

/* A Korean full name (family + given) for the gender (0 F, 1 M, 2 X) and birth year; the roman
 * spellings for an e-mail address when the pointers are not NULL. */
void dg__demo_make_name(dg_rng *rng, int gender, int birth_year, char *out, size_t cap,
                        const char **family_roman, const char **given_roman);

/* Generates customer number index (0-based) and everything it does. */
int dg__demo_customer(gen *g, size_t index);

/* The work climate of a site (DG_DEMO_SITE_CLIMATE) when the demo has staff surveys, else 0;
 * a site without a climate (Home Shopping, NULL) has 0. */
double dg__demo_site_climate(const gen *g, const char *site);
/* Emits the staff satisfaction surveys (demo/staff_surveys.c). */
int dg__demo_staff_surveys(gen *g);

/* Counts a new customer of acquisition channel (index) on acquired_on (marketing spend). */
void dg__demo_count_acquisition(gen *g, int channel, int32_t acquired_on);
/* The code of acquisition channel index channel. */
const char *dg__demo_acquisition_channel(int channel);

#endif
