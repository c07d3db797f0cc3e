/* The economics report (include/dangol/report.h, dangol/economics.h), as `dangol economics
 * cac|clv-cac|profit|retention` and /api/economics/... show it: CAC per channel and month; per
 * channel the CAC beside the CLV on revenue and on gross margin, their ratio and the payback
 * months; the customers' contribution (gross margin less the cost to serve them); and the
 * acquisition cost per new customer beside the retention programme's cost per retained one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dangol/text.h"
#include "dangol/vocab.h"
#include "report/economics.h"
#include "store/campaigns.h"
#include "store/coupons.h"
#include "store/economics.h"

static const struct { const char *code; dg_economics_view view; } views[] = {
    { "cac", DG_ECONOMICS_VIEW_CAC },
    { "clv-cac", DG_ECONOMICS_VIEW_CHANNELS },
    { "profit", DG_ECONOMICS_VIEW_PROFIT },
    { "retention", DG_ECONOMICS_VIEW_RETENTION },
};

int dg_economics_view_parse(const char *text, dg_economics_view *view, dg_error *err)
{
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        const dg_vocab_entry *v = dg_vocab_find("economics_view", views[i].code);
        if (strcmp(text, views[i].code) == 0 ||
            (v && (strcasecmp(text, v->en) == 0 || strcmp(text, v->ko) == 0))) {
            *view = views[i].view;
            return 0;
        }
    }
    return dg_error_set(err, DG_EINVAL, "unknown economics view \"%s\"; valid: cac, clv-cac, "
                        "profit, retention", text);
}

/* Adds columns (name, type, decimals) up to a NULL name. */
static void add_columns(dg_table *t, const char *const *names, const dg_cell_type *types,
                        const int *decimals)
{
    for (size_t i = 0; names[i]; i++)
        dg_table_add_column(t, names[i], types[i], decimals ? decimals[i] : 0);
}

static int finish(dg_report *out, dg_table *t, dg_error *err)
{
    if (!t || dg_table_failed(t)) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    return dg_report_add(out, t, err);
}

static void set_money(dg_table *t, size_t col, double minor)
{
    if (isfinite(minor))
        dg_table_set_int(t, col, llround(minor));
}

static void set_real(dg_table *t, size_t col, double value)
{
    if (isfinite(value))
        dg_table_set_real(t, col, value);
}

