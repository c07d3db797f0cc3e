/* Campaign reports (include/dangol/report.h, "campaigns"): the list, one campaign with its groups
 * per stratum, an audience preview, the send list and the results over the response window.
 * Store reads run in one consistent read each; the results walk the frame's orders (columnar,
 * CSR by customer) for the members read from the store, so 1 M members cost one pass. Formulas
 * of the intervals: include/dangol/uplift.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/campaign.h"
#include "dangol/campaign.h"
#include "dangol/consent.h"
#include "dangol/points.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "dangol/uplift.h"
#include "report/economics.h"
#include "store/campaigns.h"
#include "store/coupons.h"

typedef struct column {
    const char *name;
    dg_cell_type type;
    int decimals;      /* -1: the currency's minor digits */
} column;

static dg_table *new_table(const char *title, const column *cols, size_t n, int minor_digits)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; t && i < n; i++)
        dg_table_add_column(t, cols[i].name, cols[i].type,
                            cols[i].decimals < 0 ? minor_digits : cols[i].decimals);
    return t;
}

static int finish(dg_report *out, dg_table *t, int rc, dg_error *err)
{
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    if (!t || dg_table_failed(t)) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    return dg_report_add(out, t, err);
}

/* ---- list ---- */

static const column campaign_cols[] = {
    { "campaign", DG_CELL_TEXT, 0 }, { "name", DG_CELL_TEXT, 0 },
    { "audience", DG_CELL_TEXT, 0 }, { "control_share", DG_CELL_PERCENT, 2 },
    { "offer", DG_CELL_TEXT, 0 }, { "offer_detail", DG_CELL_TEXT, 0 },
    { "channel", DG_CELL_TEXT, 0 }, { "window_days", DG_CELL_INT, 0 },
    { "state", DG_CELL_TEXT, 0 }, { "launched_on", DG_CELL_DATE, 0 },
    { "members", DG_CELL_INT, 0 }, { "treatment", DG_CELL_INT, 0 },
    { "control", DG_CELL_INT, 0 },
};
#define N_CAMPAIGN_COLS (sizeof campaign_cols / sizeof campaign_cols[0])

int dg_report_campaign_list(dg_report *out, dg_store *store, dg_error *err)
{
    dg_table *t = new_table("Campaigns", campaign_cols, N_CAMPAIGN_COLS, 0);
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__campaign_report_fill(store, t, DG__CAMPAIGN_Q_LIST, NULL, err);
        dg_store_read_end(store);
    }
    return finish(out, t, rc, err);
}

/* ---- show ---- */

int dg_report_campaign_show(dg_report *out, dg_store *store, const char *campaign_id,
                            dg_error *err)
{
    static const column strata_cols[] = {
        { "segment", DG_CELL_TEXT, 0 }, { "members", DG_CELL_INT, 0 },
        { "treatment", DG_CELL_INT, 0 }, { "control", DG_CELL_INT, 0 },
        { "control_share", DG_CELL_PERCENT, 1 },
    };
    const char *params[] = { campaign_id, NULL };
    dg_table *t = new_table("Campaign", campaign_cols, N_CAMPAIGN_COLS, 0);
    dg_table *s = new_table("Groups by RFM segment", strata_cols, 5, 0);
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        goto fail;
    rc = dg__campaign_report_fill(store, t, DG__CAMPAIGN_Q_ONE, params, err);
    if (rc == 0 && dg_table_rows(t) == 0)
        rc = dg_error_set(err, DG_ENOTFOUND, "no campaign \"%s\"", campaign_id);
    if (rc == 0)
        rc = dg__campaign_report_fill(store, s, DG__CAMPAIGN_Q_STRATA, params, err);
    dg_store_read_end(store);
    if (rc == 0 && dg_table_rows(s) == 0)
        dg_table_add_note(s, "not launched yet: the groups are drawn at launch");
    if (rc != 0)
        goto fail;
    rc = finish(out, t, 0, err);
    return rc != 0 ? (dg_table_free(s), rc) : finish(out, s, 0, err);
fail:
    dg_table_free(t);
    dg_table_free(s);
    return rc;
}

/* ---- audience preview ---- */

