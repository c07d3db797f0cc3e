/* The coupons' rows on a PostgreSQL store (schema/pg/0007_coupons.sql), so a coupon can be
 * defined, issued, redeemed and voided there as on SQLite (coupons_sqlite.c hands these the
 * calls of a PostgreSQL store). SQLite's BEGIN IMMEDIATE lets one writer at a time check and
 * write; here the rows a write checks are locked instead: a code and its definition read inside
 * a write transaction stay locked (dg__pg_lock_clause) until it ends, so of simultaneous
 * redemptions of one code exactly one wins and the limits per customer and in all (counted under
 * the definition's lock) are never overrun. Numbering an issue takes a transaction-scoped
 * advisory lock, so two issues never share a batch. Numbers travel as decimal text (dg__pg_int),
 * NULL as a NULL parameter. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/text.h"
#include "store/coupons_postgres.h"

#define BATCH_LOCK 0x636f75706f6eLL   /* pg_advisory_xact_lock key of the issue numbering */

/* v as text into buf, or NULL (SQL NULL) when v is none. */
static const char *optional(dg__pg_number buf, int64_t v, int64_t none)
{
    return v == none ? NULL : dg__pg_int(buf, v);
}

static void text_at(char *buf, size_t cap, const PGresult *res, int c)
{
    snprintf(buf, cap, "%s", PQgetvalue(res, 0, c));
}

/* The number of rows a command changed. */
static int changed_rows(PGresult *res)
{
    int n = atoi(PQcmdTuples(res));
    PQclear(res);
    return n;
}

int dg__pg_coupon_def_insert(dg_pg *pg, const dg_coupon_definition *d, const char *actor,
                             int64_t now, dg_error *err)
{
    dg__pg_number amount, percent, cap, min_spend, from, until, per_customer, total, created;
    bool fixed = d->kind == DG_COUPON_FIXED;
    const char *params[] = {
        d->definition_id, d->name, dg_coupon_kind_code(d->kind),
        dg_coupon_audience_code(d->audience), optional(amount, fixed ? d->amount : 0, 0),
        optional(percent, fixed ? 0 : d->percent_bp, 0), optional(cap, fixed ? 0 : d->cap, 0),
        dg__pg_int(min_spend, d->min_spend),
        optional(from, d->valid_from, DG_COUPON_NO_DAY),
        optional(until, d->valid_until, DG_COUPON_NO_DAY),
        optional(per_customer, d->per_customer_limit > 0 ? d->per_customer_limit : 1, 0),
        optional(total, d->total_limit, 0), d->campaign_id, dg__pg_int(created, now),
        actor,
    };
    int rc = dg__pg_exec(pg, "INSERT INTO coupon_definitions (definition_id, name, kind, "
        "audience, amount, percent_bp, cap, min_spend, valid_from, valid_until, "
        "per_customer_limit, total_limit, campaign_id, created_at, actor) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", 15, params, NULL,
        "writing a coupon definition", err);
    return rc == DG_EEXIST ? dg_error_set(err, DG_EEXIST, "writing a coupon definition: already "
                                          "recorded") : rc;
}

static int32_t day_at(const PGresult *res, int c)
{
    return PQgetisnull(res, 0, c) ? DG_COUPON_NO_DAY : (int32_t)dg__pg_int_at(res, c);
}

int dg__pg_coupon_def_get(dg_pg *pg, const char *id, dg__coupon_def_row *out, dg_error *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT definition_id, name, kind, audience, coalesce(amount, 0), "
             "coalesce(percent_bp, 0), coalesce(cap, 0), min_spend, valid_from, valid_until, "
             "per_customer_limit, coalesce(total_limit, 0), campaign_id, voided_at IS NOT NULL "
             "FROM coupon_definitions WHERE definition_id = $1%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, 1, &id, &res, "reading a coupon definition", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no coupon definition \"%s\"", id);
    if (rc < 0)
        return rc;
    dg_coupon_definition *d = &out->d;
    dg_coupon_definition_init(d);
    text_at(out->id, sizeof out->id, res, 0);
    text_at(out->name, sizeof out->name, res, 1);
    text_at(out->campaign, sizeof out->campaign, res, 12);
    d->definition_id = out->id;
    d->name = PQgetisnull(res, 0, 1) ? NULL : out->name;
    d->campaign_id = PQgetisnull(res, 0, 12) ? NULL : out->campaign;
    d->kind = strcmp(PQgetvalue(res, 0, 2), "percent") == 0 ? DG_COUPON_PERCENT
                                                           : DG_COUPON_FIXED;
    d->audience = strcmp(PQgetvalue(res, 0, 3), "first_purchase") == 0
                      ? DG_COUPON_FIRST_PURCHASE : DG_COUPON_ANY;
    d->amount = dg__pg_int_at(res, 4);
    d->percent_bp = dg__pg_int_at(res, 5);
    d->cap = dg__pg_int_at(res, 6);
    d->min_spend = dg__pg_int_at(res, 7);
    d->valid_from = day_at(res, 8);
    d->valid_until = day_at(res, 9);
    d->per_customer_limit = dg__pg_int_at(res, 10);
    d->total_limit = dg__pg_int_at(res, 11);
    out->voided = PQgetvalue(res, 0, 13)[0] == 't';
    PQclear(res);
    return 0;
}

