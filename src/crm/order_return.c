/* Cancelled and returned orders (include/dangol/order_return.h): one BEGIN IMMEDIATE transaction
 * reverses the order's points earn (through the points service's own reversal step), reverses
 * the coupon redeemed on it (the order_returns row names the redemption, which then drops out of
 * coupon_redemptions_kept) and, under the restore policy, gives the customer a new code of the
 * same definition; then the order.return audit entry and the idempotency key. A refusal
 * anywhere writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit_write.h"
#include "crm/returns.h"
#include "dangol/order_return.h"
#include "store/coupons.h"
#include "store/returns.h"

#define FINGERPRINT_MAX 1024

static const char *const kind_codes[] = { "returned", "cancelled" };

const char *dg_return_kind_code(dg_return_kind kind)
{
    return (size_t)kind < 2 ? kind_codes[kind] : "?";
}

int dg_return_kind_parse(const char *text, dg_return_kind *kind, dg_error *err)
{
    for (size_t i = 0; i < 2; i++)
        if (text && strcmp(text, kind_codes[i]) == 0) {
            *kind = (dg_return_kind)i;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "return kind \"%s\": expected returned or cancelled",
                        text ? text : "");
}

static const char *actor_of(const dg_order_return_request *r)
{
    return r->actor && *r->actor ? r->actor : "system";
}

/* The points part: the earn's reversal, or nothing when the order earned none or was reversed
 * already by `dangol points reverse`. */
static int reverse_points(dg_store *store, const dg_points_rules *rules,
                          const dg_order_return_request *r, dg_order_return_result *out,
                          dg_error *err)
{
    /* the ledger is append-only: it gets the kind, not the free-text reason (which is the
     * return's, where erasure can empty it) */
    dg_points_request pr = { .day = r->day, .actor = r->actor,
                             .reason = r->kind == DG_RETURN_CANCELLED ? "order cancelled"
                                                                       : "order returned",
                             .source = DG_POINTS_SOURCE_ORDER, .source_id = r->order_id };
    dg_points_result res;
    memset(&res, 0, sizeof res);
    int rc = dg__points_reverse_apply(store, rules, &pr, &res, err);
    if (rc == DG_ENOTFOUND || rc == DG_EEXIST) {   /* no earn; reversed before */
        out->points_reversed_before = rc == DG_EEXIST;
        dg_error_clear(err);
        return 0;
    }
    out->points_movement_id = res.movement_id;
    out->points = res.points;
    out->absorbed = res.absorbed;
    out->balance = res.balance;
    return rc;
}

/* The coupon part: the order's redemption reversed, and restored as a new code when the policy
 * says so and the definition still gives codes on day. */
static int reverse_coupon(dg_store *store, const dg_points_rules *rules,
                          const dg_order_return_request *r, int32_t day,
                          dg_order_return_result *out, dg_error *err)
{
    dg_coupon_redemption red;
    int rc = dg__coupon_redemption_get(store, NULL, r->order_id, 0, &red, err);
    if (rc == DG_ENOTFOUND) {
        dg_error_clear(err);
        return 0;
    }
    if (rc != 0)
        return rc;
    out->redemption_id = red.redemption_id;
    snprintf(out->coupon_code, sizeof out->coupon_code, "%s", red.code);
    out->discount = red.discount;
    out->coupon_policy = rules->return_coupon;
    if (rules->return_coupon != DG_COUPON_RETURN_RESTORE)
        return 0;
    dg__coupon_def_row def;
    int64_t batch = 0, now = (int64_t)time(NULL);
    if ((rc = dg__coupon_def_get(store, red.definition_id, &def, err)) != 0)
        return rc;
    if (dg__coupon_usable_definition(&def, day, err) != 0) {   /* nothing to restore to */
        dg_error_clear(err);
        return 0;
    }
    if ((rc = dg__coupon_next_batch(store, &batch, err)) != 0)
        return rc;
    return dg__coupon_code_new(store, out->replacement_code, red.definition_id, red.customer_id,
                               batch, day, now, actor_of(r), err);
}

