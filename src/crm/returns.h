/* Private to the programme services (src/crm/points.c, coupons.c, order_return.c): the steps a
 * cancelled or returned order takes inside the one write transaction dg_order_return opens. */
#ifndef DANGOL_CRM_RETURNS_H
#define DANGOL_CRM_RETURNS_H

#include <stdint.h>

#include "dangol/coupon.h"
#include "dangol/points.h"
#include "dangol/store.h"
#include "store/coupons.h"

/* Reverses the earn of order r->source_id inside the caller's transaction (no key, no audit):
 * dg_points_reverse_order's rules and errors. */
int dg__points_reverse_apply(dg_store *store, const dg_points_rules *rules,
                             const dg_points_request *r, dg_points_result *result, dg_error *err);
/* Inserts a new code of definition_id for customer_id (drawing again on a collision). */
int dg__coupon_code_new(dg_store *store, char code[DG_COUPON_CODE_LEN + 1],
                        const char *definition_id, const char *customer_id, int64_t batch,
                        int32_t day, int64_t now, const char *actor, dg_error *err);
/* 0 when def can still give codes on day; DG_ECONFLICT (voided) or DG_EINVAL (expired). */
int dg__coupon_usable_definition(const dg__coupon_def_row *def, int32_t day, dg_error *err);

#endif
