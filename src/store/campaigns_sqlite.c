/* The SQL of campaigns (src/store/campaigns.h, schema/0011_campaigns.sql). Every statement binds
 * its values and comes from the connection's statement cache; the callers hold the
 * transaction. A PostgreSQL store's calls go to campaigns_postgres.c; the reports' queries are
 * store/campaigns_sql.h's, run by both. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store/campaigns.h"
#include "store/campaigns_postgres.h"
#include "store/campaigns_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

int dg__campaign_insert(dg_store *s, const dg_campaign *c, const char *actor, int64_t now,
                        dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_campaign_insert(dg__store_pg(s), c, actor, now, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO campaigns (campaign_id, name, audience, "
        "control_share_bp, seed, offer_kind, coupon_definition, offer_points, channel, "
        "window_days, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, c->campaign_id, -1, SQLITE_STATIC);
    dg__stmt_bind_text(st, 2, c->name);
    sqlite3_bind_text(st, 3, c->audience ? c->audience : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->control_share_bp);
    sqlite3_bind_int64(st, 5, (int64_t)c->seed);
    sqlite3_bind_text(st, 6, dg_campaign_offer_code(c->offer), -1, SQLITE_STATIC);
    dg__stmt_bind_text(st, 7, c->offer == DG_CAMPAIGN_OFFER_COUPON ? c->coupon_definition : NULL);
    if (c->offer == DG_CAMPAIGN_OFFER_POINTS)
        sqlite3_bind_int64(st, 8, c->offer_points);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_text(st, 9, c->channel, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 10, c->window_days);
    sqlite3_bind_int64(st, 11, now);
    sqlite3_bind_text(st, 12, actor, -1, SQLITE_STATIC);
    rc = dg__stmt_run(s, st, "writing a campaign", err);
    dg__store_statement_done(s, st);
    if (rc == DG_EEXIST)
        rc = dg_error_set(err, DG_EEXIST, "campaign \"%s\" exists already; choose another id",
                          c->campaign_id);
    return rc;
}

int dg__campaign_get(dg_store *s, const char *id, dg__campaign_row *out, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_campaign_get(dg__store_pg(s), id, out, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT campaign_id, name, audience, control_share_bp, seed, "
        "offer_kind, coupon_definition, coalesce(offer_points, 0), channel, window_days, "
        "created_at, actor, launched_on, coalesce(launched_at, 0), launched_by "
        "FROM campaigns WHERE campaign_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading a campaign", err);
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        dg__stmt_copy_text(out->id, sizeof out->id, st, 0);
        dg__stmt_copy_text(out->name, sizeof out->name, st, 1);
        dg__stmt_copy_text(out->audience, sizeof out->audience, st, 2);
        out->c.control_share_bp = sqlite3_column_int64(st, 3);
        out->c.seed = (uint64_t)sqlite3_column_int64(st, 4);
        const char *offer = (const char *)sqlite3_column_text(st, 5);
        out->c.offer = strcmp(offer, "coupon") == 0   ? DG_CAMPAIGN_OFFER_COUPON
                       : strcmp(offer, "points") == 0 ? DG_CAMPAIGN_OFFER_POINTS
                                                      : DG_CAMPAIGN_OFFER_NONE;
        dg__stmt_copy_text(out->coupon, sizeof out->coupon, st, 6);
        out->c.offer_points = sqlite3_column_int64(st, 7);
        dg__stmt_copy_text(out->channel, sizeof out->channel, st, 8);
        out->c.window_days = sqlite3_column_int(st, 9);
        out->created_at = sqlite3_column_int64(st, 10);
        dg__stmt_copy_text(out->actor, sizeof out->actor, st, 11);
        out->launched_on = sqlite3_column_type(st, 12) == SQLITE_NULL ? DG_CAMPAIGN_TODAY
                                                                      : sqlite3_column_int(st, 12);
        out->launched_at = sqlite3_column_int64(st, 13);
        dg__stmt_copy_text(out->launched_by, sizeof out->launched_by, st, 14);
        out->c.campaign_id = out->id;
        out->c.name = out->name[0] ? out->name : NULL;
        out->c.audience = out->audience;
        out->c.coupon_definition = out->coupon[0] ? out->coupon : NULL;
        out->c.channel = out->channel;
        rc = 0;
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no campaign \"%s\"", id);
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__campaign_set_launched(dg_store *s, const char *id, int32_t day, int64_t now,
                              const char *actor, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_campaign_set_launched(dg__store_pg(s), id, day, now, actor, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "UPDATE campaigns SET launched_on = ?, launched_at = ?, "
        "launched_by = ? WHERE campaign_id = ? AND launched_at IS NULL", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
    rc = dg__stmt_run(s, st, "launching a campaign", err);
    dg__store_statement_done(s, st);
    if (rc == 0 && sqlite3_changes(dg__store_db(s)) != 1)
        rc = dg_error_set(err, DG_ECONFLICT, "campaign \"%s\" was launched already", id);
    return rc;
}

int dg__campaign_member_insert(dg_store *s, const char *id, const char *customer_id,
                               bool control, const char *stratum, const char *code,
                               int64_t movement, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_campaign_member_insert(dg__store_pg(s), id, customer_id, control,
                                             stratum, code, movement, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO campaign_members (campaign_id, customer_id, arm, "
        "stratum, coupon_code, points_movement) VALUES (?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, control ? "control" : "treatment", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, stratum, -1, SQLITE_STATIC);
    dg__stmt_bind_text(st, 5, code);
    if (movement > 0)
        sqlite3_bind_int64(st, 6, movement);
    else
        sqlite3_bind_null(st, 6);
    rc = dg__stmt_run(s, st, "writing a campaign member", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__campaign_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                             char *result, size_t result_cap, dg_error *err)
{
    return dg__stmt_request_text_get(s, "campaign_requests", "result", key, fingerprint, cap,
                                     result, result_cap, err);
}

int dg__campaign_request_put(dg_store *s, const char *key, const char *fingerprint,
                             const char *result, int64_t now, dg_error *err)
{
    return dg__stmt_request_put(s, "campaign_requests", "result", key, fingerprint, result, 0, now,
                                err);
}

/* The campaign reports' queries in SQLite's order (text by its bytes, BINARY). */
static const char *const report_sql[DG__CAMPAIGN_QUERIES] = {
    [DG__CAMPAIGN_Q_LIST] = DG__CAMPAIGNS_SQL "ORDER BY c.created_at, c.campaign_id",
    [DG__CAMPAIGN_Q_ONE] = DG__CAMPAIGNS_SQL "WHERE c.campaign_id = $1",
    [DG__CAMPAIGN_Q_STRATA] = DG__CAMPAIGN_STRATA_SQL,
    [DG__CAMPAIGN_Q_SEND] = DG__CAMPAIGN_SEND_SQL,
    [DG__CAMPAIGN_Q_MEMBERS] = DG__CAMPAIGN_MEMBERS_SQL,
    [DG__CAMPAIGN_Q_COSTS] = DG__CAMPAIGN_COSTS_SQL,
    [DG__CAMPAIGN_Q_HISTORY] = DG__CAMPAIGN_HISTORY_SQL,
    [DG__CAMPAIGN_Q_CONTROLLED] = DG__CAMPAIGN_CONTROLLED_SQL,
};

int dg__campaign_report_fill(dg_store *s, dg_table *t, dg__campaign_query q,
                             const char *const *params, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_campaign_report_fill(dg__store_pg(s), t, q, params, err);
    return dg__coupon_table_fill(s, t, report_sql[q], params, err);
}

int dg__campaign_report_scan(dg_store *s, dg__campaign_query q, const char *const *params,
                             dg__coupon_row_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_campaign_report_scan(dg__store_pg(s), q, params, fn, ctx, err);
    return dg__coupon_scan(s, report_sql[q], params, fn, ctx, err);
}
