/* A cancelled or returned order, undone in one write: the points the order earned are reversed
 * (dg_points_reverse_order's rules: the unspent rest always, the spent part by the rules'
 * reverse_spent) and the coupon redeemed on it is reversed (it stops counting in rates, limits
 * and costs) and, by the rules' return_coupon policy, restored as a new code of the same
 * definition or forfeited. One BEGIN IMMEDIATE transaction writes the points movement, the
 * order_returns row, the replacement code and the order.return audit entry together: all or
 * nothing. An order is returned once. docs/points.md ("Cancelled and returned orders"). */
#ifndef DANGOL_ORDER_RETURN_H
#define DANGOL_ORDER_RETURN_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/coupon.h"
#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/points.h"
#include "dangol/store.h"

DG_API_BEGIN

typedef enum dg_return_kind { DG_RETURN_RETURNED, DG_RETURN_CANCELLED } dg_return_kind;

/* "returned", "cancelled" and back; parse: DG_EINVAL naming the valid ones. */
const char *dg_return_kind_code(dg_return_kind kind);
/* A kind from its code into *kind; DG_EINVAL naming the valid ones. */
int dg_return_kind_parse(const char *text, dg_return_kind *kind, dg_error *err);

typedef struct dg_order_return_request {
    const char *order_id;
    dg_return_kind kind;
    int32_t day;                 /* the return's day; DG_POINTS_TODAY: today (UTC) */
    const char *reason;          /* free text, or NULL */
    const char *actor;           /* who; NULL: "system" */
    const char *idempotency_key; /* NULL: none; as dg_points_request's */
    const struct dg_audit_actor *audit; /* the audit trail's actor; NULL: no entry */
} dg_order_return_request;

typedef struct dg_order_return_result {
    char customer_id[DG_COUPON_ID_MAX];
    int64_t points_movement_id;  /* the reverse movement; 0 when nothing was taken back */
    int64_t points;              /* its signed amount (<= 0) */
    int64_t absorbed;            /* spent points not taken back */
    int64_t balance;             /* the customer's points balance on the day, after */
    bool points_reversed_before; /* the earn had been reversed already (dangol points reverse) */
    int64_t redemption_id;       /* the reversed redemption; 0 when the order carried none */
    char coupon_code[DG_COUPON_CODE_LEN + 1];
    int64_t discount;            /* its discount, no longer a cost */
    dg_coupon_return_policy coupon_policy;
    char replacement_code[DG_COUPON_CODE_LEN + 1]; /* restore: the new code; "" when none */
    bool replayed;               /* answered from the idempotency key, nothing written */
} dg_order_return_result;

/* Returns (or cancels) request->order_id under rules (reverse_spent, return_coupon). DG_ENOTFOUND
 * for an unknown order; DG_EEXIST when it was returned already; DG_ECONFLICT for an idempotency
 * key used for another request. An order that earned nothing and carried no coupon is still
 * recorded as returned. */
int dg_order_return(dg_store *store, const dg_points_rules *rules,
                    const dg_order_return_request *request,
                    dg_order_return_result *result, dg_error *err);

DG_API_END

#endif