int dg_report_campaign_audience(dg_report *out, dg_store *store, const char *audience,
                                int32_t as_of, double control_share, uint64_t seed,
                                dg_error *err)
{
    static const column cols[] = {
        { "segment", DG_CELL_TEXT, 0 }, { "customers", DG_CELL_INT, 0 },
        { "treatment", DG_CELL_INT, 0 }, { "control", DG_CELL_INT, 0 },
    };
    dg__campaign_audience a;
    uint8_t *control = NULL;
    int64_t *counts = NULL;
    dg_table *t = NULL;
    int rc = dg__campaign_audience_build(&a, store, audience, as_of, err);
    if (rc == 0 && (!(control = malloc(a.n ? a.n : 1)) ||
                    !(counts = calloc(2 * (a.n_strata + 1), sizeof *counts))))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = dg_uplift_assign(control, a.stratum, a.n, a.strata, a.n_strata, seed,
                              control_share, err);
    if (rc == 0) {
        char date[16], title[96];
        snprintf(title, sizeof title, "Audience on %s", dg_date_format(a.frame->as_of, date));
        t = new_table(title, cols, 4, 0);
        for (size_t i = 0; i < a.n; i++)
            counts[2 * a.stratum[i] + control[i]]++;
        int64_t total[2] = { 0, 0 };
        for (size_t s = 0; s <= a.n_strata; s++) {
            int64_t tr = s < a.n_strata ? counts[2 * s] : total[0];
            int64_t co = s < a.n_strata ? counts[2 * s + 1] : total[1];
            if (s < a.n_strata && tr + co == 0)
                continue;
            dg_table_add_row(t);
            dg_table_set_text(t, 0, s < a.n_strata ? a.strata[s] : "Total");
            dg_table_set_int(t, 1, tr + co);
            dg_table_set_int(t, 2, tr);
            dg_table_set_int(t, 3, co);
            if (s < a.n_strata) {
                total[0] += tr;
                total[1] += co;
            }
        }
        dg_table_add_note(t, "a preview: launch draws the groups as of the day before the launch "
                             "day with the campaign's seed");
    }
    free(control);
    free(counts);
    dg__campaign_audience_clear(&a);
    return finish(out, t, rc, err);
}

/* ---- send list ---- */

typedef struct send_row {
    char *customer_id, *contact, *code;
    int64_t points;
} send_row;

typedef struct send_ctx {
    send_row *rows;
    size_t n, cap;
    bool email;
} send_ctx;

static int send_collect(void *ctx, const char *const *texts, const int64_t *ints, int n)
{
    send_ctx *c = ctx;
    (void)n;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        send_row *rows = realloc(c->rows, cap * sizeof *rows);
        if (!rows)
            return DG_ENOMEM;
        c->rows = rows;
        c->cap = cap;
    }
    send_row *r = &c->rows[c->n];
    const char *contact = c->email ? texts[2] : texts[1];
    r->customer_id = strdup(texts[0]);
    r->contact = strdup(contact ? contact : "");
    r->code = strdup(texts[3] ? texts[3] : "");
    r->points = ints[4];
    if (!r->customer_id || !r->contact || !r->code) {
        free(r->customer_id);
        free(r->contact);
        free(r->code);
        return DG_ENOMEM;
    }
    c->n++;
    return 0;
}

int dg_report_campaign_send_list(dg_report *out, dg_store *store, const char *campaign_id,
                                 const char *channel, int32_t day, int64_t *left_out,
                                 dg_error *err)
{
    dg__campaign_row *row = malloc(sizeof *row);
    send_ctx c = { 0 };
    dg_table *t = NULL;
    const char *purpose = NULL;
    *left_out = 0;
    if (!row)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if (day == DG_CAMPAIGN_TODAY)
        day = dg_consent_today();
    int rc = dg__campaign_get(store, campaign_id, row, err);
    if (rc == 0)
        rc = dg_consent_purpose_parse(&purpose, channel && *channel ? channel : row->channel,
                                      err);
    if (rc == 0 && row->launched_on == DG_CAMPAIGN_TODAY)
        rc = dg_error_set(err, DG_ECONFLICT, "campaign \"%s\" is not launched yet: its treatment "
                          "group is drawn at launch (dangol campaign launch)", campaign_id);
    c.email = purpose && strcmp(purpose, "marketing_email") == 0;
    const char *params[] = { campaign_id, NULL };
    if (rc == 0 && (rc = dg_store_read_begin(store, err)) == 0) {
        rc = dg__campaign_report_scan(store, DG__CAMPAIGN_Q_SEND, params, send_collect, &c,
                                      err);
        if (rc == DG_ENOMEM)
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        dg_store_read_end(store);
    }
    if (rc == 0) {
        static const column cols[] = {
            { "customer_id", DG_CELL_TEXT, 0 }, { "contact", DG_CELL_TEXT, 0 },
            { "coupon_code", DG_CELL_TEXT, 0 }, { "points", DG_CELL_INT, 0 },
        };
        char title[320];
        snprintf(title, sizeof title, "Send list of %s (%s)", campaign_id, purpose);
        t = new_table(title, cols, 4, 0);
    }
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        bool allowed = false;
        rc = dg_consent_allows(&allowed, store, c.rows[i].customer_id, purpose, day, err);
        if (rc == 0 && !allowed)
            (*left_out)++;
        if (rc == 0 && allowed) {
            dg_table_add_row(t);
            dg_table_set_text(t, 0, c.rows[i].customer_id);
            dg_table_set_text(t, 1, c.rows[i].contact);
            if (c.rows[i].code[0])
                dg_table_set_text(t, 2, c.rows[i].code);
            if (c.rows[i].points)
                dg_table_set_int(t, 3, c.rows[i].points);
        }
    }
    if (rc == 0) {
        char date[16], note[400];
        snprintf(note, sizeof note, "%lld of %zu customers of the treatment group have no consent "
                 "to %s on %s and were left out", (long long)*left_out, c.n, purpose,
                 dg_date_format(day, date));
        dg_table_add_coded_note(t, "campaign_send_left_out", note);
        dg_table_note_param(t, "left_out", (double)*left_out);
        dg_table_note_param(t, "treatment", (double)c.n);
    }
    for (size_t i = 0; i < c.n; i++) {
        free(c.rows[i].customer_id);
        free(c.rows[i].contact);
        free(c.rows[i].code);
    }
    free(c.rows);
    free(row);
    return finish(out, t, rc, err);
}