/* The channels in name order (indexes into e->channels); caller frees. */
static size_t *channel_order(const dg__econ *e)
{
    size_t *order = malloc((e->n_channels ? e->n_channels : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < e->n_channels; i++) {
        size_t j = i;
        while (j > 0 && strcmp(e->channels[order[j - 1]].name, e->channels[i].name) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return order;
}

/* ---- cac ---- */

static int cac_table(dg_report *out, const dg__econ *e, dg_error *err)
{
    static const char *const names[] = { "acquisition_channel", "month", "marketing_spend",
                                         "new_customers", "cac", NULL };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_DATE, DG_CELL_MONEY, DG_CELL_INT,
                                          DG_CELL_MONEY };
    int digits = e->frame->minor_digits;
    const int decimals[] = { 0, 0, digits, 0, digits };
    dg_table *t = dg_table_new("Acquisition cost per new customer, by channel and month");
    size_t *order = channel_order(e);
    if (!t || !order) {
        free(order);
        return finish(out, t, err);
    }
    add_columns(t, names, types, decimals);
    bool any_spend = false;
    for (size_t k = 0; k < e->n_channels; k++) {
        const dg__econ_channel *c = &e->channels[order[k]];
        for (size_t m = 0; m < e->n_months; m++) {
            if (!c->has_spend[m] && c->acquired[m] == 0)
                continue;
            any_spend |= c->has_spend[m] != 0;
            dg_table_add_row(t);
            dg_table_set_text(t, 0, c->name);
            dg_table_set_int(t, 1, dg__economics_month_day(e->first_month + (int32_t)m));
            if (c->has_spend[m]) {
                dg_table_set_int(t, 2, c->spend[m]);
                set_money(t, 4, dg_economics_cac(c->spend[m], c->acquired[m]));
            }
            dg_table_set_int(t, 3, c->acquired[m]);
        }
    }
    free(order);
    if (!any_spend)
        dg_table_add_coded_note(t, "economics_no_spend", "No marketing spend is recorded: "
                                "import it with `dangol import marketing_spend FILE`");
    return finish(out, t, err);
}

/* ---- clv-cac ---- */

static int channels_table(dg_report *out, const dg__econ *e, bool has_fit, dg_error *err)
{
    static const char *const names[] = {
        "acquisition_channel", "customers", "marketing_spend", "new_customers", "cac", "clv",
        "margin_rate", "clv_margin", "clv_to_cac", "clv_margin_to_cac", "payback_months", NULL };
    static const dg_cell_type types[] = {
        DG_CELL_TEXT, DG_CELL_INT, DG_CELL_MONEY, DG_CELL_INT, DG_CELL_MONEY, DG_CELL_MONEY,
        DG_CELL_PERCENT, DG_CELL_MONEY, DG_CELL_REAL, DG_CELL_REAL, DG_CELL_INT };
    int digits = e->frame->minor_digits;
    const int decimals[] = { 0, 0, digits, 0, digits, digits, 1, digits, 2, 2, 0 };
    dg_table *t = dg_table_new("Acquisition cost against lifetime value, by channel");
    size_t *order = channel_order(e);
    double *curve = malloc((e->n_months ? e->n_months : 1) * sizeof *curve);
    int32_t *cohort_month = malloc((e->n_months ? e->n_months : 1) * sizeof *cohort_month);
    if (!t || !order || !curve || !cohort_month) {
        free(order);
        free(curve);
        free(cohort_month);
        return finish(out, t, err);
    }
    add_columns(t, names, types, decimals);
    for (size_t m = 0; m < e->n_months; m++)
        cohort_month[m] = e->first_month + (int32_t)m;
    for (size_t k = 0; k < e->n_channels; k++) {
        const dg__econ_channel *c = &e->channels[order[k]];
        int64_t acquired;
        int64_t spend = dg__econ_channel_spend(e, c, &acquired);
        bool costed = c->costed_revenue > 0;
        double cac = dg_economics_cac(spend, acquired);
        double rate = costed ? (double)c->gross_margin / (double)c->costed_revenue : NAN;
        double clv = has_fit && c->clv_n > 0 ? c->clv_sum / (double)c->clv_n : NAN;
        dg_table_add_row(t);
        dg_table_set_text(t, 0, c->name);
        dg_table_set_int(t, 1, c->customers);
        if (acquired > 0 || spend > 0) {
            dg_table_set_int(t, 2, spend);
            dg_table_set_int(t, 3, acquired);
        }
        set_money(t, 4, cac);
        set_money(t, 5, clv);
        set_real(t, 6, rate);
        set_money(t, 7, clv * rate);
        if (cac > 0) {
            set_real(t, 8, clv / cac);
            set_real(t, 9, clv * rate / cac);
        }
        dg_economics_margin_curve(curve, e->n_months, cohort_month, c->acquired, c->margin,
                                  e->n_months, e->last_month);
        int payback = costed ? dg_economics_payback_months(curve, e->n_months, cac) : 0;
        if (payback > 0)
            dg_table_set_int(t, 10, payback);
    }
    free(order);
    free(curve);
    free(cohort_month);
    if (!has_fit)
        dg_table_add_coded_note(t, "economics_no_clv", "No lifetime-value fit: the CLV "
                                "columns are empty");
    dg_table_add_coded_note(t, "economics_payback", "payback_months: months from acquisition "
                            "until the mean cumulative gross margin per acquired customer "
                            "reaches the CAC; empty when it has not yet");
    return finish(out, t, err);
}

/* ---- profit ---- */

typedef struct profit_ctx {
    const dg__econ *e;
    int64_t point_value, ticket_cost;
} profit_ctx;

static bool has_margin(const dg__econ_customer *c)
{
    return c->figures.costed_revenue > 0 || c->figures.revenue == 0;
}

/* Contribution, highest first; customers without a known margin last; then by id. */
static int by_contribution(const void *a, const void *b, void *ctx)
{
    const profit_ctx *p = ctx;
    const dg__econ_customer *x = &p->e->customers[*(const size_t *)a];
    const dg__econ_customer *y = &p->e->customers[*(const size_t *)b];
    if (has_margin(x) != has_margin(y))
        return has_margin(x) ? -1 : 1;
    int64_t cx = dg_economics_contribution(&x->figures, p->point_value, p->ticket_cost);
    int64_t cy = dg_economics_contribution(&y->figures, p->point_value, p->ticket_cost);
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* CLV on margin of a customer: its CLV x its gross margin rate, or the store's when it has no
 * costed order; NAN when neither is known. */
static double clv_margin(const dg__econ *e, const dg__econ_customer *c)
{
    const dg_economics_customer *f = &c->figures;
    if (f->costed_revenue > 0)
        return c->clv_minor * (double)f->gross_margin / (double)f->costed_revenue;
    if (e->costed_revenue > 0)
        return c->clv_minor * (double)e->gross_margin / (double)e->costed_revenue;
    return NAN;
}

static int profit_totals(dg_report *out, const dg__econ *e, const profit_ctx *p, dg_error *err)
{
    static const char *const names[] = {
        "customers", "revenue", "costed_share", "gross_margin", "coupon_discounts",
        "points_value", "ticket_cost", "cost_to_serve", "contribution", "clv", "clv_margin",
        "tier_discounts", NULL };
    static const dg_cell_type types[] = {
        DG_CELL_INT, DG_CELL_MONEY, DG_CELL_PERCENT, DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY,
        DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY,
        DG_CELL_MONEY };
    int d = e->frame->minor_digits;
    const int decimals[] = { 0, d, 1, d, d, d, d, d, d, d, d, d };
    dg_economics_customer sum = { 0 };
    double clv = 0.0, clv_m = 0.0;
    bool has_clv = false;
    for (size_t i = 0; i < e->n_customers; i++) {
        const dg__econ_customer *c = &e->customers[i];
        sum.revenue += c->figures.revenue;
        sum.costed_revenue += c->figures.costed_revenue;
        sum.gross_margin += c->figures.gross_margin;
        sum.coupon_discounts += c->figures.coupon_discounts;
        sum.points_burned += c->figures.points_burned;
        sum.tickets += c->figures.tickets;
        sum.tier_discounts += c->figures.tier_discounts;
        double m = clv_margin(e, c);
        if (!isnan(c->clv_minor)) {
            clv += c->clv_minor;
            has_clv = true;
        }
        if (!isnan(m))
            clv_m += m;
    }
    dg_table *t = dg_table_new("Customer profitability: totals");
    if (!t)
        return finish(out, t, err);
    add_columns(t, names, types, decimals);
    dg_table_add_row(t);
    dg_table_set_int(t, 0, (int64_t)e->n_customers);
    dg_table_set_int(t, 1, sum.revenue);
    if (sum.revenue > 0)
        dg_table_set_real(t, 2, (double)sum.costed_revenue / (double)sum.revenue);
    dg_table_set_int(t, 3, sum.gross_margin);
    dg_table_set_int(t, 4, sum.coupon_discounts);
    dg_table_set_int(t, 5, sum.points_burned * p->point_value);
    dg_table_set_int(t, 6, sum.tickets * p->ticket_cost);
    dg_table_set_int(t, 7, dg_economics_cost_to_serve(&sum, p->point_value, p->ticket_cost));
    dg_table_set_int(t, 8, dg_economics_contribution(&sum, p->point_value, p->ticket_cost));
    if (has_clv) {
        set_money(t, 9, clv);
        set_money(t, 10, clv_m);
    }
    dg_table_set_int(t, 11, sum.tier_discounts);
    if (sum.costed_revenue < sum.revenue)
        dg_table_add_coded_note(t, "economics_uncosted", "Orders without lines, or with a "
                                "product without a unit cost, have no gross margin: "
                                "costed_share is the revenue whose margin is known");
    if (p->ticket_cost == 0 && sum.tickets > 0)
        dg_table_add_coded_note(t, "economics_tickets_free", "Service tickets are not costed: "
                                "set ticket_cost in the economics config (--config FILE)");
    return finish(out, t, err);
}

static int profit_customers(dg_report *out, const dg__econ *e, const profit_ctx *p, size_t top,
                            dg_error *err)
{
    static const char *const names[] = {
        "customer_id", "acquisition_channel", "orders", "revenue", "gross_margin", "margin_rate",
        "coupon_discounts", "points_value", "ticket_cost", "contribution", "clv", "clv_margin",
        "tier_discounts", NULL };
    static const dg_cell_type types[] = {
        DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT, DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_PERCENT,
        DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY, DG_CELL_MONEY,
        DG_CELL_MONEY, DG_CELL_MONEY };
    int d = e->frame->minor_digits;
    const int decimals[] = { 0, 0, 0, d, d, 1, d, d, d, d, d, d, d };
    dg_table *t = dg_table_new("Customers by contribution");
    size_t *order = malloc((e->n_customers ? e->n_customers : 1) * sizeof *order);
    if (!t || !order) {
        free(order);
        return finish(out, t, err);
    }
    add_columns(t, names, types, decimals);
    for (size_t i = 0; i < e->n_customers; i++)
        order[i] = i;
    profit_ctx sort_ctx = *p;
    qsort_r(order, e->n_customers, sizeof *order, by_contribution, &sort_ctx);
    size_t n = top && top < e->n_customers ? top : e->n_customers;
    for (size_t k = 0; k < n; k++) {
        const dg__econ_customer *c = &e->customers[order[k]];
        const dg_economics_customer *f = &c->figures;
        dg_table_add_row(t);
        dg_table_set_text(t, 0, c->id);
        dg_table_set_text(t, 1, e->channels[c->channel].name);
        dg_table_set_int(t, 2, c->orders);
        dg_table_set_int(t, 3, f->revenue);
        if (has_margin(c)) {
            dg_table_set_int(t, 4, f->gross_margin);
            if (f->costed_revenue > 0)
                dg_table_set_real(t, 5, (double)f->gross_margin / (double)f->costed_revenue);
        }
        dg_table_set_int(t, 6, f->coupon_discounts);
        dg_table_set_int(t, 7, f->points_burned * p->point_value);
        dg_table_set_int(t, 8, f->tickets * p->ticket_cost);
        if (has_margin(c))
            dg_table_set_int(t, 9, dg_economics_contribution(f, p->point_value, p->ticket_cost));
        set_money(t, 10, c->clv_minor);
        set_money(t, 11, clv_margin(e, c));
        dg_table_set_int(t, 12, f->tier_discounts);
    }
    free(order);
    return finish(out, t, err);
}

/* ---- retention ---- */

typedef struct id_list {
    char **ids;
    size_t n, cap;
} id_list;

static int collect_id(void *ctx, const char *const *texts, const int64_t *ints, int n)
{
    id_list *l = ctx;
    (void)ints;
    (void)n;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **p = realloc(l->ids, cap * sizeof *p);
        if (!p)
            return DG_ENOMEM;
        l->ids = p;
        l->cap = cap;
    }
    return (l->ids[l->n] = strdup(texts[0])) ? (l->n++, 0) : DG_ENOMEM;
}

/* The campaigns launched from..to with a control group: the sum of their costs and of the
 * customers they kept beyond it (docs/economics.md), into *cost and *retained. */
static int beyond_control(dg_store *store, const dg_frame *frame, int64_t point_value,
                          int32_t from, int32_t to, int64_t *cost, double *retained,
                          dg_error *err)
{
    char lo[24], hi[24];
    snprintf(lo, sizeof lo, "%d", (int)from);
    snprintf(hi, sizeof hi, "%d", (int)to);
    const char *params[] = { lo, hi, NULL };
    *cost = 0;
    *retained = 0;
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    id_list list = { 0 };
    rc = dg__campaign_report_scan(store, DG__CAMPAIGN_Q_CONTROLLED, params, collect_id, &list,
                                  err);
    dg_store_read_end(store);
    if (rc == DG_ENOMEM)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < list.n; i++) {
        int64_t c;
        double r;
        if ((rc = dg__campaign_retained(store, frame, list.ids[i], point_value, &c, &r,
                                        err)) == 0) {
            *cost += c;
            *retained += r;
        }
    }
    for (size_t i = 0; i < list.n; i++)
        free(list.ids[i]);
    free(list.ids);
    return rc;
}

static int retention_table(dg_report *out, dg_store *store, const dg__econ *e,
                           const profit_ctx *p, int months, dg_error *err)
{
    static const char *const names[] = { "side", "from", "to", "cost", "customers",
                                         "cost_per_customer", NULL };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_DATE, DG_CELL_DATE,
                                          DG_CELL_MONEY, DG_CELL_INT, DG_CELL_MONEY };
    int d = e->frame->minor_digits;
    const int decimals[] = { 0, 0, 0, d, 0, d };
    int32_t first = e->last_month - months + 1;
    int32_t from = dg__economics_month_day(first), to = e->as_of;
    int64_t spend = 0, acquired = 0;
    for (size_t k = 0; k < e->n_channels; k++)
        for (size_t m = 0; m < e->n_months; m++)
            if (e->first_month + (int32_t)m >= first) {
                spend += e->channels[k].spend[m];
                acquired += e->channels[k].acquired[m];
            }
    dg__economics_programme prog = { 0 };
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__economics_programme_get(store, from, to, &e->tiers, &prog, err);
    dg_store_read_end(store);
    if (rc != 0)
        return rc;
    int64_t programme = prog.coupon_discounts + prog.points_burned * p->point_value +
                        prog.tier_discounts;
    int64_t campaign_cost;
    double kept;
    if ((rc = beyond_control(store, e->frame, p->point_value, from, to, &campaign_cost, &kept,
                             err)) != 0)
        return rc;
    double cac = dg_economics_cac(spend, acquired);
    double retention = dg_economics_cac(programme, prog.retained);
    dg_table *t = dg_table_new("Winning a customer against keeping one");
    if (!t)
        return finish(out, t, err);
    add_columns(t, names, types, decimals);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "acquisition");
    dg_table_set_int(t, 1, from);
    dg_table_set_int(t, 2, to);
    dg_table_set_int(t, 3, spend);
    dg_table_set_int(t, 4, acquired);
    set_money(t, 5, cac);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "retention");
    dg_table_set_int(t, 1, from);
    dg_table_set_int(t, 2, to);
    dg_table_set_int(t, 3, programme);
    dg_table_set_int(t, 4, prog.retained);
    set_money(t, 5, retention);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, "retention_beyond_control");
    dg_table_set_int(t, 1, from);
    dg_table_set_int(t, 2, to);
    dg_table_set_int(t, 3, campaign_cost);
    dg_table_set_int(t, 4, (int64_t)llround(kept));
    if (kept > 0)
        set_money(t, 5, (double)campaign_cost / kept);
    if (isfinite(cac) && isfinite(retention) && retention > 0) {
        char note[256];
        snprintf(note, sizeof note, "Winning a customer cost %.1f times keeping one",
                 cac / retention);
        dg_table_add_coded_note(t, "economics_ratio", note);
        dg_table_note_param(t, "ratio", round(cac / retention * 10) / 10);
    }
    dg_table_add_coded_note(t, "economics_retained_all", "Retention cost: coupon discounts "
                            "redeemed, points burned and tier discounts given in the window "
                            "over every customer acquired before it who bought in it");
    dg_table_add_coded_note(t, "economics_beyond_control", "Beyond control: the cost of the "
                            "campaigns launched in the window with a control group over the "
                            "customers they kept beyond it (treatment customers x response-rate "
                            "uplift, summed); empty when they kept none");
    return finish(out, t, err);
}

