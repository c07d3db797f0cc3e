/* The points reports (include/dangol/report.h), as `dangol points balance|statement|liability`
 * and /api/customers/{id}/points* show them: a customer's balance, the ranking of balances
 * (expired lots never count, swept or not), the statement (the ledger with a running balance,
 * and the lots), and the liability: outstanding points and their money value, ageing of what is
 * outstanding, what expires in the next 30/60/90 days and the historical breakage per expiry
 * year. Each reads in one consistent read (dg_store_read_begin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/report.h"
#include "dangol/text.h"
#include "store/points.h"

static int32_t resolve_day(int32_t day)
{
    return day == DG_POINTS_TODAY ? dg_points_today() : day;
}

/* Adds columns (name, type) pairs up to a NULL name. */
static void add_columns(dg_table *t, const char *const *names, const dg_cell_type *types)
{
    for (size_t i = 0; names[i]; i++)
        dg_table_add_column(t, names[i], types[i], 0);
}

static int finish(dg_report *out, dg_table *t, int rc, dg_error *err)
{
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}

/* ---- balance and ranking ---- */

static int rank_row(void *ctx, const char *customer_id, int64_t points)
{
    dg_table *t = ctx;
    dg_table_add_row(t);
    dg_table_set_text(t, 0, customer_id);
    dg_table_set_int(t, 1, points);
    return 0;
}

int dg_report_points_balance(dg_report *out, dg_store *store, const char *customer_id,
                             int32_t day, size_t top, dg_error *err)
{
    day = resolve_day(day);
    char date[16], title[128];
    snprintf(title, sizeof title, "Points balance on %s", dg_date_format(day, date));
    dg_table *t = dg_table_new(title);
    int rc = 0;
    if (!customer_id) {
        static const char *const names[] = { "customer_id", "available", NULL };
        static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_INT };
        add_columns(t, names, types);
        if ((rc = dg_store_read_begin(store, err)) == 0) {
            rc = dg__points_ranking(store, day, top, rank_row, t, err);
            dg_store_read_end(store);
        }
        return finish(out, t, rc, err);
    }
    static const char *const names[] = { "customer_id", "available", "ledger", "expired_unswept",
                                         "lots_open", "next_expiry", "next_expiry_points", NULL };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_INT, DG_CELL_DATE, DG_CELL_INT };
    add_columns(t, names, types);
    dg_points_balance b;
    rc = dg_points_balance_get(store, customer_id, day, &b, err);
    if (rc == 0) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, customer_id);
        dg_table_set_int(t, 1, b.available);
        dg_table_set_int(t, 2, b.ledger);
        dg_table_set_int(t, 3, b.expired_unswept);
        dg_table_set_int(t, 4, b.lots_open);
        if (b.next_expiry != DG_POINTS_TODAY) {
            dg_table_set_int(t, 5, b.next_expiry);
            dg_table_set_int(t, 6, b.next_expiry_points);
        }
    }
    return finish(out, t, rc, err);
}

/* ---- statement ---- */

typedef struct statement {
    dg_table *t;
    int64_t running;
} statement;

static int statement_row(void *ctx, const dg__points_row *row)
{
    statement *s = ctx;
    dg_table *t = s->t;
    s->running += row->points;
    dg_table_add_row(t);
    dg_table_set_int(t, 0, row->movement_id);
    dg_table_set_int(t, 1, row->occurred_on);
    dg_table_set_text(t, 2, row->kind);
    dg_table_set_int(t, 3, row->points);
    dg_table_set_int(t, 4, s->running);
    if (row->expires_on != DG_POINTS_TODAY)
        dg_table_set_int(t, 5, row->expires_on);
    dg_table_set_text(t, 6, row->source_kind);
    if (row->source_id)
        dg_table_set_text(t, 7, row->source_id);
    if (row->reverses)
        dg_table_set_int(t, 8, row->reverses);
    if (row->reason)
        dg_table_set_text(t, 9, row->reason);
    dg_table_set_text(t, 10, row->actor);
    return 0;
}

static int lot_row(void *ctx, const char *customer_id, const dg__points_lot *lot)
{
    (void)customer_id;
    dg_table *t = ctx;
    dg_table_add_row(t);
    dg_table_set_int(t, 0, lot->lot_id);
    dg_table_set_int(t, 1, lot->earned_on);
    dg_table_set_int(t, 2, lot->expires_on);
    dg_table_set_int(t, 3, lot->points);
    dg_table_set_int(t, 4, lot->points - lot->remaining - lot->expired);
    dg_table_set_int(t, 5, lot->expired);
    dg_table_set_int(t, 6, lot->remaining);
    return 0;
}