int dg__pg_coupon_next_batch(dg_pg *pg, int64_t *batch, dg_error *err)
{
    int rc = dg__pg_lock_job(pg, BATCH_LOCK, "numbering a coupon issue", err);
    return rc != 0 ? rc : dg__pg_scalar(pg, "SELECT coalesce(max(batch), 0) + 1 FROM "
                                        "coupon_codes", 0, NULL, batch,
                                        "numbering a coupon issue", err);
}

int dg__pg_coupon_code_insert(dg_pg *pg, const char *code, const char *definition_id,
                              const char *customer_id, int64_t batch, int32_t day, int64_t now,
                              const char *actor, dg_error *err)
{
    dg__pg_number b, d, at;
    const char *params[] = { code, definition_id, customer_id, dg__pg_int(b, batch),
                             dg__pg_int(d, day), dg__pg_int(at, now), actor };
    PGresult *res = NULL;
    /* a drawn code that exists is skipped, not refused: a refusal would end the transaction,
     * and the caller draws again */
    int rc = dg__pg_exec(pg, "INSERT INTO coupon_codes (code, definition_id, customer_id, batch, "
                         "issued_on, issued_at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                         "ON CONFLICT (code) DO NOTHING", 7, params, &res,
                         "writing a coupon code", err);
    if (rc != 0)
        return rc;
    return changed_rows(res) == 1 ? 0 : dg_error_set(err, DG_EEXIST, "writing a coupon code: "
                                                     "already recorded");
}

int dg__pg_coupon_code_get(dg_pg *pg, const char *code, dg__coupon_code_row *out, dg_error *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT definition_id, customer_id, voided_at IS NOT NULL FROM "
             "coupon_codes WHERE code = $1%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, 1, &code, &res, "reading a coupon code", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no coupon code %s (it is well formed, but was "
                            "never issued)", code);
    if (rc < 0)
        return rc;
    text_at(out->definition_id, sizeof out->definition_id, res, 0);
    text_at(out->customer_id, sizeof out->customer_id, res, 1);
    out->voided = PQgetvalue(res, 0, 2)[0] == 't';
    PQclear(res);
    return 0;
}

int dg__pg_coupon_batch_get(dg_pg *pg, int64_t batch, dg_coupon_issued **out, size_t *n,
                            dg_error *err)
{
    dg__pg_number b;
    const char *param = dg__pg_int(b, batch);
    PGresult *res = NULL;
    *n = 0;
    /* the issue order: one transaction wrote the batch's rows, appended to the table in turn
     * (ctid), as SQLite's rowid orders them */
    int rc = dg__pg_rows(pg, "SELECT code, customer_id FROM coupon_codes WHERE batch = $1 "
                         "ORDER BY issued_at, ctid", 1, &param, sizeof **out, (void **)out, &res,
                         "reading issued coupon codes", err);
    if (rc != 0)
        return rc;
    size_t rows = (size_t)PQntuples(res);
    for (size_t r = 0; r < rows; r++) {
        snprintf((*out)[r].code, sizeof (*out)[r].code, "%s", PQgetvalue(res, (int)r, 0));
        snprintf((*out)[r].customer_id, sizeof (*out)[r].customer_id, "%s",
                 PQgetvalue(res, (int)r, 1));
    }
    *n = rows;
    PQclear(res);
    return 0;
}

/* The count of a query with up to two text parameters. */
static int count(dg_pg *pg, const char *sql, const char *a, const char *b, int64_t *out,
                 dg_error *err)
{
    const char *params[] = { a, b };
    return dg__pg_scalar(pg, sql, b ? 2 : 1, params, out, "counting coupons", err);
}

