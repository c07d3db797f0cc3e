/* The economics report's inputs (src/report/economics.h): the store's spend, customers and
 * cohort margins read in one consistent read and gathered per acquisition channel on one axis
 * of months, with each customer's CLV from the fit beside them. The tables are built from this
 * in src/report/economics.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dangol/text.h"
#include "dangol/tier.h"
#include "store/tiers.h"
#include "report/economics.h"
#include "store/economics.h"

#define MAX_MONTHS 240    /* twenty years of months on the axis: the cohort margins are a
                             * months x months matrix per channel; older months are left out */

int32_t dg__economics_month_of(int32_t day)
{
    int y, m, d;
    dg_civil_from_days(day, &y, &m, &d);
    return y * 12 + m - 1;
}

int32_t dg__economics_month_day(int32_t month)
{
    return dg_days_from_civil(month / 12, month % 12 + 1, 1);
}

/* The channel called name, added when new; NULL when out of memory. */
static dg__econ_channel *channel_of(dg__econ *e, const char *name)
{
    for (size_t i = 0; i < e->n_channels; i++)
        if (strcmp(e->channels[i].name, name) == 0)
            return &e->channels[i];
    if (e->n_channels == e->cap_channels) {
        size_t cap = e->cap_channels ? e->cap_channels * 2 : 16;
        dg__econ_channel *grown = realloc(e->channels, cap * sizeof *grown);
        if (!grown)
            return NULL;
        e->channels = grown;
        e->cap_channels = cap;
    }
    dg__econ_channel *c = &e->channels[e->n_channels];
    memset(c, 0, sizeof *c);
    if (!(c->name = strdup(name)))
        return NULL;
    e->n_channels++;
    return c;
}

typedef struct spend_row {
    size_t channel;
    int32_t month;
    int64_t amount;
} spend_row;

typedef struct gather {
    dg__econ *e;
    spend_row *spend;
    size_t n_spend, cap_spend;
} gather;

