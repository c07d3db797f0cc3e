/* The loyalty programme's part of the customer card (`dangol customer show --programme`): the
 * customer's tier and tier history, points balance, coupons and campaigns, each the tables of its
 * own report (`dangol tier show`, `dangol points balance`, /api/customers/ID/coupons and
 * /api/customers/ID/campaigns), so the card never disagrees with them. The dashboard's card asks
 * those four routes itself, each under its own role, so the API's card leaves them out. */
#include "dangol/card.h"
#include "dangol/points.h"
#include "dangol/report.h"

/* Moves the tables of rep to the end of card; rep is empty afterwards. */
static int take_tables(dg_card *card, dg_report *rep, dg_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < rep->n_tables; i++) {
        dg_table *t = rep->tables[i];
        rep->tables[i] = NULL;
        if (rc == 0)
            rc = dg_card_add(card, t);
        else
            dg_table_free(t);
    }
    rep->n_tables = 0;
    return rc ? dg_error_set(err, rc, "out of memory") : 0;
}

int dg_report_card_programme(dg_card *card, dg_store *store, const char *customer_id,
                             bool whole_codes, dg_error *err)
{
    dg_report rep;
    dg_report_init(&rep);
    int rc = dg_report_tier_customer(&rep, store, customer_id, DG_DAY_NONE, err);
    if (rc == 0 && (rc = take_tables(card, &rep, err)) == 0)
        rc = dg_report_points_balance(&rep, store, customer_id, DG_POINTS_TODAY, 0, err);
    if (rc == 0 && (rc = take_tables(card, &rep, err)) == 0)
        rc = dg_report_coupon_customer(&rep, store, customer_id, whole_codes, err);
    if (rc == 0 && (rc = take_tables(card, &rep, err)) == 0)
        rc = dg_report_campaign_customer(&rep, store, customer_id, whole_codes, err);
    if (rc == 0)
        rc = take_tables(card, &rep, err);
    dg_report_clear(&rep);
    return rc;
}