static int audit(dg_store *store, const dg_order_return_request *r,
                 const dg_order_return_result *out, dg_error *err)
{
    const char *customer = out->customer_id;
    /* the reason is free text about the customer, which erasure empties (schema 20): the
     * append-only trail says only whether one was given */
    json_t *detail = json_pack("{s:s, s:s, s:b, s:{s:I, s:I, s:I}, s:{s:I, s:s?, s:I, s:s?, "
                               "s:s?}}", "order", r->order_id, "kind",
                               dg_return_kind_code(r->kind), "reason_given",
                               r->reason && *r->reason,
                               "points", "movement", (json_int_t)out->points_movement_id,
                               "points", (json_int_t)out->points, "absorbed",
                               (json_int_t)out->absorbed, "coupon", "redemption",
                               (json_int_t)out->redemption_id, "code",
                               out->coupon_code[0] ? out->coupon_code : NULL, "discount",
                               (json_int_t)out->discount, "policy",
                               out->redemption_id ? dg_coupon_return_policy_code(
                                                        out->coupon_policy) : NULL,
                               "replacement_code",
                               out->replacement_code[0] ? out->replacement_code : NULL);
    return dg__audit_write(store, r->audit, "order.return", &customer, 1, detail, err);
}

static int apply(dg_store *store, const dg_points_rules *rules, const dg_order_return_request *r,
                 dg_order_return_result *out, dg_error *err)
{
    dg__coupon_order_row order;
    dg_order_return_result seen;
    int rc = dg__order_return_get(store, r->order_id, &seen, err);
    if (rc == 0)
        return dg_error_set(err, DG_EEXIST, "order \"%s\" was returned or cancelled already",
                            r->order_id);
    if (rc != DG_ENOTFOUND)
        return rc;
    dg_error_clear(err);
    if ((rc = dg__coupon_order_get(store, r->order_id, &order, err)) != 0)
        return rc;
    snprintf(out->customer_id, sizeof out->customer_id, "%s", order.customer_id);
    int32_t day = r->day == DG_POINTS_TODAY ? dg_points_today() : r->day;
    int64_t now = (int64_t)time(NULL);
    if ((rc = reverse_points(store, rules, r, out, err)) != 0 ||
        (rc = reverse_coupon(store, rules, r, day, out, err)) != 0 ||
        (rc = dg__order_return_insert(store, r->order_id, r, day, out, actor_of(r), now, err)))
        return rc;
    return audit(store, r, out, err);
}

int dg_order_return(dg_store *store, const dg_points_rules *rules,
                    const dg_order_return_request *request, dg_order_return_result *result,
                    dg_error *err)
{
    memset(result, 0, sizeof *result);
    if (!request->order_id || !*request->order_id)
        return dg_error_set(err, DG_EINVAL, "an order id is required");
    char fingerprint[FINGERPRINT_MAX], seen[FINGERPRINT_MAX], remembered[256];
    snprintf(fingerprint, sizeof fingerprint, "return|%s|%s|%d|%s", request->order_id,
             dg_return_kind_code(request->kind), (int)request->day,
             request->reason ? request->reason : "");
    const char *key = request->idempotency_key && *request->idempotency_key
                          ? request->idempotency_key : NULL;
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    if (key) {
        rc = dg__order_return_request_get(store, key, seen, sizeof seen, remembered,
                                          sizeof remembered, err);
        if (rc == 0) {
            if (strcmp(seen, fingerprint) != 0)
                rc = dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for "
                                  "another request; use a new key for a new request", key);
            else
                rc = dg__order_return_get(store, remembered, result, err);
            dg_store_rollback(store);
            result->replayed = rc == 0;
            return rc;
        }
        if (rc != DG_ENOTFOUND)
            goto fail;
        dg_error_clear(err);
    }
    rc = apply(store, rules, request, result, err);
    if (rc == 0 && key)
        rc = dg__order_return_request_put(store, key, fingerprint, request->order_id,
                                          (int64_t)time(NULL), err);
    if (rc == 0)
        return dg_store_commit(store, err);
fail:
    dg_store_rollback(store);
    return rc;
}
