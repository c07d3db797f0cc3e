/* The customer card (include/dangol/card.h): the customer's record as field/value pairs,
 * an order summary, the latest orders and feedback. Each part is read through the store API, so
 * the card is the same on every backend. The guidance for the consultation type is added by the
 * report layer (src/report/card.c), which reads the types file. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/card.h"
#include "dangol/mask.h"
#include "dangol/money.h"
#include "dangol/store.h"
#include "dangol/text.h"

#define RECENT 5

int dg_card_add(dg_card *card, dg_table *section)
{
    dg_table **grown = realloc(card->sections, (card->n_sections + 1) * sizeof *grown);
    if (!grown) {
        dg_table_free(section);
        return DG_ENOMEM;
    }
    card->sections = grown;
    card->sections[card->n_sections++] = section;
    return 0;
}

void dg_card_clear(dg_card *card)
{
    if (!card)
        return;
    for (size_t i = 0; i < card->n_sections; i++)
        dg_table_free(card->sections[i]);
    free(card->sections);
    card->sections = NULL;
    card->n_sections = 0;
}

/* Text of one value of a catalog column, as import would accept it back. */
static void value_text(const dg_column *col, const dg_value *v, int minor_digits, char *buf,
                       size_t cap)
{
    buf[0] = '\0';
    if (v->is_null)
        return;
    switch (col->type) {
    case DG_TYPE_TEXT:
    case DG_TYPE_ENUM:      snprintf(buf, cap, "%s", v->u.s); break;
    case DG_TYPE_INT:       snprintf(buf, cap, "%lld", (long long)v->u.i); break;
    case DG_TYPE_REAL:      snprintf(buf, cap, "%g", v->u.r); break;
    case DG_TYPE_DATE:      dg_date_format((int32_t)v->u.i, buf); break;
    case DG_TYPE_TIMESTAMP: dg_timestamp_format(v->u.i, buf); break;
    case DG_TYPE_MONEY:     dg_money_format_human(v->u.i, minor_digits, buf, cap); break;
    case DG_TYPE_BOOL:      snprintf(buf, cap, "%s", v->u.i ? "yes" : "no"); break;
    }
}

typedef struct {
    dg_table *table;
    int minor_digits;
    bool mask_personal;
    int rc;
} profile_ctx;

static int add_field(dg_table *t, const char *field, const char *value)
{
    if (dg_table_add_row(t) || dg_table_set_text(t, 0, field) || dg_table_set_text(t, 1, value))
        return DG_ENOMEM;
    return 0;
}

static int profile_row(void *ctx, const dg_value *row)
{
    profile_ctx *p = ctx;
    const dg_entity *e = dg_entity_find("customers");
    char buf[256];
    for (size_t c = 0; c < e->n_columns && p->rc == 0; c++) {
        if (row[c].is_null)
            continue;
        value_text(&e->columns[c], &row[c], p->minor_digits, buf, sizeof buf);
        if (p->mask_personal && e->columns[c].personal != DG_PERSONAL_NONE) {
            char *masked = dg_mask_text(e->columns[c].personal, buf);
            p->rc = masked ? add_field(p->table, e->columns[c].name, masked) : DG_ENOMEM;
            free(masked);
        } else {
            p->rc = add_field(p->table, e->columns[c].name, buf);
        }
    }
    return 1;   /* one customer */
}

typedef struct {
    int64_t n, total_minor, units;
    bool units_known;           /* some order says how many units it had */
    int64_t first_at, last_at;
    dg_table *recent;
    int rc;
} orders_ctx;

static int order_row(void *ctx, const dg_value *row)
{
    orders_ctx *o = ctx;
    const dg_entity *e = dg_entity_find("orders");
    int at = dg_entity_column(e, "ordered_at"), total = dg_entity_column(e, "total");
    int channel = dg_entity_column(e, "channel"), units = dg_entity_column(e, "units");
    int64_t t = row[at].u.i;
    if (o->n == 0 || t < o->first_at)
        o->first_at = t;
    if (o->n == 0 || t > o->last_at)
        o->last_at = t;
    o->n++;
    if (dg_money_add(&o->total_minor, row[total].u.i) != 0) {
        o->rc = DG_ERANGE;   /* the total of the customer's orders is out of the money range */
        return 1;
    }
    if (!row[units].is_null) {
        o->units += row[units].u.i;
        o->units_known = true;
    }
    if (o->n <= RECENT) {   /* rows come newest first */
        if (dg_table_add_row(o->recent) || dg_table_set_text(o->recent, 0, row[0].u.s) ||
            dg_table_set_text(o->recent, 2, row[channel].is_null ? NULL : row[channel].u.s)) {
            o->rc = DG_ENOMEM;
            return 1;
        }
        dg_table_set_int(o->recent, 1, dg_day_of(t));
        dg_table_set_int(o->recent, 3, row[total].u.i);
    }
    return 0;
}

/* The recent-feedback section being filled, and whether its free text is masked. */
typedef struct {
    dg_table *table;
    bool mask_personal;
} recent_ctx;

