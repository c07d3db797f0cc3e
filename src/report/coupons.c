/* The coupon reports (include/dangol/report.h), as `dangol coupon list|show|rates` and the
 * /api/coupons routes show them: the definitions with their state and counts, the codes of one
 * definition, one code with its definition, a customer's codes, and redemption rates by coupon or by campaign with
 * 95% Wilson score intervals. Each reads in one consistent read (dg_store_read_begin); the
 * queries are the store's (store/coupons_sql.h), so they run on either backend. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dangol/coupon.h"
#include "dangol/entity.h"
#include "dangol/report.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/vocab.h"
#include "store/coupons.h"

typedef struct column {
    const char *name;
    dg_cell_type type;
} column;

/* A table of the columns (up to a NULL name); money columns with the currency's decimals. */
static dg_table *new_table(const char *title, const column *cols, int minor_digits)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; t && cols[i].name; i++)
        dg_table_add_column(t, cols[i].name, cols[i].type,
                            cols[i].type == DG_CELL_MONEY ? minor_digits
                            : cols[i].type == DG_CELL_REAL ? 2
                            : cols[i].type == DG_CELL_PERCENT ? 1 : 0);
    return t;
}

static const column def_columns[] = {
    { "definition_id", DG_CELL_TEXT }, { "name", DG_CELL_TEXT }, { "coupon_kind", DG_CELL_TEXT },
    { "audience", DG_CELL_TEXT }, { "amount", DG_CELL_MONEY }, { "percent", DG_CELL_REAL },
    { "cap", DG_CELL_MONEY }, { "min_spend", DG_CELL_MONEY }, { "valid_from", DG_CELL_DATE },
    { "valid_until", DG_CELL_DATE }, { "per_customer_limit", DG_CELL_INT },
    { "total_limit", DG_CELL_INT }, { "campaign_id", DG_CELL_TEXT },
    { "coupon_state", DG_CELL_TEXT }, { "issued", DG_CELL_INT }, { "redeemed", DG_CELL_INT },
    { NULL, 0 },
};

static const column code_columns[] = {
    { "code", DG_CELL_TEXT }, { "definition_id", DG_CELL_TEXT },
    { "customer_id", DG_CELL_TEXT }, { "issued_on", DG_CELL_DATE },
    { "coupon_state", DG_CELL_TEXT }, { "order_id", DG_CELL_TEXT },
    { "order_total", DG_CELL_MONEY }, { "discount", DG_CELL_MONEY },
    { "redeemed_on", DG_CELL_DATE }, { "issued_by", DG_CELL_TEXT },
    { "void_reason", DG_CELL_TEXT }, { NULL, 0 },
};

/* Opens a read, learns the currency's digits and today. */
static int begin(dg_store *store, int *minor_digits, char today[24], dg_error *err)
{
    char currency[4];
    int rc = dg_store_currency(store, currency, minor_digits, err);
    if (rc != 0)
        return rc;
    snprintf(today, 24, "%d", (int)dg_day_of((int64_t)time(NULL)));
    return dg_store_read_begin(store, err);
}

/* Adds the tables (all of them, or frees them all when rc is an error). */
static int finish(dg_report *out, dg_table **tables, size_t n, int rc, dg_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = dg_report_add(out, tables[i], err);
        else
            dg_table_free(tables[i]);
    }
    return rc;
}

int dg_report_coupon_list(dg_report *out, dg_store *store, const char *definition_id,
                          dg_error *err)
{
    int digits;
    char today[24], title[320];
    int rc = begin(store, &digits, today, err);
    if (rc != 0)
        return rc;
    const char *params[] = { today, definition_id, NULL };
    dg_table *t;
    if (!definition_id) {
        t = new_table("Coupon definitions", def_columns, digits);
        rc = dg__coupon_report_fill(store, t, DG__COUPON_Q_DEFINITIONS, params, err);
    } else {
        snprintf(title, sizeof title, "Coupon codes of %s", definition_id);
        t = new_table(title, code_columns, digits);
        dg__coupon_def_row def;
        rc = dg__coupon_def_get(store, definition_id, &def, err);
        if (rc == 0)
            rc = dg__coupon_report_fill(store, t, DG__COUPON_Q_DEFINITION_CODES, params, err);
    }
    dg_store_read_end(store);
    return finish(out, &t, 1, rc, err);
}

int dg_report_coupon_show(dg_report *out, dg_store *store, const char *code, dg_error *err)
{
    char canonical[DG_COUPON_CODE_LEN + 1];
    int rc = dg_coupon_code_parse(canonical, code, err);
    if (rc != 0)
        return rc;
    int digits;
    char today[24], title[64];
    if ((rc = begin(store, &digits, today, err)) != 0)
        return rc;
    snprintf(title, sizeof title, "Coupon code %s", canonical);
    dg_table *tables[2] = { new_table(title, code_columns, digits),
                            new_table("Its definition", def_columns, digits) };
    dg__coupon_code_row row;
    memset(&row, 0, sizeof row);
    const char *params[] = { today, canonical, NULL };
    rc = dg__coupon_code_get(store, canonical, &row, err);
    if (rc == 0)
        rc = dg__coupon_report_fill(store, tables[0], DG__COUPON_Q_CODE, params, err);
    const char *def_params[] = { today, row.definition_id, NULL };
    if (rc == 0)
        rc = dg__coupon_report_fill(store, tables[1], DG__COUPON_Q_DEFINITION, def_params, err);
    dg_store_read_end(store);
    return finish(out, tables, 2, rc, err);
}

/* ---- a customer's codes ---- */

