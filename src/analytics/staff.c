/* Internal customers (include/dangol/staff.h): one pass over the customers' orders and survey
 * answers counts, per staff member or site, the customers served, orders, revenue, first-time
 * customers who came back, and the CSAT and NPS answers attributed to it; then the rates are
 * shrunk toward each unit's group by empirical Bayes (src/analytics/shrink.c). Units are the
 * codes of the frame's staff (or sites) dictionary that served at least one order. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/staff.h"

int dg_staff_by_parse(const char *name, dg_staff_by *by, dg_error *err)
{
    if (strcmp(name, "staff") == 0)
        *by = DG_STAFF_BY_STAFF;
    else if (strcmp(name, "site") == 0)
        *by = DG_STAFF_BY_SITE;
    else
        return dg_error_set(err, DG_EINVAL, "by \"%s\" is not one of: staff, site", name);
    return 0;
}

int dg_staff_rank_parse(const char *name, dg_staff_rank *rank, dg_error *err)
{
    static const char *const names[] = { "nps", "csat", "repeat", "rating", "revenue" };
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0) {
            *rank = (dg_staff_rank)i;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "rank \"%s\" is not one of: nps, csat, repeat, rating, "
                        "revenue",
                        name);
}

void dg_staff_result_clear(dg_staff_result *result)
{
    if (!result)
        return;
    free(result->units);
    dg_shrink_prior_clear(&result->repeat_prior);
    dg_shrink_prior_clear(&result->csat_prior);
    dg_shrink_prior_clear(&result->nps_prior);
    dg_shrink_prior_clear(&result->rating_prior);
    memset(result, 0, sizeof *result);
}

/* Per code of the dictionary: the counts, before the units with orders are picked out. */
typedef struct tally {
    dg_staff_unit *by_code;      /* [n_codes] */
    uint32_t *last_customer;     /* [n_codes] customer index + 1 of the last order counted */
    uint32_t *site_orders;       /* by staff: [n_codes * n_sites] orders per (staff, site) */
} tally;

static uint32_t unit_of(const dg_frame *f, dg_staff_by by, size_t o)
{
    return by == DG_STAFF_BY_STAFF ? f->order_staff[o] : f->order_site[o];
}

static int count_orders(const dg_frame *f, dg_staff_result *r, tally *t, dg_error *err)
{
    size_t n_sites = f->sites.n;
    for (size_t c = 0; c < f->n_customers; c++) {
        size_t first = f->order_offset[c], end = dg_frame_orders_end(f, c);
        for (size_t o = first; o < end; o++) {
            uint32_t u = unit_of(f, r->by, o);
            if (u == 0) {
                r->orders_without_unit++;
                continue;
            }
            dg_staff_unit *unit = &t->by_code[u];
            unit->orders++;
            if (__builtin_add_overflow(unit->revenue_minor, f->order_amount_minor[o],
                                       &unit->revenue_minor))
                return dg_error_set(err, DG_ERANGE, "the revenue of %s \"%s\" overflows the "
                                    "money range; check the order amounts",
                                    r->by == DG_STAFF_BY_STAFF ? "staff member" : "site",
                                    dg_dict_value(r->by == DG_STAFF_BY_STAFF ? &f->staff
                                                                             : &f->sites, u));
            if (t->last_customer[u] != c + 1) {
                t->last_customer[u] = (uint32_t)c + 1;
                unit->customers++;
            }
            if (t->site_orders)
                t->site_orders[(size_t)u * n_sites + f->order_site[o]]++;
        }
        if (first == end)
            continue;
        uint32_t u = unit_of(f, r->by, first);
        int32_t day0 = f->order_day[first];
        if (u == 0 || (int64_t)day0 + r->repeat_days > f->as_of)
            continue;   /* no unit, or the window is not over yet */
        bool again = false;
        for (size_t o = first + 1; o < end && f->order_day[o] <= day0 + r->repeat_days; o++)
            again |= f->order_day[o] > day0;
        t->by_code[u].repeat_counts[again ? 0 : 1]++;
    }
    return 0;
}

/* Each answer goes to the unit of the customer's latest order on or before its day. */
static void count_answers(const dg_frame *f, dg_staff_result *r, tally *t)
{
    for (size_t c = 0; c < f->n_customers; c++) {
        size_t o = f->order_offset[c], end = dg_frame_orders_end(f, c);
        size_t latest = SIZE_MAX;
        for (size_t s = f->survey_offset[c], s_end = dg_frame_surveys_end(f, c); s < s_end; s++) {
            bool has_csat = f->survey_csat[s] > 0, has_nps = f->survey_nps[s] >= 0;
            if (!has_csat && !has_nps)
                continue;
            while (o < end && f->order_day[o] <= f->survey_day[s])
                latest = o++;
            uint32_t u = latest == SIZE_MAX ? 0 : unit_of(f, r->by, latest);
            if (u == 0) {
                r->answers_unattributed++;
                continue;
            }
            dg_staff_unit *unit = &t->by_code[u];
            if (has_csat)
                unit->csat_counts[f->survey_csat[s] >= 4 ? 0 : 1]++;
            if (has_nps)
                unit->nps_counts[f->survey_nps[s] >= 9 ? 0 : f->survey_nps[s] >= 7 ? 1 : 2]++;
        }
    }
}

/* Rated interactions: by staff, of the staff member they name; by site, of the site of the
 * customer's latest order on or before them. */
