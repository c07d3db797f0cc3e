/* The SQL of coupons (src/store/coupons.h, schema/0007_coupons.sql). Every statement binds its
 * values and comes from the connection's statement cache; the callers hold the transaction. A
 * PostgreSQL store's writes, look-ups and report queries (dg__coupon_report_*, whose text
 * store/coupons_sql.h shares) go to coupons_postgres.c; the SQL text that other modules pass
 * to dg__coupon_table_fill is SQLite's; dg__coupon_scan's is both dialects' ($1.. parameters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dangol/text.h"
#include "store/coupons.h"
#include "store/coupons_postgres.h"
#include "store/coupons_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

static void bind_optional(sqlite3_stmt *st, int i, int64_t value, int64_t none)
{
    if (value == none)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, value);
}

/* Runs st to its end; DG_EEXIST for a unique-constraint refusal. Hands st back. */
static int run(dg_store *s, sqlite3_stmt *st, const char *what, dg_error *err)
{
    int step = sqlite3_step(st), rc = 0;
    if (step != SQLITE_DONE) {
        if (sqlite3_extended_errcode(dg__store_db(s)) == SQLITE_CONSTRAINT_UNIQUE ||
            sqlite3_extended_errcode(dg__store_db(s)) == SQLITE_CONSTRAINT_PRIMARYKEY)
            rc = dg_error_set(err, DG_EEXIST, "%s: already recorded", what);
        else
            rc = dg__store_error(s, err, what);
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__coupon_def_insert(dg_store *s, const dg_coupon_definition *d, const char *actor,
                          int64_t now, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_def_insert(dg__store_pg(s), d, actor, now, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO coupon_definitions (definition_id, name, kind, "
        "audience, amount, percent_bp, cap, min_spend, valid_from, valid_until, "
        "per_customer_limit, total_limit, campaign_id, created_at, actor) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    bool fixed = d->kind == DG_COUPON_FIXED;
    sqlite3_bind_text(st, 1, d->definition_id, -1, SQLITE_STATIC);
    dg__stmt_bind_text(st, 2, d->name);
    sqlite3_bind_text(st, 3, dg_coupon_kind_code(d->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, dg_coupon_audience_code(d->audience), -1, SQLITE_STATIC);
    bind_optional(st, 5, fixed ? d->amount : 0, 0);
    bind_optional(st, 6, fixed ? 0 : d->percent_bp, 0);
    bind_optional(st, 7, fixed ? 0 : d->cap, 0);
    sqlite3_bind_int64(st, 8, d->min_spend);
    bind_optional(st, 9, d->valid_from, DG_COUPON_NO_DAY);
    bind_optional(st, 10, d->valid_until, DG_COUPON_NO_DAY);
    sqlite3_bind_int64(st, 11, d->per_customer_limit > 0 ? d->per_customer_limit : 1);
    bind_optional(st, 12, d->total_limit, 0);
    dg__stmt_bind_text(st, 13, d->campaign_id);
    sqlite3_bind_int64(st, 14, now);
    sqlite3_bind_text(st, 15, actor, -1, SQLITE_STATIC);
    return run(s, st, "writing a coupon definition", err);
}

static int32_t column_day(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? DG_COUPON_NO_DAY
                                                     : sqlite3_column_int(st, i);
}

int dg__coupon_def_get(dg_store *s, const char *id, dg__coupon_def_row *out, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_def_get(dg__store_pg(s), id, out, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT definition_id, name, kind, audience, "
        "coalesce(amount, 0), coalesce(percent_bp, 0), coalesce(cap, 0), min_spend, valid_from, "
        "valid_until, per_customer_limit, coalesce(total_limit, 0), campaign_id, "
        "voided_at IS NOT NULL FROM coupon_definitions WHERE definition_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading a coupon definition", err);
    if (rc == 1) {
        rc = 0;
        dg_coupon_definition *d = &out->d;
        dg_coupon_definition_init(d);
        dg__stmt_copy_text(out->id, sizeof out->id, st, 0);
        dg__stmt_copy_text(out->name, sizeof out->name, st, 1);
        dg__stmt_copy_text(out->campaign, sizeof out->campaign, st, 12);
        d->definition_id = out->id;
        d->name = sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL : out->name;
        d->campaign_id = sqlite3_column_type(st, 12) == SQLITE_NULL ? NULL : out->campaign;
        d->kind = strcmp((const char *)sqlite3_column_text(st, 2), "percent") == 0
                      ? DG_COUPON_PERCENT : DG_COUPON_FIXED;
        d->audience = strcmp((const char *)sqlite3_column_text(st, 3), "first_purchase") == 0
                          ? DG_COUPON_FIRST_PURCHASE : DG_COUPON_ANY;
        d->amount = sqlite3_column_int64(st, 4);
        d->percent_bp = sqlite3_column_int64(st, 5);
        d->cap = sqlite3_column_int64(st, 6);
        d->min_spend = sqlite3_column_int64(st, 7);
        d->valid_from = column_day(st, 8);
        d->valid_until = column_day(st, 9);
        d->per_customer_limit = sqlite3_column_int64(st, 10);
        d->total_limit = sqlite3_column_int64(st, 11);
        out->voided = sqlite3_column_int(st, 13) != 0;
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no coupon definition \"%s\"", id);
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__coupon_next_batch(dg_store *s, int64_t *batch, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_next_batch(dg__store_pg(s), batch, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT coalesce(max(batch), 0) + 1 FROM coupon_codes", &st,
                                 err);
    if (rc != 0)
        return rc;
    rc = dg__stmt_step(s, st, "numbering a coupon issue", err);
    if (rc == 1) {
        *batch = sqlite3_column_int64(st, 0);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__coupon_code_insert(dg_store *s, const char *code, const char *definition_id,
                           const char *customer_id, int64_t batch, int32_t day, int64_t now,
                           const char *actor, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_code_insert(dg__store_pg(s), code, definition_id, customer_id,
                                         batch, day, now, actor, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO coupon_codes (code, definition_id, customer_id, "
                                 "batch, issued_on, issued_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, definition_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, batch);
    sqlite3_bind_int(st, 5, day);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_text(st, 7, actor, -1, SQLITE_STATIC);
    return run(s, st, "writing a coupon code", err);
}

int dg__coupon_code_get(dg_store *s, const char *code, dg__coupon_code_row *out, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_code_get(dg__store_pg(s), code, out, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT definition_id, customer_id, voided_at IS NOT NULL "
                                 "FROM coupon_codes WHERE code = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading a coupon code", err);
    if (rc == 1) {
        rc = 0;
        dg__stmt_copy_text(out->definition_id, sizeof out->definition_id, st, 0);
        dg__stmt_copy_text(out->customer_id, sizeof out->customer_id, st, 1);
        out->voided = sqlite3_column_int(st, 2) != 0;
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no coupon code %s (it is well formed, but was "
                          "never issued)", code);
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__coupon_batch_get(dg_store *s, int64_t batch, dg_coupon_issued **out, size_t *n,
                         dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_batch_get(dg__store_pg(s), batch, out, n, err);
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = dg__store_statement(s, "SELECT code, customer_id FROM coupon_codes WHERE batch = ? "
                                 "ORDER BY issued_at, rowid", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, batch);
    while ((rc = dg__stmt_step(s, st, "reading issued coupon codes", err)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            dg_coupon_issued *grown = realloc(*out, cap * sizeof **out);
            if (!grown) {
                rc = dg_error_set(err, DG_ENOMEM, "out of memory");
                break;
            }
            *out = grown;
        }
        dg__stmt_copy_text((*out)[*n].code, sizeof (*out)[*n].code, st, 0);
        dg__stmt_copy_text((*out)[*n].customer_id, sizeof (*out)[*n].customer_id, st, 1);
        (*n)++;
    }
    dg__store_statement_done(s, st);
    return rc;
}

/* One integer of a one-row query with up to two text parameters. */
static int scalar(dg_store *s, const char *sql, const char *a, const char *b, int64_t *out,
                  dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    dg__stmt_bind_text(st, 1, a);
    if (b)
        dg__stmt_bind_text(st, 2, b);
    rc = dg__stmt_step(s, st, "counting coupons", err);
    if (rc == 1) {
        *out = sqlite3_column_int64(st, 0);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__coupon_customer_orders(dg_store *s, const char *customer_id, int64_t *n, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_customer_orders(dg__store_pg(s), customer_id, n, err);
    return scalar(s, "SELECT count(*) FROM orders WHERE customer_id = ?", customer_id, NULL, n,
                  err);
}

int dg__coupon_order_get(dg_store *s, const char *order_id, dg__coupon_order_row *out,
                         dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_order_get(dg__store_pg(s), order_id, out, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT o.customer_id, o.ordered_at, o.total, "
        "(SELECT count(*) FROM orders e WHERE e.customer_id = o.customer_id AND "
        "e.order_id <> o.order_id AND e.ordered_at <= o.ordered_at) "
        "FROM orders o WHERE o.order_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading an order", err);
    if (rc == 1) {
        rc = 0;
        dg__stmt_copy_text(out->customer_id, sizeof out->customer_id, st, 0);
        out->day = dg_day_of(sqlite3_column_int64(st, 1));
        out->total = sqlite3_column_int64(st, 2);
        out->earlier = sqlite3_column_int64(st, 3);
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no order \"%s\"", order_id);
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__coupon_redeemed_counts(dg_store *s, const char *definition_id, const char *customer_id,
                               int64_t *by_customer, int64_t *total, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_redeemed_counts(dg__store_pg(s), definition_id, customer_id,
                                             by_customer, total, err);
    int rc = scalar(s, "SELECT count(*) FROM coupon_redemptions_kept WHERE definition_id = ?1 AND "
                    "customer_id = ?2", definition_id, customer_id, by_customer, err);
    return rc != 0 ? rc : scalar(s, "SELECT count(*) FROM coupon_redemptions_kept "
                                 "WHERE definition_id = ?", definition_id, NULL, total, err);
}

int dg__coupon_redemption_get(dg_store *s, const char *code, const char *order_id, int64_t id,
                              dg_coupon_redemption *out, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_redemption_get(dg__store_pg(s), code, order_id, id, out, err);
    sqlite3_stmt *st = NULL;
    const char *where = code ? "code = ?1" : order_id ? "order_id = ?1" : "redemption_id = ?1";
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT redemption_id, code, definition_id, customer_id, order_id, "
             "order_total, discount, redeemed_on FROM coupon_redemptions WHERE %s", where);
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    if (code || order_id)
        sqlite3_bind_text(st, 1, code ? code : order_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    rc = dg__stmt_step(s, st, "reading a coupon redemption", err);
    if (rc == 1) {
        rc = 0;
        memset(out, 0, sizeof *out);
        out->redemption_id = sqlite3_column_int64(st, 0);
        dg__stmt_copy_text(out->code, sizeof out->code, st, 1);
        dg__stmt_copy_text(out->definition_id, sizeof out->definition_id, st, 2);
        dg__stmt_copy_text(out->customer_id, sizeof out->customer_id, st, 3);
        dg__stmt_copy_text(out->order_id, sizeof out->order_id, st, 4);
        out->order_total = sqlite3_column_int64(st, 5);
        out->discount = sqlite3_column_int64(st, 6);
        out->redeemed_on = sqlite3_column_int(st, 7);
    } else if (rc == 0) {
        rc = DG_ENOTFOUND;
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__coupon_redemption_insert(dg_store *s, const dg_coupon_redemption *r, const char *actor,
                                 int64_t now, int64_t *id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_redemption_insert(dg__store_pg(s), r, actor, now, id, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO coupon_redemptions (code, definition_id, "
        "customer_id, order_id, order_total, discount, redeemed_on, recorded_at, actor) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, r->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->definition_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->order_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, r->order_total);
    sqlite3_bind_int64(st, 6, r->discount);
    sqlite3_bind_int(st, 7, r->redeemed_on);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_text(st, 9, actor, -1, SQLITE_STATIC);
    if ((rc = run(s, st, "writing a coupon redemption", err)) == 0)
        *id = sqlite3_last_insert_rowid(dg__store_db(s));
    return rc;
}

int dg__coupon_void(dg_store *s, const char *target, bool is_definition, const char *reason,
                    int64_t now, bool *changed, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_void(dg__store_pg(s), target, is_definition, reason, now, changed,
                                  err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, is_definition
        ? "UPDATE coupon_definitions SET voided_at = ?1, void_reason = ?2 "
          "WHERE definition_id = ?3 AND voided_at IS NULL"
        : "UPDATE coupon_codes SET voided_at = ?1, void_reason = ?2 "
          "WHERE code = ?3 AND voided_at IS NULL", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    dg__stmt_bind_text(st, 2, reason);
    sqlite3_bind_text(st, 3, target, -1, SQLITE_STATIC);
    rc = run(s, st, "voiding a coupon", err);
    *changed = rc == 0 && sqlite3_changes(dg__store_db(s)) > 0;
    return rc;
}

int dg__coupon_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                           char *result, size_t result_cap, dg_error *err)
{
    return dg__stmt_request_text_get(s, "coupon_requests", "result", key, fingerprint, cap,
                                     result, result_cap, err);
}

int dg__coupon_request_put(dg_store *s, const char *key, const char *fingerprint,
                           const char *result, int64_t now, dg_error *err)
{
    return dg__stmt_request_put(s, "coupon_requests", "result", key, fingerprint, result, 0, now,
                                err);
}

/* Binds params[i] to $i+1 (by name: $3 may come first) or else to ?i+1. */
static void bind_params(sqlite3_stmt *st, const char *const *params)
{
    for (int i = 0; params && params[i]; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int at = sqlite3_bind_parameter_index(st, name);
        sqlite3_bind_text(st, at > 0 ? at : i + 1, params[i], -1, SQLITE_STATIC);
    }
}

int dg__coupon_table_fill(dg_store *s, dg_table *t, const char *sql, const char *const *params,
                          dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    bind_params(st, params);
    int columns = sqlite3_column_count(st);
    while ((rc = dg__stmt_step(s, st, "reading coupons", err)) == 1) {
        dg_table_add_row(t);
        for (int c = 0; c < columns; c++) {
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_INTEGER:
                dg_table_set_int(t, (size_t)c, sqlite3_column_int64(st, c));
                break;
            case SQLITE_FLOAT:
                dg_table_set_real(t, (size_t)c, sqlite3_column_double(st, c));
                break;
            case SQLITE_TEXT:
                dg_table_set_text(t, (size_t)c, (const char *)sqlite3_column_text(st, c));
                break;
            default:
                break;
            }
        }
    }
    dg__store_statement_done(s, st);
    return rc;
}



int dg__coupon_scan(dg_store *s, const char *sql, const char *const *params,
                    dg__coupon_row_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_scan(dg__store_pg(s), sql, params, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    bind_params(st, params);
    int columns = sqlite3_column_count(st);
    if (columns > DG__COUPON_SCAN_COLUMNS)
        columns = DG__COUPON_SCAN_COLUMNS;
    const char *texts[DG__COUPON_SCAN_COLUMNS];
    int64_t ints[DG__COUPON_SCAN_COLUMNS];
    while ((rc = dg__stmt_step(s, st, "reading coupons", err)) == 1) {
        for (int c = 0; c < columns; c++) {
            texts[c] = (const char *)sqlite3_column_text(st, c);
            ints[c] = sqlite3_column_int64(st, c);
        }
        if ((rc = fn(ctx, texts, ints, columns)) != 0)
            break;
    }
    dg__store_statement_done(s, st);
    return rc;
}

/* The coupon reports' queries in SQLite's order: text by its bytes (BINARY), codes by rowid. */
static const char *const report_sql[DG__COUPON_QUERIES] = {
    [DG__COUPON_Q_DEFINITIONS] = DG__COUPON_DEFS_SQL " ORDER BY d.definition_id",
    [DG__COUPON_Q_DEFINITION] = DG__COUPON_DEFS_SQL " WHERE d.definition_id = $2",
    [DG__COUPON_Q_DEFINITION_CODES] = DG__COUPON_CODES_SQL "WHERE c.definition_id = $2 "
                                      "ORDER BY c.batch, c.rowid",
    [DG__COUPON_Q_CODE] = DG__COUPON_CODES_SQL "WHERE c.code = $2",
    [DG__COUPON_Q_CUSTOMER_CODES] = DG__COUPON_CUSTOMER_SQL
                                    "ORDER BY c.issued_at DESC, c.rowid DESC",
    [DG__COUPON_Q_RATES_BY_COUPON] = DG__COUPON_RATES_BY_COUPON_SQL "ORDER BY d.definition_id",
    [DG__COUPON_Q_RATES_BY_CAMPAIGN] = DG__COUPON_RATES_BY_CAMPAIGN_SQL
                                       "ORDER BY d.campaign_id IS NULL, d.campaign_id",
};

int dg__coupon_report_fill(dg_store *s, dg_table *t, dg__coupon_query q,
                           const char *const *params, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_report_fill(dg__store_pg(s), t, q, params, err);
    return dg__coupon_table_fill(s, t, report_sql[q], params, err);
}

int dg__coupon_report_scan(dg_store *s, dg__coupon_query q, const char *const *params,
                           dg__coupon_row_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_coupon_report_scan(dg__store_pg(s), q, params, fn, ctx, err);
    return dg__coupon_scan(s, report_sql[q], params, fn, ctx, err);
}