static const column customer_columns[] = {
    { "code", DG_CELL_TEXT }, { "definition_id", DG_CELL_TEXT }, { "name", DG_CELL_TEXT },
    { "coupon_kind", DG_CELL_TEXT }, { "amount", DG_CELL_MONEY }, { "percent", DG_CELL_REAL },
    { "issued_on", DG_CELL_DATE }, { "valid_until", DG_CELL_DATE },
    { "coupon_state", DG_CELL_TEXT }, { "order_id", DG_CELL_TEXT },
    { "discount", DG_CELL_MONEY }, { "redeemed_on", DG_CELL_DATE }, { NULL, 0 },
};

int dg_report_coupon_customer(dg_report *out, dg_store *store, const char *customer_id,
                              bool whole_codes, dg_error *err)
{
    int digits;
    char today[24], title[320];
    int rc = begin(store, &digits, today, err);
    if (rc != 0)
        return rc;
    snprintf(title, sizeof title, "Coupons of %s", customer_id);
    dg_table *t = new_table(title, customer_columns, digits);
    bool found = false;
    rc = dg_store_exists(store, dg_entity_find("customers"), customer_id, &found, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    const char *params[] = { today, customer_id, whole_codes ? "1" : "0", NULL };
    if (rc == 0)
        rc = dg__coupon_report_fill(store, t, DG__COUPON_Q_CUSTOMER_CODES, params, err);
    dg_store_read_end(store);
    return finish(out, &t, 1, rc, err);
}

/* ---- redemption rates ---- */

static const column rate_columns[] = {
    { "definitions", DG_CELL_INT }, { "issued", DG_CELL_INT }, { "redeemed", DG_CELL_INT },
    { "redemption_rate", DG_CELL_PERCENT }, { "ci_low", DG_CELL_PERCENT },
    { "ci_high", DG_CELL_PERCENT }, { "discount", DG_CELL_MONEY }, { "revenue", DG_CELL_MONEY },
    { NULL, 0 },
};

/* a row: key, campaign (by coupon) or NULL, definitions, issued, redeemed, discount,
 * revenue (DG__COUPON_Q_RATES_*) */
typedef struct rates {
    dg_table *t;
    bool by_coupon;
} rates;

static int rate_row(void *ctx, const char *const *texts, const int64_t *ints, int n)
{
    rates *r = ctx;
    size_t c = 0;
    (void)n;
    dg_table_add_row(r->t);
    dg_table_set_text(r->t, c++, texts[0] ? texts[0] : "(none)");
    if (r->by_coupon) {
        if (texts[1])
            dg_table_set_text(r->t, c, texts[1]);
        c++;
    }
    dg_table_set_int(r->t, c++, ints[2]);
    dg_table_set_int(r->t, c++, ints[3]);
    dg_table_set_int(r->t, c++, ints[4]);
    if (ints[3] > 0) {
        /* the Wilson score interval (Wilson 1927, JASA 22:209-212, eq. for p +- z): centre
         * (p + z^2/2n) / (1 + z^2/n), half-width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n),
         * z = 1.96; computed by dg_share_from_counts (src/analytics/loyalty.c) */
        dg_share s;
        dg_share_from_counts((size_t)ints[4], (size_t)ints[3], &s);
        dg_table_set_real(r->t, c, s.share);
        dg_table_set_real(r->t, c + 1, s.ci_low);
        dg_table_set_real(r->t, c + 2, s.ci_high);
    }
    c += 3;
    dg_table_set_int(r->t, c++, ints[5]);
    dg_table_set_int(r->t, c, ints[6]);
    return 0;
}

int dg_coupon_rates_by_parse(const char *text, bool *by_campaign, dg_error *err)
{
    const char *code = text ? dg_vocab_code("coupon_group", text, strlen(text)) : "coupon";
    if (code && strcmp(code, "coupon") == 0)
        *by_campaign = false;
    else if (code && strcmp(code, "campaign") == 0)
        *by_campaign = true;
    else
        return dg_error_set(err, DG_EINVAL, "unknown grouping \"%s\"; valid: coupon, campaign",
                            text);
    return 0;
}

int dg_report_coupon_rates(dg_report *out, dg_store *store, bool by_campaign, dg_error *err)
{
    int digits;
    char today[24];
    int rc = begin(store, &digits, today, err);
    if (rc != 0)
        return rc;
    rates r = { dg_table_new(by_campaign ? "Coupon redemption rates by campaign"
                                         : "Coupon redemption rates by coupon"), !by_campaign };
    dg_table_add_column(r.t, by_campaign ? "campaign_id" : "definition_id", DG_CELL_TEXT, 0);
    if (!by_campaign)
        dg_table_add_column(r.t, "campaign_id", DG_CELL_TEXT, 0);
    for (size_t i = 0; rate_columns[i].name; i++)
        dg_table_add_column(r.t, rate_columns[i].name, rate_columns[i].type,
                            rate_columns[i].type == DG_CELL_MONEY ? digits : 1);
    rc = dg__coupon_report_scan(store, by_campaign ? DG__COUPON_Q_RATES_BY_CAMPAIGN
                                                   : DG__COUPON_Q_RATES_BY_COUPON,
                                NULL, rate_row, &r, err);
    dg_store_read_end(store);
    dg_table_add_coded_note(r.t, "coupon_rates", "redemption rate = redeemed / issued codes (voided ones included); "
                      "95% Wilson score interval (Wilson 1927); revenue: the totals of the "
                      "redeeming orders, before their discount");
    return finish(out, &r.t, 1, rc, err);
}
