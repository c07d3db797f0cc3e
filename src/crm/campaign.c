/* The campaign writes (include/dangol/campaign.h): create and launch. A launch computes the
 * audience and draws the control group outside the write transaction (it reads the frame, which
 * may take a while), then, in one BEGIN IMMEDIATE transaction, checks the campaign is still not
 * launched, writes every member with its arm, issues one coupon code or grants the points to
 * each member of the treatment group, marks the campaign launched and appends the
 * campaign.launch audit entry. Of concurrent launches the first to take the write lock applies;
 * the others find it launched and get DG_ECONFLICT with nothing written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "auth/audit_write.h"
#include "crm/campaign.h"
#include "dangol/audit.h"
#include "dangol/campaign.h"
#include "dangol/consent.h"
#include "dangol/coupon.h"
#include "dangol/id.h"
#include "dangol/points.h"
#include "dangol/text.h"
#include "dangol/uplift.h"
#include "store/campaigns.h"
#include "store/coupons.h"
#include "store/points.h"

#define FINGERPRINT_MAX 512
#define RESULT_MAX 160
#define CODE_DRAWS 8

const char *dg_campaign_offer_code(dg_campaign_offer offer)
{
    return offer == DG_CAMPAIGN_OFFER_COUPON ? "coupon"
         : offer == DG_CAMPAIGN_OFFER_POINTS ? "points" : "none";
}

static const char *actor_of(const dg_campaign_write *w)
{
    return w && w->actor && *w->actor ? w->actor : "system";
}

static const char *key_of(const dg_campaign_write *w)
{
    return w && w->idempotency_key && *w->idempotency_key ? w->idempotency_key : NULL;
}

int dg_campaign_share_parse(const char *text, int64_t *bp, dg_error *err)
{
    size_t len = text ? strlen(text) : 0;
    bool percent = len > 0 && text[len - 1] == '%';
    char buf[64];
    if (len == 0 || len - percent >= sizeof buf)
        return dg_error_set(err, DG_EPARSE, "control share \"%s\": expected a fraction like 0.1 "
                            "or a percent like 10%%", text ? text : "");
    memcpy(buf, text, len - percent);
    buf[len - percent] = '\0';
    /* hundredths of a percent, exactly: as money with 4 (fraction) or 2 (percent) decimals */
    int64_t v = 0;
    dg_error e;
    if (dg_money_parse(buf, strlen(buf), percent ? 2 : 4, &v, &e) != 0)
        return dg_error_set(err, DG_EPARSE, "control share \"%s\": expected a fraction like 0.1 "
                            "or a percent like 10%% (at most 1/100 of a percent)", text);
    if (v <= 0 || v >= 10000)
        return dg_error_set(err, DG_ERANGE, "control share \"%s\" is outside (0, 1): the control "
                            "group must hold some of the audience and leave some to treat",
                            text);
    *bp = v;
    return 0;
}

/* ---- create ---- */

static int check_campaign(dg_store *store, const dg_campaign *c, const char **channel,
                          dg_error *err)
{
    if (!c->campaign_id || !*c->campaign_id)
        return dg_error_set(err, DG_EINVAL, "a campaign id is required");
    int rc = dg_id_check("campaign_id", c->campaign_id, strlen(c->campaign_id), err);
    if (rc != 0)
        return rc;
    if (c->control_share_bp <= 0 || c->control_share_bp >= 10000)
        return dg_error_set(err, DG_ERANGE, "control share %.2f%% is outside (0, 1)",
                            (double)c->control_share_bp / 100.0);
    if (c->window_days < 1 || c->window_days > DG_CAMPAIGN_MAX_WINDOW)
        return dg_error_set(err, DG_ERANGE, "response window %d days: expected 1 to %d",
                            (int)c->window_days, DG_CAMPAIGN_MAX_WINDOW);
    if ((rc = dg_consent_purpose_parse(channel, c->channel ? c->channel : "marketing_sms",
                                       err)) != 0)
        return rc;
    if (c->offer == DG_CAMPAIGN_OFFER_POINTS &&
        (c->offer_points < 1 || c->offer_points > DG_POINTS_MAX_AMOUNT))
        return dg_error_set(err, DG_ERANGE, "%lld bonus points: expected a whole number from 1 "
                            "to %lld", (long long)c->offer_points, DG_POINTS_MAX_AMOUNT);
    if (c->offer == DG_CAMPAIGN_OFFER_COUPON) {
        if (!c->coupon_definition || !*c->coupon_definition)
            return dg_error_set(err, DG_EINVAL, "a coupon offer names a coupon definition");
        dg__coupon_def_row def;
        if ((rc = dg__coupon_def_get(store, c->coupon_definition, &def, err)) != 0)
            return rc == DG_ENOTFOUND ? dg_error_set(err, rc, "unknown coupon definition \"%s\"; "
                                                     "define it first (dangol coupon define)",
                                                     c->coupon_definition)
                                      : rc;
        if (def.voided)
            return dg_error_set(err, DG_ECONFLICT, "coupon definition \"%s\" was voided",
                                c->coupon_definition);
    }
    if (c->audience && strlen(c->audience) >= DG__CAMPAIGN_AUDIENCE_MAX)
        return dg_error_set(err, DG_EINVAL, "the audience filter is longer than %d bytes",
                            DG__CAMPAIGN_AUDIENCE_MAX - 1);
    /* the filter is parsed against the data now, so a typo is refused at once */
    dg__campaign_audience a;
    rc = dg__campaign_audience_build(&a, store, c->audience, DG_DAY_NONE, err);
    dg__campaign_audience_clear(&a);
    return rc;
}