int dg_report_economics(dg_report *out, dg_store *store, const dg_frame *frame,
                        const dg_clv_report *fit, const dg_report_economics_options *opt,
                        dg_error *err)
{
    dg_economics_config defaults;
    dg_economics_config_init(&defaults);
    const dg_economics_config *config = opt->config ? opt->config : &defaults;
    /* the clv-cac and profit views need a fit: the caller's, else one here as the card's */
    dg_clv_report *own = NULL;
    bool wants_fit = opt->view == DG_ECONOMICS_VIEW_CHANNELS ||
                     opt->view == DG_ECONOMICS_VIEW_PROFIT;
    if (!fit && wants_fit && frame->n_customers > 0) {
        const dg_clv_period weeks = { .calibration_end = DG_DAY_NONE,
                                      .holdout_end = DG_DAY_NONE, .days_per_unit = 7.0 };
        dg_clv_options clv_opt;
        dg_report_card_clv_options(&clv_opt);
        dg_error fit_err;
        dg_error_clear(&fit_err);
        if (dg_clv_frame_run(&own, frame, &weeks, &clv_opt, &fit_err) == 0)
            fit = own;
        else if (fit_err.code == DG_ENOMEM)
            return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    dg__econ e;
    int rc = dg__econ_load(&e, store, frame, fit, opt->view == DG_ECONOMICS_VIEW_CHANNELS, err);
    profit_ctx p = { &e, opt->point_value_minor, config->ticket_cost_minor };
    if (rc == 0) {
        switch (opt->view) {
        case DG_ECONOMICS_VIEW_CAC:
            rc = cac_table(out, &e, err);
            break;
        case DG_ECONOMICS_VIEW_CHANNELS:
            rc = channels_table(out, &e, fit != NULL, err);
            break;
        case DG_ECONOMICS_VIEW_PROFIT:
            rc = profit_totals(out, &e, &p, err);
            if (rc == 0)
                rc = profit_customers(out, &e, &p, opt->top, err);
            break;
        case DG_ECONOMICS_VIEW_RETENTION:
            rc = retention_table(out, store, &e, &p, config->retention_months, err);
            break;
        }
    }
    dg__econ_clear(&e);
    dg_clv_report_free(own);
    return rc;
}