/* ---- results ---- */

typedef struct member_ctx {
    const dg_frame *frame;
    size_t cursor;              /* frame customers are in id order, and so are the members */
    int32_t from, to;           /* the window, inclusive */
    dg_uplift_arm arm[2];       /* treatment, control */
    int64_t revenue[2];
} member_ctx;

static int member_result(void *ctx, const char *const *texts, const int64_t *ints, int n)
{
    member_ctx *m = ctx;
    (void)n;
    int control = ints[1] != 0;
    /* a merge of two id-ordered lists; a member out of step is looked up by hash */
    const dg_frame *f = m->frame;
    while (m->cursor < f->n_customers && strcmp(f->customer_id[m->cursor], texts[0]) < 0)
        m->cursor++;
    int64_t c = m->cursor < f->n_customers && strcmp(f->customer_id[m->cursor], texts[0]) == 0
                    ? (int64_t)m->cursor : dg_frame_customer_index(f, texts[0]);
    int64_t revenue = 0;
    bool responded = false;
    if (c >= 0)
        for (size_t o = f->order_offset[c], end = dg_frame_orders_end(f, (size_t)c); o < end; o++)
            if (f->order_day[o] >= m->from && f->order_day[o] <= m->to) {
                revenue += f->order_amount_minor[o];
                responded = true;
            }
    dg_uplift_arm *a = &m->arm[control];
    a->customers++;
    a->responders += responded;
    a->revenue_sum += (double)revenue;
    a->revenue_sumsq += (double)revenue * (double)revenue;
    m->revenue[control] += revenue;
    return 0;
}

typedef struct cost_ctx {
    int64_t issued, redeemed, discount, granted;
} cost_ctx;

static int cost_row(void *ctx, const char *const *texts, const int64_t *ints, int n)
{
    cost_ctx *c = ctx;
    (void)texts;
    (void)n;
    c->issued = ints[0];
    c->redeemed = ints[1];
    c->discount = ints[2];
    c->granted = ints[3];
    return 0;
}

static int64_t money(double minor)
{
    return (int64_t)llround(minor);
}

static dg_table *groups_table(const member_ctx *m, const dg_uplift *u, int digits)
{
    static const column cols[] = {
        { "group", DG_CELL_TEXT, 0 }, { "customers", DG_CELL_INT, 0 },
        { "responders", DG_CELL_INT, 0 }, { "response_rate", DG_CELL_PERCENT, 2 },
        { "rate_low", DG_CELL_PERCENT, 2 }, { "rate_high", DG_CELL_PERCENT, 2 },
        { "revenue", DG_CELL_MONEY, -1 }, { "revenue_per_customer", DG_CELL_MONEY, -1 },
        { "rpc_low", DG_CELL_MONEY, -1 }, { "rpc_high", DG_CELL_MONEY, -1 },
    };
    dg_table *t = new_table("Campaign results by group", cols, 10, digits);
    for (int g = 0; t && g < 2; g++) {
        const dg_uplift_interval *r = g ? &u->rate_control : &u->rate_treatment;
        const dg_uplift_interval *v = g ? &u->rpc_control : &u->rpc_treatment;
        dg_table_add_row(t);
        dg_table_set_text(t, 0, g ? "control" : "treatment");
        dg_table_set_int(t, 1, m->arm[g].customers);
        dg_table_set_int(t, 2, m->arm[g].responders);
        if (r->valid) {
            dg_table_set_real(t, 3, r->estimate);
            dg_table_set_real(t, 4, r->low);
            dg_table_set_real(t, 5, r->high);
        }
        dg_table_set_int(t, 6, m->revenue[g]);
        if (m->arm[g].customers > 0)
            dg_table_set_int(t, 7, money(v->estimate));
        if (v->valid) {
            dg_table_set_int(t, 8, money(v->low));
            dg_table_set_int(t, 9, money(v->high));
        }
    }
    return t;
}