static void count_ratings(const dg_frame *f, dg_staff_result *r, tally *t)
{
    for (size_t c = 0; c < f->n_customers; c++) {
        size_t o = f->order_offset[c], end = dg_frame_orders_end(f, c), latest = SIZE_MAX;
        for (size_t i = f->interaction_offset[c], i_end = dg_frame_interactions_end(f, c);
             i < i_end; i++) {
            int rating = f->interaction_rating[i];
            while (o < end && f->order_day[o] <= f->interaction_day[i])
                latest = o++;
            if (rating <= 0)
                continue;
            uint32_t u = r->by == DG_STAFF_BY_STAFF ? f->interaction_staff[i]
                       : latest == SIZE_MAX        ? 0 : f->order_site[latest];
            if (u != 0)
                t->by_code[u].rating_counts[rating >= 4 ? 0 : 1]++;
        }
    }
}

/* The home site of each staff unit: the site of most of their orders (ties: the lower code). */
static void home_sites(const dg_frame *f, dg_staff_result *r, const tally *t)
{
    for (size_t i = 0; i < r->n_units; i++) {
        const uint32_t *row = t->site_orders + (size_t)r->units[i].code * f->sites.n;
        uint32_t best = 0;
        for (uint32_t s = 1; s < f->sites.n; s++)
            if (row[s] > row[best])
                best = s;
        r->units[i].group = best;
    }
}

static int shrink_all(dg_staff_result *r, size_t n_groups, dg_error *err)
{
    size_t n = r->n_units, cap = n ? n : 1;
    uint32_t *group = malloc(cap * sizeof *group), *counts = malloc(cap * 3 * sizeof *counts);
    int rc = group && counts ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        group[i] = r->units[i].group;
    for (size_t i = 0; rc == 0 && i < n; i++)
        memcpy(counts + 2 * i, r->units[i].repeat_counts, 2 * sizeof *counts);
    if (rc == 0)
        rc = dg_shrink_fit(&r->repeat_prior, counts, 2, group, n, n_groups, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        memcpy(counts + 2 * i, r->units[i].csat_counts, 2 * sizeof *counts);
    if (rc == 0)
        rc = dg_shrink_fit(&r->csat_prior, counts, 2, group, n, n_groups, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        memcpy(counts + 3 * i, r->units[i].nps_counts, 3 * sizeof *counts);
    if (rc == 0)
        rc = dg_shrink_fit(&r->nps_prior, counts, 3, group, n, n_groups, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        memcpy(counts + 2 * i, r->units[i].rating_counts, 2 * sizeof *counts);
    if (rc == 0)
        rc = dg_shrink_fit(&r->rating_prior, counts, 2, group, n, n_groups, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        dg_staff_unit *u = &r->units[i];
        dg_shrink_share(&u->repeat, u->repeat_counts[0], u->repeat_counts[0] + u->repeat_counts[1],
                        r->repeat_prior.mean[2 * u->group],
                        dg_shrink_strength(&r->repeat_prior, u->group));
        dg_shrink_share(&u->csat, u->csat_counts[0], u->csat_counts[0] + u->csat_counts[1],
                        r->csat_prior.mean[2 * u->group],
                        dg_shrink_strength(&r->csat_prior, u->group));
        dg_shrink_nps(&u->nps, u->nps_counts, r->nps_prior.mean + 3 * u->group,
                      dg_shrink_strength(&r->nps_prior, u->group));
        dg_shrink_share(&u->rating, u->rating_counts[0], u->rating_counts[0] + u->rating_counts[1],
                        r->rating_prior.mean[2 * u->group],
                        dg_shrink_strength(&r->rating_prior, u->group));
    }
    free(group);
    free(counts);
    return rc;
}

int dg_staff_compute(dg_staff_result *out, const dg_frame *frame, const dg_staff_options *opt,
                     dg_error *err)
{
    static const dg_staff_options defaults = { .by = DG_STAFF_BY_STAFF };
    if (!opt)
        opt = &defaults;
    memset(out, 0, sizeof *out);
    int repeat_days = opt->repeat_days ? opt->repeat_days : DG_STAFF_DEFAULT_REPEAT_DAYS;
    if (repeat_days < 1 || repeat_days > 3650)
        return dg_error_set(err, DG_EINVAL, "repeat window of %d days; expected 1 to 3650",
                            repeat_days);
    out->as_of = frame->as_of;
    out->by = opt->by;
    out->repeat_days = repeat_days;
    size_t n_codes = opt->by == DG_STAFF_BY_STAFF ? frame->staff.n : frame->sites.n;
    if (n_codes == 0)
        n_codes = 1;
    tally t = { calloc(n_codes, sizeof *t.by_code), calloc(n_codes, sizeof *t.last_customer),
                opt->by == DG_STAFF_BY_STAFF
                    ? calloc(n_codes * (frame->sites.n ? frame->sites.n : 1), sizeof(uint32_t))
                    : NULL };
    int rc = 0;
    if (!t.by_code || !t.last_customer || (opt->by == DG_STAFF_BY_STAFF && !t.site_orders)) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = count_orders(frame, out, &t, err)) != 0)
        goto cleanup;
    count_answers(frame, out, &t);
    count_ratings(frame, out, &t);
    for (size_t u = 1; u < n_codes; u++)
        out->n_units += t.by_code[u].orders > 0;
    out->units = calloc(out->n_units ? out->n_units : 1, sizeof *out->units);
    if (!out->units) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t u = 1, i = 0; u < n_codes; u++)
        if (t.by_code[u].orders > 0) {
            out->units[i] = t.by_code[u];
            out->units[i++].code = (uint32_t)u;
        }
    if (opt->by == DG_STAFF_BY_STAFF)
        home_sites(frame, out, &t);
    rc = shrink_all(out, opt->by == DG_STAFF_BY_STAFF && frame->sites.n ? frame->sites.n : 1,
                    err);
cleanup:
    free(t.by_code);
    free(t.last_customer);
    free(t.site_orders);
    if (rc != 0)
        dg_staff_result_clear(out);
    return rc;
}