int dg__pg_coupon_customer_orders(dg_pg *pg, const char *customer_id, int64_t *n, dg_error *err)
{
    return count(pg, "SELECT count(*) FROM orders WHERE customer_id = $1", customer_id, NULL, n,
                 err);
}

int dg__pg_coupon_redeemed_counts(dg_pg *pg, const char *definition_id, const char *customer_id,
                                  int64_t *by_customer, int64_t *total, dg_error *err)
{
    int rc = count(pg, "SELECT count(*) FROM coupon_redemptions_kept WHERE definition_id = $1 "
                   "AND customer_id = $2", definition_id, customer_id, by_customer, err);
    return rc != 0 ? rc : count(pg, "SELECT count(*) FROM coupon_redemptions_kept WHERE "
                                "definition_id = $1", definition_id, NULL, total, err);
}

int dg__pg_coupon_order_get(dg_pg *pg, const char *order_id, dg__coupon_order_row *out,
                            dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_order_row(pg, "SELECT o.customer_id, o.ordered_at, o.total, (SELECT count(*) "
                              "FROM orders e WHERE e.customer_id = o.customer_id AND e.order_id "
                              "<> o.order_id AND e.ordered_at <= o.ordered_at) FROM orders o "
                              "WHERE o.order_id = $1", order_id, &res, err);
    if (rc != 0)
        return rc;
    text_at(out->customer_id, sizeof out->customer_id, res, 0);
    out->day = dg_day_of(dg__pg_int_at(res, 1));
    out->total = dg__pg_int_at(res, 2);
    out->earlier = dg__pg_int_at(res, 3);
    PQclear(res);
    return 0;
}

int dg__pg_coupon_redemption_get(dg_pg *pg, const char *code, const char *order_id, int64_t id,
                                 dg_coupon_redemption *out, dg_error *err)
{
    dg__pg_number by_id;
    const char *where = code ? "code" : order_id ? "order_id" : "redemption_id";
    const char *param = code ? code : order_id ? order_id : dg__pg_int(by_id, id);
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT redemption_id, code, definition_id, customer_id, order_id, "
             "order_total, discount, redeemed_on FROM coupon_redemptions WHERE %s = $1", where);
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, 1, &param, &res, "reading a coupon redemption", err);
    if (rc <= 0)
        return rc == 0 ? DG_ENOTFOUND : rc;
    memset(out, 0, sizeof *out);
    out->redemption_id = dg__pg_int_at(res, 0);
    text_at(out->code, sizeof out->code, res, 1);
    text_at(out->definition_id, sizeof out->definition_id, res, 2);
    text_at(out->customer_id, sizeof out->customer_id, res, 3);
    text_at(out->order_id, sizeof out->order_id, res, 4);
    out->order_total = dg__pg_int_at(res, 5);
    out->discount = dg__pg_int_at(res, 6);
    out->redeemed_on = (int32_t)dg__pg_int_at(res, 7);
    PQclear(res);
    return 0;
}

int dg__pg_coupon_redemption_insert(dg_pg *pg, const dg_coupon_redemption *r, const char *actor,
                                    int64_t now, int64_t *id, dg_error *err)
{
    dg__pg_number total, discount, day, at;
    const char *params[] = { r->code, r->definition_id, r->customer_id, r->order_id,
                             dg__pg_int(total, r->order_total),
                             dg__pg_int(discount, r->discount),
                             dg__pg_int(day, r->redeemed_on),
                             dg__pg_int(at, now), actor };
    return dg__pg_scalar(pg, "INSERT INTO coupon_redemptions (code, definition_id, "
                         "customer_id, order_id, order_total, discount, redeemed_on, "
                         "recorded_at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                         "RETURNING redemption_id", 9, params, id,
                         "writing a coupon redemption", err);
}

int dg__pg_coupon_void(dg_pg *pg, const char *target, bool is_definition, const char *reason,
                       int64_t now, bool *changed, dg_error *err)
{
    dg__pg_number at;
    const char *params[] = { dg__pg_int(at, now), reason, target };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, is_definition
        ? "UPDATE coupon_definitions SET voided_at = $1, void_reason = $2 "
          "WHERE definition_id = $3 AND voided_at IS NULL"
        : "UPDATE coupon_codes SET voided_at = $1, void_reason = $2 "
          "WHERE code = $3 AND voided_at IS NULL", 3, params, &res, "voiding a coupon", err);
    *changed = rc == 0 && changed_rows(res) > 0;
    return rc;
}