static int feedback_row(void *ctx, const dg_value *row)
{
    const recent_ctx *r = ctx;
    dg_table *t = r->table;
    const dg_entity *e = dg_entity_find("feedback");
    int at = dg_entity_column(e, "received_at"), kind = dg_entity_column(e, "kind");
    int rating = dg_entity_column(e, "rating"), status = dg_entity_column(e, "status");
    int text = dg_entity_column(e, "text");
    char *masked = NULL;
    if (r->mask_personal && !row[text].is_null &&
        !(masked = dg_mask_text(e->columns[text].personal, row[text].u.s)))
        return DG_ENOMEM;
    int rc = dg_table_add_row(t) || dg_table_set_text(t, 1, row[kind].u.s) ||
             dg_table_set_text(t, 3, row[status].is_null ? NULL : row[status].u.s) ||
             dg_table_set_text(t, 4, masked ? masked : row[text].is_null ? NULL : row[text].u.s);
    free(masked);
    if (rc)
        return DG_ENOMEM;
    dg_table_set_int(t, 0, dg_day_of(row[at].u.i));
    if (!row[rating].is_null)
        dg_table_set_int(t, 2, row[rating].u.i);
    return 0;
}

/* A titled table with the given columns, or NULL when out of memory. */
static dg_table *section(const char *title, const char *const *names, const dg_cell_type *types,
                         size_t n, int decimals)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; t && i < n; i++)
        if (dg_table_add_column(t, names[i], types[i], decimals) != 0) {
            dg_table_free(t);
            t = NULL;
        }
    return t;
}

static int summary_section(dg_card *card, const orders_ctx *o, int minor_digits)
{
    static const char *const names[] = { "orders", "units", "revenue", "average order",
                                         "first order", "last order" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_INT, DG_CELL_MONEY, DG_CELL_MONEY,
                                          DG_CELL_DATE, DG_CELL_DATE };
    dg_table *t = section("Orders", names, types, 6, minor_digits);
    if (!t || dg_table_add_row(t)) {
        dg_table_free(t);
        return DG_ENOMEM;
    }
    dg_table_set_int(t, 0, o->n);
    if (o->units_known)
        dg_table_set_int(t, 1, o->units);
    dg_table_set_int(t, 2, o->total_minor);
    if (o->n > 0) {
        dg_table_set_int(t, 3, o->total_minor / o->n);
        dg_table_set_int(t, 4, dg_day_of(o->first_at));
        dg_table_set_int(t, 5, dg_day_of(o->last_at));
    }
    return dg_card_add(card, t);
}

int dg_card_build(dg_store *store, const char *customer_id, bool mask_personal, dg_card *card,
                  dg_error *err)
{
    static const char *const profile_cols[] = { "field", "value" };
    static const dg_cell_type profile_types[] = { DG_CELL_TEXT, DG_CELL_TEXT };
    static const char *const order_cols[] = { "order", "date", "channel", "total" };
    static const dg_cell_type order_types[] = { DG_CELL_TEXT, DG_CELL_DATE, DG_CELL_TEXT,
                                                DG_CELL_MONEY };
    static const char *const feedback_cols[] = { "date", "kind", "rating", "status", "text" };
    static const dg_cell_type feedback_types[] = { DG_CELL_DATE, DG_CELL_TEXT, DG_CELL_INT,
                                                   DG_CELL_TEXT, DG_CELL_TEXT };
    char code[4];
    int digits, rc;
    orders_ctx orders = { 0 };
    dg_table *feedback = NULL;
    *card = (dg_card){ 0 };

    if ((rc = dg_store_currency(store, code, &digits, err)) != 0)
        return rc;
    profile_ctx profile = { section("Customer", profile_cols, profile_types, 2, 0), digits,
                           mask_personal, 0 };
    if (!profile.table || dg_card_add(card, profile.table) != 0)   /* the card owns it now */
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    dg_scan_filter by_key = { .key = customer_id };
    rc = dg_store_scan(store, dg_entity_find("customers"), &by_key, profile_row, &profile, err);
    if (rc == 0)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    if (rc < 0 || (rc = profile.rc) != 0)
        goto fail;

    orders.recent = section("Recent orders", order_cols, order_types, 4, digits);
    feedback = section("Recent feedback", feedback_cols, feedback_types, 5, 0);
    if (!orders.recent || !feedback) {
        rc = DG_ENOMEM;
        goto fail;
    }
    dg_scan_filter by_customer = { .customer_id = customer_id, .newest_first = true };
    rc = dg_store_scan(store, dg_entity_find("orders"), &by_customer, order_row, &orders, err);
    if (orders.rc != 0)   /* order_row stopped the scan (its 1 is not a status) */
        rc = orders.rc;
    if (rc == DG_ERANGE) {
        rc = dg_error_set(err, DG_ERANGE, "customer \"%s\": the total of the orders overflows "
                          "the money range (" DG_MONEY_SUM_RANGE_TEXT "); check the order "
                          "amounts", customer_id);
        goto fail;
    }
    if (rc != 0)
        goto fail;
    if ((rc = summary_section(card, &orders, digits)) != 0)
        goto fail;
    rc = dg_card_add(card, orders.recent);
    orders.recent = NULL;
    if (rc != 0)
        goto fail;
    by_customer.limit = RECENT;
    recent_ctx recent = { feedback, mask_personal };
    if ((rc = dg_store_scan(store, dg_entity_find("feedback"), &by_customer, feedback_row,
                            &recent, err)) != 0)
        goto fail;
    rc = dg_card_add(card, feedback);
    feedback = NULL;
    if (rc == 0)
        return 0;
fail:
    dg_table_free(orders.recent);
    dg_table_free(feedback);
    dg_card_clear(card);
    if (rc == DG_ENOMEM)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    return rc;
}