static dg_table *uplift_table(const member_ctx *m, const dg_uplift *u, int digits)
{
    static const column cols[] = {
        { "measure", DG_CELL_TEXT, 0 }, { "estimate", DG_CELL_REAL, 4 },
        { "low", DG_CELL_REAL, 4 }, { "high", DG_CELL_REAL, 4 }, { "method", DG_CELL_TEXT, 0 },
    };
    dg_table *t = new_table("Uplift (treatment - control), 95% intervals", cols, 5, digits);
    double n_t = (double)m->arm[0].customers, scale = 1.0;
    for (int d = 0; d < digits; d++)
        scale *= 10.0;
    const struct {
        const char *measure;
        const dg_uplift_interval *i;
        double factor;
        const char *method;
    } rows[] = {
        { "response_rate", &u->rate_diff, 1.0, "Newcombe hybrid score (1998, method 10)" },
        { "revenue_per_customer", &u->rpc_diff, 1.0 / scale, "Welch (1947), t interval" },
        { "incremental_responders", &u->rate_diff, n_t, "response rate uplift x treatment" },
        { "incremental_revenue", &u->rpc_diff, n_t / scale,
          "revenue per customer uplift x treatment" },
    };
    for (size_t r = 0; t && r < sizeof rows / sizeof rows[0]; r++) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, rows[r].measure);
        dg_table_set_real(t, 1, rows[r].i->estimate * rows[r].factor);
        if (rows[r].i->valid) {
            dg_table_set_real(t, 2, rows[r].i->low * rows[r].factor);
            dg_table_set_real(t, 3, rows[r].i->high * rows[r].factor);
        }
        dg_table_set_text(t, 4, rows[r].method);
    }
    return t;
}

/* The cost per customer retained beyond the control group: cost / (treatment customers x the
 * response rate uplift), with the interval the uplift's 95% interval gives through that
 * decreasing map (empty unless the whole interval is above zero: no customer is then surely
 * kept by the campaign). */
static void set_cost_per_retained(dg_table *t, size_t col, int64_t cost, double n_t,
                                  const dg_uplift_interval *diff)
{
    if (diff->estimate > 0 && n_t > 0)
        dg_table_set_int(t, col, money((double)cost / (diff->estimate * n_t)));
    if (diff->valid && diff->low > 0 && n_t > 0) {
        dg_table_set_int(t, col + 1, money((double)cost / (diff->high * n_t)));
        dg_table_set_int(t, col + 2, money((double)cost / (diff->low * n_t)));
    }
}

static dg_table *cost_table(const cost_ctx *c, const dg_points_rules *rules,
                            const member_ctx *m, const dg_uplift *u, int digits)
{
    static const column cols[] = {
        { "coupons_issued", DG_CELL_INT, 0 }, { "coupons_redeemed", DG_CELL_INT, 0 },
        { "discount", DG_CELL_MONEY, -1 }, { "points_granted", DG_CELL_INT, 0 },
        { "points_value", DG_CELL_MONEY, -1 }, { "cost", DG_CELL_MONEY, -1 },
        { "incremental_revenue", DG_CELL_MONEY, -1 }, { "net", DG_CELL_MONEY, -1 },
        { "retained_beyond_control", DG_CELL_REAL, 1 },
        { "cost_per_retained", DG_CELL_MONEY, -1 }, { "cpr_low", DG_CELL_MONEY, -1 },
        { "cpr_high", DG_CELL_MONEY, -1 },
    };
    double n_t = (double)m->arm[0].customers;
    double incremental_minor = u->rpc_diff.estimate * n_t;
    dg_table *t = new_table("Campaign cost", cols, 12, digits);
    int64_t points_value = c->granted * rules->point_value_minor;
    int64_t cost = c->discount + points_value;
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, c->issued);
        dg_table_set_int(t, 1, c->redeemed);
        dg_table_set_int(t, 2, c->discount);
        dg_table_set_int(t, 3, c->granted);
        dg_table_set_int(t, 4, points_value);
        dg_table_set_int(t, 5, cost);
        dg_table_set_int(t, 6, money(incremental_minor));
        dg_table_set_int(t, 7, money(incremental_minor) - cost);
        dg_table_set_real(t, 8, u->rate_diff.estimate * n_t);
        set_cost_per_retained(t, 9, cost, n_t, &u->rate_diff);
        dg_table_add_note(t, "cost: the discounts of the campaign's coupons redeemed and the "
                             "money value of the points granted (the points rules' "
                             "point_value); net = incremental revenue - cost");
        dg_table_add_note(t, "retained beyond control = treatment customers x response rate "
                             "uplift; cost per retained = cost / them, its 95% interval from "
                             "the uplift's (empty when the uplift's interval reaches 0)");
    }
    return t;
}