static void fingerprint_of(char *buf, size_t cap, const char *op, const dg_campaign *c,
                           int32_t day)
{
    snprintf(buf, cap, "%s|%s|%s|%s|%lld|%llu|%d|%s|%lld|%s|%d|%d", op, c->campaign_id,
             c->name ? c->name : "", c->audience ? c->audience : "",
             (long long)c->control_share_bp, (unsigned long long)c->seed, (int)c->offer,
             c->coupon_definition ? c->coupon_definition : "", (long long)c->offer_points,
             c->channel ? c->channel : "", (int)c->window_days, (int)day);
}

/* Looks the key up inside the open write transaction: 1 when it was seen with this request
 * (result filled), 0 when it is new, or an error (DG_ECONFLICT for another request). */
static int seen_key(dg_store *store, const char *key, const char *fingerprint, char *result,
                    dg_error *err)
{
    if (!key)
        return 0;
    char seen[FINGERPRINT_MAX];
    int rc = dg__campaign_request_get(store, key, seen, sizeof seen, result, RESULT_MAX, err);
    if (rc == DG_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    if (strcmp(seen, fingerprint) != 0)
        return dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for another "
                            "request; use a new key for a new request", key);
    return 1;
}

int dg_campaign_create(bool *replayed, dg_store *store, const dg_campaign *c,
                       const dg_campaign_write *w, dg_error *err)
{
    *replayed = false;
    const char *channel = NULL, *key = key_of(w);
    int rc = check_campaign(store, c, &channel, err);
    if (rc != 0)
        return rc;
    dg_campaign stored = *c;
    stored.channel = channel;
    char fingerprint[FINGERPRINT_MAX], result[RESULT_MAX] = "";
    fingerprint_of(fingerprint, sizeof fingerprint, "create", &stored, 0);
    if ((rc = dg_store_begin(store, err)) != 0)
        return rc;
    rc = seen_key(store, key, fingerprint, result, err);
    if (rc == 1) {
        dg_store_rollback(store);
        *replayed = true;
        return 0;
    }
    if (rc == 0)
        rc = dg__campaign_insert(store, &stored, actor_of(w), (int64_t)time(NULL), err);
    if (rc == 0)
        rc = dg__audit_write(store, w ? w->audit : NULL, "campaign.create", NULL, 0,
                             json_pack("{s:s,s:{s:s,s:I,s:I,s:s}}", "campaign", c->campaign_id,
                                       "after", "offer", dg_campaign_offer_code(c->offer),
                                       "control_share_bp", (json_int_t)c->control_share_bp,
                                       "window_days", (json_int_t)c->window_days, "audience",
                                       c->audience ? c->audience : ""),
                             err);
    if (rc == 0 && key)
        rc = dg__campaign_request_put(store, key, fingerprint, c->campaign_id,
                                      (int64_t)time(NULL), err);
    if (rc == 0)
        return dg_store_commit(store, err);
    dg_store_rollback(store);
    return rc;
}

/* ---- launch ---- */

typedef struct launch_plan {
    dg__campaign_audience a;
    uint8_t *control;          /* [a.n] */
} launch_plan;

static int plan(launch_plan *p, dg_store *store, const dg__campaign_row *row, int32_t day,
                dg_error *err)
{
    int rc = dg__campaign_audience_build(&p->a, store, row->audience, day - 1, err);
    if (rc == 0 && p->a.n == 0)
        return dg_error_set(err, DG_EINVAL, "the audience of campaign \"%s\" is empty on %s; "
                            "nothing to launch", row->id, dg_date_format(day - 1, (char[16]){ 0 }));
    if (rc == 0 && !(p->control = malloc(p->a.n)))
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = dg_uplift_assign(p->control, p->a.stratum, p->a.n, p->a.strata, p->a.n_strata,
                              row->c.seed, (double)row->c.control_share_bp / 10000.0, err);
    return rc;
}