int dg_report_points_statement(dg_report *out, dg_store *store, const char *customer_id,
                               dg_error *err)
{
    static const char *const names[] = { "movement", "date", "movement_kind", "points", "balance",
                                         "expires_on", "source_kind", "source_id", "reverses",
                                         "reason", "actor", NULL };
    static const dg_cell_type types[] = { DG_CELL_ID, DG_CELL_DATE, DG_CELL_TEXT, DG_CELL_INT,
                                          DG_CELL_INT, DG_CELL_DATE, DG_CELL_TEXT, DG_CELL_TEXT,
                                          DG_CELL_ID, DG_CELL_TEXT, DG_CELL_TEXT };
    static const char *const lot_names[] = { "lot", "earned_on", "expires_on", "points",
                                             "debited", "expired", "remaining", NULL };
    static const dg_cell_type lot_types[] = { DG_CELL_ID, DG_CELL_DATE, DG_CELL_DATE,
                                              DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
                                              DG_CELL_INT };
    char title[320];
    snprintf(title, sizeof title, "Points statement of %s", customer_id);
    statement s = { dg_table_new(title), 0 };
    snprintf(title, sizeof title, "Points lots of %s", customer_id);
    dg_table *lots = dg_table_new(title);
    add_columns(s.t, names, types);
    add_columns(lots, lot_names, lot_types);
    int rc = dg_store_read_begin(store, err);
    if (rc != 0) {
        dg_table_free(lots);
        return finish(out, s.t, rc, err);
    }
    bool found = false;
    rc = dg_store_exists(store, dg_entity_find("customers"), customer_id, &found, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    if (rc == 0)
        rc = dg__points_movements_scan(store, customer_id, statement_row, &s, err);
    if (rc == 0)
        rc = dg__points_lots_scan(store, customer_id, lot_row, lots, err);
    dg_store_read_end(store);
    rc = finish(out, s.t, rc, err);
    if (rc != 0) {
        dg_table_free(lots);
        return rc;
    }
    return dg_report_add(out, lots, err);
}

/* ---- liability ---- */

#define N_AGES 4
#define N_HORIZONS 3
#define MAX_YEARS 256

typedef struct liability {
    int32_t as_of;
    int64_t outstanding, lots, expiring[N_HORIZONS];
    int64_t age_points[N_AGES], age_lots[N_AGES];
    bool has_years;                       /* some lot has expired */
    int64_t year_points[MAX_YEARS], year_expired[MAX_YEARS], year_debited[MAX_YEARS];
} liability;

static const int32_t age_limits[N_AGES] = { 90, 180, 365, INT32_MAX };
static const char *const age_names[N_AGES] = { "0-90 days", "91-180 days", "181-365 days",
                                               "over 365 days" };
static const int32_t horizons[N_HORIZONS] = { 30, 60, 90 };

static int liability_lot(void *ctx, const char *customer_id, const dg__points_lot *lot)
{
    (void)customer_id;
    liability *l = ctx;
    if (lot->expires_on > l->as_of) {
        if (lot->remaining == 0 || lot->earned_on > l->as_of)
            return 0;
        l->outstanding += lot->remaining;
        l->lots++;
        size_t a = 0;
        while (l->as_of - lot->earned_on > age_limits[a])
            a++;
        l->age_points[a] += lot->remaining;
        l->age_lots[a]++;
        for (size_t h = 0; h < N_HORIZONS; h++)
            if (lot->expires_on <= l->as_of + horizons[h])
                l->expiring[h] += lot->remaining;
        return 0;
    }
    /* expired on as_of: its breakage is what expired, swept or not */
    int year, month, day;
    dg_civil_from_days(lot->expires_on, &year, &month, &day);
    if (year < DG_DATE_MIN_YEAR || year >= DG_DATE_MIN_YEAR + MAX_YEARS)
        return DG_ERANGE;
    size_t y = (size_t)(year - DG_DATE_MIN_YEAR);
    l->has_years = true;
    l->year_points[y] += lot->points;
    l->year_expired[y] += lot->expired + lot->remaining;
    l->year_debited[y] += lot->points - lot->expired - lot->remaining;
    return 0;
}

int dg_report_points_liability(dg_report *out, dg_store *store, const dg_points_rules *rules,
                               int32_t as_of, dg_error *err)
{
    liability *l = calloc(1, sizeof *l);
    if (!l)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    l->as_of = resolve_day(as_of);
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__points_lots_scan(store, NULL, liability_lot, l, err);
        if (rc == DG_ERANGE)   /* from liability_lot, which has no err */
            dg_error_set(err, rc, "a points lot expires outside the years %d-%d",
                         DG_DATE_MIN_YEAR, DG_DATE_MIN_YEAR + MAX_YEARS - 1);
        dg_store_read_end(store);
    }
    char date[16], title[128];
    dg_date_format(l->as_of, date);
    snprintf(title, sizeof title, "Points liability on %s", date);
    dg_table *summary = dg_table_new(title);
    dg_table_add_column(summary, "measure", DG_CELL_TEXT, 0);
    dg_table_add_column(summary, "points", DG_CELL_INT, 0);
    dg_table_add_column(summary, "value", DG_CELL_MONEY, 0);
    const char *labels[2 + N_HORIZONS] = { "outstanding", "lots", "expiring in 30 days",
                                           "expiring in 60 days", "expiring in 90 days" };
    int64_t values[2 + N_HORIZONS] = { l->outstanding, l->lots, l->expiring[0], l->expiring[1],
                                       l->expiring[2] };
    for (size_t i = 0; i < 2 + N_HORIZONS; i++) {
        dg_table_add_row(summary);
        dg_table_set_text(summary, 0, labels[i]);
        dg_table_set_int(summary, 1, values[i]);
        if (i != 1)
            dg_table_set_int(summary, 2, values[i] * rules->point_value_minor);
    }
    snprintf(title, sizeof title, "Outstanding points by age on %s", date);
    dg_table *ages = dg_table_new(title);
    dg_table_add_column(ages, "age", DG_CELL_TEXT, 0);
    dg_table_add_column(ages, "lots", DG_CELL_INT, 0);
    dg_table_add_column(ages, "points", DG_CELL_INT, 0);
    dg_table_add_column(ages, "value", DG_CELL_MONEY, 0);
    dg_table_add_column(ages, "share", DG_CELL_PERCENT, 1);
    for (size_t a = 0; a < N_AGES; a++) {
        dg_table_add_row(ages);
        dg_table_set_text(ages, 0, age_names[a]);
        dg_table_set_int(ages, 1, l->age_lots[a]);
        dg_table_set_int(ages, 2, l->age_points[a]);
        dg_table_set_int(ages, 3, l->age_points[a] * rules->point_value_minor);
        if (l->outstanding > 0)
            dg_table_set_real(ages, 4, (double)l->age_points[a] / (double)l->outstanding);
    }
    dg_table *breakage = dg_table_new("Breakage by expiry year");
    dg_table_add_column(breakage, "expiry_year", DG_CELL_ID, 0);
    dg_table_add_column(breakage, "points", DG_CELL_INT, 0);
    dg_table_add_column(breakage, "debited", DG_CELL_INT, 0);
    dg_table_add_column(breakage, "expired", DG_CELL_INT, 0);
    dg_table_add_column(breakage, "breakage", DG_CELL_PERCENT, 1);
    for (size_t y = 0; y < MAX_YEARS; y++) {
        if (l->year_points[y] == 0)
            continue;
        dg_table_add_row(breakage);
        dg_table_set_int(breakage, 0, DG_DATE_MIN_YEAR + (int)y);
        dg_table_set_int(breakage, 1, l->year_points[y]);
        dg_table_set_int(breakage, 2, l->year_debited[y]);
        dg_table_set_int(breakage, 3, l->year_expired[y]);
        dg_table_set_real(breakage, 4, (double)l->year_expired[y] / (double)l->year_points[y]);
    }
    if (!l->has_years)
        dg_table_add_note(breakage, "no lot has expired yet");
    free(l);
    dg_table *tables[3] = { summary, ages, breakage };
    for (size_t i = 0; i < 3; i++) {
        if (rc == 0)
            rc = dg_report_add(out, tables[i], err);
        else
            dg_table_free(tables[i]);
    }
    return rc;
}
