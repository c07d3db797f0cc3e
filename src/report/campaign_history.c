/* A customer's campaign history (include/dangol/report.h): every launched campaign the customer
 * was a member of, with the group drawn for them (treatment or control), the offer they got, and
 * how they responded in the campaign's response window (orders and revenue in it, and the day
 * their campaign coupon was redeemed, unless the order was returned). The customer card's
 * "campaigns" section (/api/customers/{id}/campaigns). One consistent read. */
#include <stdio.h>

#include "dangol/entity.h"
#include "dangol/report.h"
#include "store/campaigns.h"

static const struct {
    const char *name;
    dg_cell_type type;
} history_columns[] = {
    { "campaign", DG_CELL_TEXT }, { "name", DG_CELL_TEXT }, { "launched_on", DG_CELL_DATE },
    { "window_end", DG_CELL_DATE }, { "group", DG_CELL_TEXT }, { "segment", DG_CELL_TEXT },
    { "offer", DG_CELL_TEXT }, { "offer_detail", DG_CELL_TEXT }, { "coupon_code", DG_CELL_TEXT },
    { "points", DG_CELL_INT }, { "orders_in_window", DG_CELL_INT },
    { "revenue_in_window", DG_CELL_MONEY }, { "coupon_redeemed_on", DG_CELL_DATE },
};

int dg_report_campaign_customer(dg_report *out, dg_store *store, const char *customer_id,
                                bool whole_codes, dg_error *err)
{
    char currency[4], title[320];
    int digits = 0;
    int rc = dg_store_currency(store, currency, &digits, err);
    if (rc != 0)
        return rc;
    snprintf(title, sizeof title, "Campaigns of %s", customer_id);
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; t && i < sizeof history_columns / sizeof history_columns[0]; i++)
        dg_table_add_column(t, history_columns[i].name, history_columns[i].type,
                            history_columns[i].type == DG_CELL_MONEY ? digits : 0);
    if (!t)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if ((rc = dg_store_read_begin(store, err)) == 0) {
        bool found = false;
        rc = dg_store_exists(store, dg_entity_find("customers"), customer_id, &found, err);
        if (rc == 0 && !found)
            rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
        const char *params[] = { customer_id, whole_codes ? "1" : "0", NULL };
        if (rc == 0)
            rc = dg__campaign_report_fill(store, t, DG__CAMPAIGN_Q_HISTORY, params, err);
        dg_store_read_end(store);
    }
    if (rc == 0 && dg_table_failed(t))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}