/* Checks the coupon definition can be issued to the treatment group on day. */
static int check_coupon(dg_store *store, const dg__campaign_row *row, const launch_plan *p,
                        int32_t day, dg_error *err)
{
    dg__coupon_def_row def;
    char date[16];
    int rc = dg__coupon_def_get(store, row->coupon, &def, err);
    if (rc != 0)
        return rc;
    if (def.voided)
        return dg_error_set(err, DG_ECONFLICT, "coupon definition \"%s\" was voided", def.id);
    if (def.d.valid_until != DG_COUPON_NO_DAY && day > def.d.valid_until)
        return dg_error_set(err, DG_ECONFLICT, "coupon definition \"%s\" expired on %s", def.id,
                            dg_date_format(def.d.valid_until, date));
    for (size_t i = 0; def.d.audience == DG_COUPON_FIRST_PURCHASE && i < p->a.n; i++) {
        const char *id = p->a.frame->customer_id[p->a.member[i]];
        int64_t orders = 0;
        if (!p->control[i] && (rc = dg__coupon_customer_orders(store, id, &orders, err)) != 0)
            return rc;
        if (orders > 0)
            return dg_error_set(err, DG_EINVAL, "customer \"%s\" of the audience has %lld orders; "
                                "\"%s\" is a first-purchase coupon: narrow the audience to "
                                "customers without orders", id, (long long)orders, def.id);
    }
    return 0;
}

/* The members, each with its offer, in the open transaction. */
static int write_members(dg_store *store, const dg__campaign_row *row, const launch_plan *p,
                         int32_t day, const dg_points_rules *rules, const char *actor,
                         dg_campaign_launch_result *out, dg_error *err)
{
    int64_t now = (int64_t)time(NULL), batch = 0;
    int rc = 0;
    if (row->c.offer == DG_CAMPAIGN_OFFER_COUPON &&
        ((rc = check_coupon(store, row, p, day, err)) != 0 ||
         (rc = dg__coupon_next_batch(store, &batch, err)) != 0))
        return rc;
    for (size_t i = 0; rc == 0 && i < p->a.n; i++) {
        const char *id = p->a.frame->customer_id[p->a.member[i]];
        char code[DG_COUPON_CODE_LEN + 1] = "";
        int64_t movement = 0;
        if (!p->control[i] && row->c.offer == DG_CAMPAIGN_OFFER_COUPON) {
            rc = DG_EEXIST;
            for (int draw = 0; rc == DG_EEXIST && draw < CODE_DRAWS; draw++) {
                dg_error_clear(err);
                if ((rc = dg_coupon_code_generate(code, err)) == 0)
                    rc = dg__coupon_code_insert(store, code, row->coupon, id, batch, day, now,
                                                actor, err);
            }
            out->coupons_issued += rc == 0;
        } else if (!p->control[i] && row->c.offer == DG_CAMPAIGN_OFFER_POINTS) {
            dg__points_row pr = {
                .customer_id = id, .kind = "earn", .points = row->c.offer_points,
                .occurred_on = day, .expires_on = day + rules->expiry_days,
                .reason = "campaign bonus", .actor = actor, .source_kind = "campaign",
                .source_id = row->id, .recorded_at = now,
            };
            rc = dg__points_insert(store, &pr, &movement, err);
            out->points_granted += rc == 0 ? row->c.offer_points : 0;
        }
        if (rc == 0)
            rc = dg__campaign_member_insert(store, row->id, id, p->control[i] != 0,
                                            p->a.strata[p->a.stratum[i]], code[0] ? code : NULL,
                                            movement, err);
        out->members++;
        if (p->control[i])
            out->control++;
        else
            out->treatment++;
    }
    return rc;
}

static void result_text(char *buf, const dg_campaign_launch_result *r)
{
    snprintf(buf, RESULT_MAX, "%lld %lld %lld %lld %lld %d %d", (long long)r->members,
             (long long)r->treatment, (long long)r->control, (long long)r->coupons_issued,
             (long long)r->points_granted, (int)r->launched_on, (int)r->audience_as_of);
}

static void result_parse(dg_campaign_launch_result *r, const char *text)
{
    long long m = 0, t = 0, c = 0, k = 0, p = 0;
    int on = 0, as_of = 0;
    sscanf(text, "%lld %lld %lld %lld %lld %d %d", &m, &t, &c, &k, &p, &on, &as_of);
    *r = (dg_campaign_launch_result){ .members = m, .treatment = t, .control = c,
                                      .coupons_issued = k, .points_granted = p,
                                      .launched_on = on, .audience_as_of = as_of,
                                      .replayed = true };
}

