/* The campaigns' rows on a PostgreSQL store (schema/pg/0011_campaigns.sql), so a campaign can
 * be created, launched with its control group, sent and measured there as on SQLite
 * (campaigns_sqlite.c hands these a PostgreSQL store's calls). A campaign read inside a write is
 * locked (dg__pg_lock_clause) until the write ends: of two launches at once the second waits,
 * then reads the campaign launched and is refused, as under SQLite's one writer at a time. The
 * reports run store/campaigns_sql.h through the coupon reports' runners, text ordered by its
 * bytes (COLLATE "C"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/campaigns_postgres.h"
#include "store/campaigns_sql.h"
#include "store/coupons_postgres.h"

#define COLLATE_C " COLLATE \"C\""

static const char *const report_sql[DG__CAMPAIGN_QUERIES] = {
    [DG__CAMPAIGN_Q_LIST] = DG__CAMPAIGNS_SQL "ORDER BY c.created_at, c.campaign_id" COLLATE_C,
    [DG__CAMPAIGN_Q_ONE] = DG__CAMPAIGNS_SQL "WHERE c.campaign_id = $1",
    [DG__CAMPAIGN_Q_STRATA] = DG__CAMPAIGN_STRATA_SQL COLLATE_C,
    [DG__CAMPAIGN_Q_SEND] = DG__CAMPAIGN_SEND_SQL COLLATE_C,
    [DG__CAMPAIGN_Q_MEMBERS] = DG__CAMPAIGN_MEMBERS_SQL COLLATE_C,
    [DG__CAMPAIGN_Q_COSTS] = DG__CAMPAIGN_COSTS_SQL,
    [DG__CAMPAIGN_Q_HISTORY] = DG__CAMPAIGN_HISTORY_SQL COLLATE_C,
    [DG__CAMPAIGN_Q_CONTROLLED] = DG__CAMPAIGN_CONTROLLED_SQL COLLATE_C,
};

int dg__pg_campaign_report_fill(dg_pg *pg, dg_table *t, dg__campaign_query q,
                                const char *const *params, dg_error *err)
{
    return dg__pg_coupon_table_fill(pg, t, report_sql[q], params, err);
}

int dg__pg_campaign_report_scan(dg_pg *pg, dg__campaign_query q, const char *const *params,
                                dg__coupon_row_fn fn, void *ctx, dg_error *err)
{
    return dg__pg_coupon_scan(pg, report_sql[q], params, fn, ctx, err);
}

int dg__pg_campaign_insert(dg_pg *pg, const dg_campaign *c, const char *actor, int64_t now,
                           dg_error *err)
{
    dg__pg_number share, seed, points, window, at;
    const char *params[] = {
        c->campaign_id, c->name, c->audience ? c->audience : "",
        dg__pg_int(share, c->control_share_bp), dg__pg_int(seed, (int64_t)c->seed),
        dg_campaign_offer_code(c->offer),
        c->offer == DG_CAMPAIGN_OFFER_COUPON ? c->coupon_definition : NULL,
        c->offer == DG_CAMPAIGN_OFFER_POINTS ? dg__pg_int(points, c->offer_points) : NULL,
        c->channel, dg__pg_int(window, c->window_days), dg__pg_int(at, now), actor,
    };
    int rc = dg__pg_exec(pg, "INSERT INTO campaigns (campaign_id, name, audience, "
        "control_share_bp, seed, offer_kind, coupon_definition, offer_points, channel, "
        "window_days, created_at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
        "$12)", 12, params, NULL, "writing a campaign", err);
    if (rc == DG_EEXIST)
        rc = dg_error_set(err, DG_EEXIST, "campaign \"%s\" exists already; choose another id",
                          c->campaign_id);
    return rc;
}

static void text_at(char *buf, size_t cap, const PGresult *res, int c)
{
    snprintf(buf, cap, "%s", PQgetvalue(res, 0, c));
}

int dg__pg_campaign_get(dg_pg *pg, const char *id, dg__campaign_row *out, dg_error *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT campaign_id, name, audience, control_share_bp, seed, "
             "offer_kind, coupon_definition, coalesce(offer_points, 0), channel, window_days, "
             "created_at, actor, launched_on, coalesce(launched_at, 0), launched_by "
             "FROM campaigns WHERE campaign_id = $1%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, 1, &id, &res, "reading a campaign", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no campaign \"%s\"", id);
    if (rc < 0)
        return rc;
    memset(out, 0, sizeof *out);
    text_at(out->id, sizeof out->id, res, 0);
    text_at(out->name, sizeof out->name, res, 1);
    text_at(out->audience, sizeof out->audience, res, 2);
    out->c.control_share_bp = dg__pg_int_at(res, 3);
    out->c.seed = (uint64_t)dg__pg_int_at(res, 4);
    const char *offer = PQgetvalue(res, 0, 5);
    out->c.offer = strcmp(offer, "coupon") == 0   ? DG_CAMPAIGN_OFFER_COUPON
                   : strcmp(offer, "points") == 0 ? DG_CAMPAIGN_OFFER_POINTS
                                                  : DG_CAMPAIGN_OFFER_NONE;
    text_at(out->coupon, sizeof out->coupon, res, 6);
    out->c.offer_points = dg__pg_int_at(res, 7);
    text_at(out->channel, sizeof out->channel, res, 8);
    out->c.window_days = (int)dg__pg_int_at(res, 9);
    out->created_at = dg__pg_int_at(res, 10);
    text_at(out->actor, sizeof out->actor, res, 11);
    out->launched_on = PQgetisnull(res, 0, 12) ? DG_CAMPAIGN_TODAY
                                               : (int32_t)dg__pg_int_at(res, 12);
    out->launched_at = dg__pg_int_at(res, 13);
    text_at(out->launched_by, sizeof out->launched_by, res, 14);
    PQclear(res);
    out->c.campaign_id = out->id;
    out->c.name = out->name[0] ? out->name : NULL;
    out->c.audience = out->audience;
    out->c.coupon_definition = out->coupon[0] ? out->coupon : NULL;
    out->c.channel = out->channel;
    return 0;
}

int dg__pg_campaign_set_launched(dg_pg *pg, const char *id, int32_t day, int64_t now,
                                 const char *actor, dg_error *err)
{
    dg__pg_number d, at;
    const char *params[] = { dg__pg_int(d, day), dg__pg_int(at, now), actor, id };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "UPDATE campaigns SET launched_on = $1, launched_at = $2, "
                         "launched_by = $3 WHERE campaign_id = $4 AND launched_at IS NULL", 4,
                         params, &res, "launching a campaign", err);
    if (rc != 0)
        return rc;
    int changed = atoi(PQcmdTuples(res));
    PQclear(res);
    return changed == 1 ? 0 : dg_error_set(err, DG_ECONFLICT, "campaign \"%s\" was launched "
                                           "already", id);
}

int dg__pg_campaign_member_insert(dg_pg *pg, const char *id, const char *customer_id,
                                  bool control, const char *stratum, const char *code,
                                  int64_t movement, dg_error *err)
{
    dg__pg_number m;
    const char *params[] = { id, customer_id, control ? "control" : "treatment", stratum, code,
                             movement > 0 ? dg__pg_int(m, movement) : NULL };
    return dg__pg_exec(pg, "INSERT INTO campaign_members (campaign_id, customer_id, arm, "
                       "stratum, coupon_code, points_movement) VALUES ($1, $2, $3, $4, $5, $6)",
                       6, params, NULL, "writing a campaign member", err);
}
