/* Private to the library: the SQL of cancelled and returned orders (src/store/returns_sqlite.c,
 * schema/0019_order_returns.sql), which dg_order_return (src/crm/order_return.c) calls inside the
 * transaction it opens. */
#ifndef DANGOL_STORE_RETURNS_H
#define DANGOL_STORE_RETURNS_H

#include <stdint.h>

#include "dangol/error.h"
#include "dangol/order_return.h"
#include "dangol/store.h"

/* The order_returns row of order_id into out (customer, movement, redemption, policy, codes):
 * DG_ENOTFOUND (no message) when the order was not returned. */
int dg__order_return_get(dg_store *s, const char *order_id, dg_order_return_result *out,
                         dg_error *err);
/* Writes the row of a return: what result says was reversed. */
int dg__order_return_insert(dg_store *s, const char *order_id,
                            const dg_order_return_request *request, int32_t day,
                            const dg_order_return_result *result, const char *actor, int64_t now,
                            dg_error *err);
int dg__order_return_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                                 char *result, size_t result_cap, dg_error *err);
int dg__order_return_request_put(dg_store *s, const char *key, const char *fingerprint,
                                 const char *result, int64_t now, dg_error *err);

#endif