static int already_launched(const dg__campaign_row *row, dg_error *err)
{
    char date[16];
    return dg_error_set(err, DG_ECONFLICT, "campaign \"%s\" was launched already on %s by %s; a "
                        "campaign is launched once", row->id,
                        dg_date_format(row->launched_on, date), row->launched_by);
}

int dg_campaign_launch(dg_campaign_launch_result *out, dg_store *store, const char *campaign_id,
                       int32_t day, const dg_points_rules *rules, const dg_campaign_write *w,
                       dg_error *err)
{
    memset(out, 0, sizeof *out);
    if (day == DG_CAMPAIGN_TODAY)
        day = dg_day_of((int64_t)time(NULL));
    dg_points_rules builtin;
    if (!rules) {
        dg_points_rules_default(&builtin);
        rules = &builtin;
    }
    const char *key = key_of(w);
    char fingerprint[FINGERPRINT_MAX], result[RESULT_MAX] = "";
    snprintf(fingerprint, sizeof fingerprint, "launch|%s|%d", campaign_id ? campaign_id : "",
             (int)day);
    dg__campaign_row *row = malloc(sizeof *row);
    launch_plan p = { 0 };
    if (!row)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg__campaign_get(store, campaign_id ? campaign_id : "", row, err);
    /* a retried request is answered before the (slow) audience is computed */
    if (rc == 0 && key && row->launched_on != DG_CAMPAIGN_TODAY &&
        dg_store_read_begin(store, err) == 0) {
        int seen = seen_key(store, key, fingerprint, result, err);
        dg_store_read_end(store);
        if (seen == 1) {
            result_parse(out, result);
            free(row);
            return 0;
        }
        if (seen < 0) {
            free(row);
            return seen;
        }
    }
    if (rc == 0 && row->launched_on != DG_CAMPAIGN_TODAY)
        rc = already_launched(row, err);
    if (rc == 0)
        rc = plan(&p, store, row, day, err);
    if (rc == 0)
        rc = dg_store_begin(store, err);
    if (rc != 0)
        goto done;
    rc = seen_key(store, key, fingerprint, result, err);
    if (rc == 1) {
        dg_store_rollback(store);
        result_parse(out, result);
        rc = 0;
        goto done;
    }
    if (rc == 0 && (rc = dg__campaign_get(store, campaign_id, row, err)) == 0 &&
        row->launched_on != DG_CAMPAIGN_TODAY)
        rc = already_launched(row, err);   /* a concurrent launch won */
    out->launched_on = day;
    out->audience_as_of = p.a.frame ? p.a.frame->as_of : day - 1;
    if (rc == 0)
        rc = write_members(store, row, &p, day, rules, actor_of(w), out, err);
    if (rc == 0)
        rc = dg__campaign_set_launched(store, campaign_id, day, (int64_t)time(NULL), actor_of(w),
                                       err);
    if (rc == 0) {
        char date[16];
        rc = dg__audit_write(store, w ? w->audit : NULL, "campaign.launch", NULL, 0,
                             json_pack("{s:s,s:{s:I,s:I,s:I,s:I,s:I,s:s}}", "campaign",
                                       campaign_id, "after", "members", (json_int_t)out->members,
                                       "treatment", (json_int_t)out->treatment, "control",
                                       (json_int_t)out->control, "coupons_issued",
                                       (json_int_t)out->coupons_issued, "points_granted",
                                       (json_int_t)out->points_granted, "launched_on",
                                       dg_date_format(day, date)),
                             err);
    }
    if (rc == 0 && key) {
        result_text(result, out);
        rc = dg__campaign_request_put(store, key, fingerprint, result, (int64_t)time(NULL), err);
    }
    if (rc == 0)
        rc = dg_store_commit(store, err);
    else
        dg_store_rollback(store);
done:
    if (rc != 0) {
        dg_campaign_launch_result none = { 0 };
        *out = none;
    }
    dg__campaign_audience_clear(&p.a);
    free(p.control);
    free(row);
    return rc;
}

/* ---- the audience as a list ---- */

int dg_campaign_audience_scan(dg_store *store, const char *audience, int32_t as_of,
                              dg_campaign_member_fn fn, void *ctx, dg_error *err)
{
    dg__campaign_audience a;
    int rc = dg__campaign_audience_build(&a, store, audience, as_of, err);
    for (size_t i = 0; rc == 0 && i < a.n; i++)
        rc = fn(ctx, a.frame->customer_id[a.member[i]], a.strata[a.stratum[i]]);
    dg__campaign_audience_clear(&a);
    return rc;
}