static int on_spend(void *ctx, const char *channel, int32_t month, int64_t amount)
{
    gather *g = ctx;
    dg__econ_channel *c = channel_of(g->e, channel);
    if (!c)
        return DG_ENOMEM;
    if (g->n_spend == g->cap_spend) {
        size_t cap = g->cap_spend ? g->cap_spend * 2 : 64;
        spend_row *grown = realloc(g->spend, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        g->spend = grown;
        g->cap_spend = cap;
    }
    g->spend[g->n_spend++] = (spend_row){ (size_t)(c - g->e->channels), month, amount };
    if (month < g->e->first_month)
        g->e->first_month = month;
    return 0;
}

static double clv_minor(const dg__econ *e, const char *customer_id)
{
    if (!e->clv_by_index)
        return NAN;
    int64_t i = dg_frame_customer_index(e->frame, customer_id);
    return i < 0 ? 0.0 : e->clv_by_index[i];   /* not in the frame: no purchase, no value */
}

static int on_customer(void *ctx, const char *customer_id, const char *channel,
                       int32_t acquired_on, int64_t orders, const dg_economics_customer *f)
{
    gather *g = ctx;
    dg__econ *e = g->e;
    dg__econ_channel *c = channel_of(e, channel);
    if (!c)
        return DG_ENOMEM;
    if (e->n_customers == e->cap_customers) {
        size_t cap = e->cap_customers ? e->cap_customers * 2 : 1024;
        dg__econ_customer *grown = realloc(e->customers, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        e->customers = grown;
        e->cap_customers = cap;
    }
    dg__econ_customer *r = &e->customers[e->n_customers];
    if (!(r->id = strdup(customer_id)))
        return DG_ENOMEM;
    e->n_customers++;
    r->channel = (size_t)(c - e->channels);
    r->acquired_month = dg__economics_month_of(acquired_on);
    r->orders = orders;
    r->figures = *f;
    if (e->margin_by_index) {   /* the margins from the frame's lines */
        int64_t i = dg_frame_customer_index(e->frame, customer_id);
        r->figures.costed_revenue = i < 0 ? 0 : e->costed_revenue_by_index[i];
        r->figures.gross_margin = i < 0 ? 0 : e->margin_by_index[i];
    }
    f = &r->figures;
    r->clv_minor = clv_minor(e, customer_id);
    if (r->acquired_month < e->first_month)
        e->first_month = r->acquired_month;
    c->customers++;
    c->revenue += f->revenue;
    c->costed_revenue += f->costed_revenue;
    c->gross_margin += f->gross_margin;
    if (!isnan(r->clv_minor)) {
        c->clv_sum += r->clv_minor;
        c->clv_n++;
    }
    e->costed_revenue += f->costed_revenue;
    e->gross_margin += f->gross_margin;
    return 0;
}

static int on_cohort(void *ctx, const char *channel, int32_t cohort_month, int32_t since,
                     int64_t margin)
{
    dg__econ *e = ((gather *)ctx)->e;
    dg__econ_channel *c = channel_of(e, channel);
    if (!c)
        return DG_ENOMEM;
    int64_t i = (int64_t)cohort_month - e->first_month;
    if (!c->margin || i < 0 || i >= (int64_t)e->n_months || since < 0 ||
        since >= (int64_t)e->n_months)
        return 0;   /* outside the axis: a cohort the customer query did not see */
    c->margin[(size_t)i * e->n_months + (size_t)since] += (double)margin;
    return 0;
}

/* Each frame customer's CLV in minor units (NAN: the spend model left them out; 0: not in the
 * fit, no purchase in the calibration period). */
static int clv_index(dg__econ *e, const dg_clv_report *fit)
{
    const dg_frame *f = e->frame;
    if (!fit || f->n_customers == 0)
        return 0;
    e->clv_by_index = calloc(f->n_customers, sizeof *e->clv_by_index);
    if (!e->clv_by_index)
        return DG_ENOMEM;
    double scale = pow(10.0, f->minor_digits);
    for (size_t i = 0; i < fit->summary->n; i++)
        e->clv_by_index[fit->summary->customer[i]] = fit->clv[i] * scale;
    return 0;
}

/* The month axis from the first month seen to as_of's, and the per-channel arrays on it. */
static int lay_out(dg__econ *e, const gather *g)
{
    if (e->first_month > e->last_month)
        e->first_month = e->last_month;
    if (e->last_month - e->first_month + 1 > MAX_MONTHS)
        e->first_month = e->last_month - MAX_MONTHS + 1;
    e->n_months = (size_t)(e->last_month - e->first_month + 1);
    size_t n = e->n_months;
    for (size_t k = 0; k < e->n_channels; k++) {
        dg__econ_channel *c = &e->channels[k];
        c->spend = calloc(n, sizeof *c->spend);
        c->has_spend = calloc(n, sizeof *c->has_spend);
        c->acquired = calloc(n, sizeof *c->acquired);
        c->margin = calloc(n * n, sizeof *c->margin);
        if (!c->spend || !c->has_spend || !c->acquired || !c->margin)
            return DG_ENOMEM;
    }
    for (size_t i = 0; i < g->n_spend; i++) {
        int64_t m = (int64_t)g->spend[i].month - e->first_month;
        if (m < 0)
            continue;
        dg__econ_channel *c = &e->channels[g->spend[i].channel];
        c->spend[m] += g->spend[i].amount;
        c->has_spend[m] = 1;
    }
    for (size_t i = 0; i < e->n_customers; i++) {
        int64_t m = (int64_t)e->customers[i].acquired_month - e->first_month;
        if (m >= 0)
            e->channels[e->customers[i].channel].acquired[m]++;
    }
    return 0;
}

/* The tiers' discount percents as the queries take them (store/economics.h): NULL when the
 * tiers were never evaluated or none gives a discount. Inside the caller's read. */
static int tier_discounts(dg__economics_tiers *t, dg_store *store, dg_error *err)
{
    int32_t last;
    int rc = dg__tier_last_run(store, &last, err);
    if (rc == DG_ENOTFOUND) {
        dg_error_clear(err);
        return 0;
    }
    dg_tier_rules rules;
    if (rc != 0 || (rc = dg_tier_rules_stored(store, &rules, err)) != 0)
        return rc;
    bool any = false;
    for (size_t i = 0; i < rules.n_levels; i++)
        any = any || rules.levels[i].discount_percent > 0;
    if (!any || rules.n_levels == 0)
        return 0;
    json_t *map = json_object();
    for (size_t i = 0; map && i < rules.n_levels; i++)
        json_object_set_new(map, rules.levels[i].code,
                            json_integer(rules.levels[i].discount_percent));
    t->percents = map ? json_dumps(map, JSON_COMPACT) : NULL;
    json_decref(map);
    snprintf(t->lowest, sizeof t->lowest, "%s", rules.levels[0].code);
    return t->percents ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
}

int dg__econ_load(dg__econ *e, dg_store *store, const dg_frame *frame, const dg_clv_report *fit,
                  bool with_cohorts, dg_error *err)
{
    memset(e, 0, sizeof *e);
    e->frame = frame;
    e->as_of = frame->as_of;
    e->last_month = dg__economics_month_of(frame->as_of);
    e->first_month = e->last_month;
    gather g = { .e = e };
    int rc = clv_index(e, fit);
    if (rc != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if ((rc = dg_store_read_begin(store, err)) != 0)
        return rc;
    rc = tier_discounts(&e->tiers, store, err);
    if (rc == 0)
        rc = dg__economics_spend(store, e->as_of, on_spend, &g, err);
    /* a frame with order lines has the margins: the queries then leave the lines alone */
    bool from_frame = frame->has_lines;
    if (rc == 0 && from_frame)
        rc = dg__econ_frame_margins(e, store, err);
    if (rc == 0)
        rc = dg__economics_customers(store, e->as_of, &e->tiers, !from_frame, on_customer, &g,
                                     err);
    if (rc == 0 && (rc = lay_out(e, &g)) != 0)
        dg_error_set(err, rc, "out of memory");
    if (rc == 0 && with_cohorts)
        rc = from_frame ? dg__econ_frame_cohorts(e, on_cohort, &g)
                        : dg__economics_cohorts(store, e->as_of, on_cohort, &g, err);
    dg_store_read_end(store);
    free(g.spend);
    if (rc == DG_ENOMEM && !err->message[0])
        dg_error_set(err, DG_ENOMEM, "out of memory");
    return rc;
}

void dg__econ_clear(dg__econ *e)
{
    free(e->tiers.percents);
    e->tiers.percents = NULL;
    for (size_t i = 0; i < e->n_channels; i++) {
        free(e->channels[i].name);
        free(e->channels[i].spend);
        free(e->channels[i].has_spend);
        free(e->channels[i].acquired);
        free(e->channels[i].margin);
    }
    free(e->channels);
    for (size_t i = 0; i < e->n_customers; i++)
        free(e->customers[i].id);
    free(e->customers);
    free(e->clv_by_index);
    free(e->unit_cost_by_product);
    free(e->costed_revenue_by_index);
    free(e->margin_by_index);
    memset(e, 0, sizeof *e);
}

int64_t dg__econ_channel_spend(const dg__econ *e, const dg__econ_channel *c, int64_t *acquired)
{
    int64_t spend = 0, n = 0;
    for (size_t m = 0; m < e->n_months; m++)
        if (c->has_spend[m]) {
            spend += c->spend[m];
            n += c->acquired[m];
        }
    *acquired = n;
    return spend;
}
