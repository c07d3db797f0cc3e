/* The staff and sites table (include/dangol/staff.h): one row per unit ranked by a shrunk rate,
 * each rate as raw share, shrunk share and its 95% interval, and notes that state the priors
 * fitted and what could not be attributed. A rate with no answers anywhere is left empty
 * (null), never NaN. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/staff.h"
#include "dangol/text.h"

typedef struct sort_ctx {
    const dg_staff_result *result;
    const dg_dict *names;
    dg_staff_rank rank;
} sort_ctx;

static double rank_value(const dg_staff_unit *u, dg_staff_rank rank)
{
    switch (rank) {
    case DG_STAFF_RANK_NPS:     return u->nps.shrunk;
    case DG_STAFF_RANK_CSAT:    return u->csat.shrunk;
    case DG_STAFF_RANK_REPEAT:  return u->repeat.shrunk;
    case DG_STAFF_RANK_RATING:  return u->rating.shrunk;
    case DG_STAFF_RANK_REVENUE: return (double)u->revenue_minor;
    }
    return 0.0;
}

/* Highest first; ties by name, so the order never depends on the sort. */
static int by_rank(const void *a, const void *b, void *ctx_)
{
    const sort_ctx *ctx = ctx_;
    const dg_staff_unit *x = &ctx->result->units[*(const size_t *)a];
    const dg_staff_unit *y = &ctx->result->units[*(const size_t *)b];
    double vx = rank_value(x, ctx->rank), vy = rank_value(y, ctx->rank);
    if (vx != vy)   /* an unestimated rate is 0: such units rank by name */
        return vx > vy ? -1 : 1;
    return strcmp(dg_dict_value(ctx->names, x->code), dg_dict_value(ctx->names, y->code));
}

/* Columns raw, shrunk, low, high of one rate from col; percent (a share) or NPS points. */
static void set_rate(dg_table *t, size_t col, const dg_shrunk *s)
{
    dg_table_set_int(t, col, (int64_t)s->n);
    if (!s->estimated)
        return;
    if (s->n > 0)
        dg_table_set_real(t, col + 1, s->raw);
    dg_table_set_real(t, col + 2, s->shrunk);
    dg_table_set_real(t, col + 3, s->ci_low);
    dg_table_set_real(t, col + 4, s->ci_high);
}

static int add_rate_columns(dg_table *t, const char *name, dg_cell_type type, int decimals)
{
    static const char *const suffix[] = { "_n", "_raw", "", "_low", "_high" };
    char col[48];
    int rc = 0;
    for (int i = 0; i < 5; i++) {
        snprintf(col, sizeof col, "%s%s", name, suffix[i]);
        rc |= dg_table_add_column(t, col, i == 0 ? DG_CELL_INT : type, decimals);
    }
    return rc;
}

static int add_notes(dg_table *t, const dg_staff_result *r)
{
    char buf[640];
    int rc = 0;
    bool staff = r->by == DG_STAFF_BY_STAFF;
    snprintf(buf, sizeof buf, "rates shrunk toward %s by empirical Bayes; prior concentration "
             "M (maximum likelihood, beta-binomial / Dirichlet-multinomial): repeat %.3g, CSAT "
             "%.3g, NPS %.3g, rating %.3g, each at most the answers of the %s; intervals are "
             "95%% posterior intervals (docs/staff.md)",
             r->by == DG_STAFF_BY_STAFF ? "each staff member's site (the site of most of their "
                                          "orders)" : "the whole store",
             r->repeat_prior.concentration, r->csat_prior.concentration,
             r->nps_prior.concentration, r->rating_prior.concentration,
             r->by == DG_STAFF_BY_STAFF ? "site" : "store");
    rc |= dg_table_add_coded_note(t, staff ? "staff_priors_staff" : "staff_priors_site", buf);
    rc |= dg_table_note_param(t, "repeat", r->repeat_prior.concentration);
    rc |= dg_table_note_param(t, "csat", r->csat_prior.concentration);
    rc |= dg_table_note_param(t, "nps", r->nps_prior.concentration);
    rc |= dg_table_note_param(t, "rating", r->rating_prior.concentration);
    snprintf(buf, sizeof buf, "repeat: first-time customers whose first order is at least %d "
             "days old, who ordered again on a later day within %d days", r->repeat_days,
             r->repeat_days);
    rc |= dg_table_add_coded_note(t, "staff_repeat", buf);
    rc |= dg_table_note_param(t, "days", r->repeat_days);
    snprintf(buf, sizeof buf, "survey answers go to the %s of the customer's latest order on or "
             "before the answer; %zu answers had none", r->by == DG_STAFF_BY_STAFF ? "staff member"
             : "site", r->answers_unattributed);
    rc |= dg_table_add_coded_note(t, staff ? "staff_answers_staff" : "staff_answers_site", buf);
    rc |= dg_table_note_param(t, "answers", (double)r->answers_unattributed);
    if (r->orders_without_unit) {
        snprintf(buf, sizeof buf, "%zu orders name no %s and are left out",
                 r->orders_without_unit, r->by == DG_STAFF_BY_STAFF ? "staff member" : "site");
        rc |= dg_table_add_coded_note(t, staff ? "staff_unnamed_staff" : "staff_unnamed_site", buf);
        rc |= dg_table_note_param(t, "orders", (double)r->orders_without_unit);
    }
    if (r->n_units == 0)
        rc |= staff ? dg_table_add_coded_note(t, "staff_none_staff",
                                              "no order names a staff member (orders.staff_id)")
                    : dg_table_add_coded_note(t, "staff_none_site",
                                              "no order names a site (orders.site)");
    else if (r->csat_prior.n_units == 0 && r->nps_prior.n_units == 0)
        rc |= dg_table_add_coded_note(t, "staff_no_survey", "no survey answer follows an order of these units: CSAT and "
                                   "NPS are empty");
    return rc;
}