/* Reads a launched campaign's members (merged with m's frame's orders in its window) and its
 * cost, in one consistent read; its row into *row. */
static int campaign_measure(dg_store *store, const char *campaign_id, dg__campaign_row *row,
                            member_ctx *m, cost_ctx *cost, dg_error *err)
{
    const char *params[] = { campaign_id, NULL };
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__campaign_get(store, campaign_id, row, err);
    if (rc == 0 && row->launched_on == DG_CAMPAIGN_TODAY)
        rc = dg_error_set(err, DG_ECONFLICT, "campaign \"%s\" is not launched yet: it has no "
                          "results", campaign_id);
    if (rc == 0) {
        m->from = row->launched_on;
        m->to = row->launched_on + row->c.window_days - 1;
        rc = dg__campaign_report_scan(store, DG__CAMPAIGN_Q_MEMBERS, params, member_result, m,
                                      err);
    }
    if (rc == 0)
        rc = dg__campaign_report_scan(store, DG__CAMPAIGN_Q_COSTS, params, cost_row, cost, err);
    dg_store_read_end(store);
    return rc;
}

int dg__campaign_retained(dg_store *store, const dg_frame *frame, const char *campaign_id,
                          int64_t point_value_minor, int64_t *cost, double *retained,
                          dg_error *err)
{
    dg__campaign_row *row = malloc(sizeof *row);
    if (!row)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    member_ctx m = { .frame = frame };
    cost_ctx c = { 0 };
    dg_uplift u;
    int rc = campaign_measure(store, campaign_id, row, &m, &c, err);
    free(row);
    if (rc == 0)
        rc = dg_uplift_compute(&u, &m.arm[0], &m.arm[1], 0.95, err);
    if (rc == 0) {
        *cost = c.discount + c.granted * point_value_minor;
        *retained = u.rate_diff.estimate * (double)m.arm[0].customers;
    }
    return rc;
}

int dg_report_campaign_results(dg_report *out, dg_store *store, const dg_frame *frame,
                               const char *campaign_id, const dg_points_rules *rules,
                               dg_error *err)
{
    dg_points_rules builtin;
    if (!rules) {
        dg_points_rules_default(&builtin);
        rules = &builtin;
    }
    dg__campaign_row *row = malloc(sizeof *row);
    if (!row)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    member_ctx m = { .frame = frame };
    cost_ctx cost = { 0 };
    int digits = frame->minor_digits;
    int rc = campaign_measure(store, campaign_id, row, &m, &cost, err);
    dg_uplift u;
    if (rc == 0)
        rc = dg_uplift_compute(&u, &m.arm[0], &m.arm[1], 0.95, err);
    dg_table *groups = NULL, *uplift = NULL, *costs = NULL;
    if (rc == 0) {
        groups = groups_table(&m, &u, digits);
        uplift = uplift_table(&m, &u, digits);
        costs = cost_table(&cost, rules, &m, &u, digits);
        char from[16], to[16], note[300];
        snprintf(note, sizeof note, "response window %s to %s: a responder ordered at least once "
                 "in it; revenue per customer counts every member, buyers or not",
                 dg_date_format(m.from, from), dg_date_format(m.to, to));
        if (groups)
            dg_table_add_note(groups, note);
        if (groups && frame->as_of < m.to) {
            snprintf(note, sizeof note, "the window is still open: the data end on %s",
                     dg_date_format(frame->as_of, from));
            dg_table_add_note(groups, note);
        }
    }
    free(row);
    if (rc != 0)
        return rc;
    rc = finish(out, groups, 0, err);
    if (rc == 0)
        rc = finish(out, uplift, 0, err);
    else
        dg_table_free(uplift);
    if (rc == 0)
        rc = finish(out, costs, 0, err);
    else
        dg_table_free(costs);
    return rc;
}