int dg_staff_table(dg_table **out, const dg_frame *frame, const dg_staff_result *r,
                   dg_staff_rank rank, dg_error *err)
{
    bool by_staff = r->by == DG_STAFF_BY_STAFF;
    const dg_dict *names = by_staff ? &frame->staff : &frame->sites;
    dg_table *t = dg_table_new(by_staff ? "Staff" : "Sites");
    size_t *order = malloc((r->n_units ? r->n_units : 1) * sizeof *order);
    if (!t || !order) {
        dg_table_free(t);
        free(order);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    int rc = dg_table_add_column(t, "rank", DG_CELL_INT, 0);
    rc |= dg_table_add_column(t, by_staff ? "staff" : "site", DG_CELL_TEXT, 0);
    if (by_staff)
        rc |= dg_table_add_column(t, "site", DG_CELL_TEXT, 0);
    size_t base = by_staff ? 3 : 2;
    rc |= dg_table_add_column(t, "customers", DG_CELL_INT, 0);
    rc |= dg_table_add_column(t, "orders", DG_CELL_INT, 0);
    rc |= dg_table_add_column(t, "revenue", DG_CELL_MONEY, frame->minor_digits);
    rc |= add_rate_columns(t, "repeat", DG_CELL_PERCENT, 1);
    rc |= add_rate_columns(t, "csat", DG_CELL_PERCENT, 1);
    rc |= add_rate_columns(t, "nps", DG_CELL_REAL, 1);
    rc |= add_rate_columns(t, "rating", DG_CELL_PERCENT, 1);
    if (rc == 0) {
        for (size_t i = 0; i < r->n_units; i++)
            order[i] = i;
        sort_ctx ctx = { r, names, rank };
        qsort_r(order, r->n_units, sizeof *order, by_rank, &ctx);
    }
    for (size_t i = 0; rc == 0 && i < r->n_units; i++) {
        const dg_staff_unit *u = &r->units[order[i]];
        rc |= dg_table_add_row(t);
        dg_table_set_int(t, 0, (int64_t)i + 1);
        rc |= dg_table_set_text(t, 1, dg_dict_value(names, u->code));
        if (by_staff && u->group)
            rc |= dg_table_set_text(t, 2, dg_dict_value(&frame->sites, u->group));
        dg_table_set_int(t, base, u->customers);
        dg_table_set_int(t, base + 1, u->orders);
        dg_table_set_int(t, base + 2, u->revenue_minor);
        set_rate(t, base + 3, &u->repeat);
        set_rate(t, base + 8, &u->csat);
        set_rate(t, base + 13, &u->nps);
        set_rate(t, base + 18, &u->rating);
    }
    if (rc == 0)
        rc = add_notes(t, r);
    free(order);
    if (rc != 0 || dg_table_failed(t)) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    *out = t;
    return 0;
}
