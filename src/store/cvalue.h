/* Private to the library: the SQL of the customer value survey answers
 * (src/store/cvalue_sqlite.c, schema/0016_value.sql), called by the value operations
 * (src/crm/cvalue.c, src/ingest/cvalue_import.c) and the report (src/report/cvalue.c) inside
 * the transactions they open. Nothing here checks an answer against the survey. */
#ifndef DANGOL_STORE_CVALUE_H
#define DANGOL_STORE_CVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* Writes a response and its answers (items[i] = answers[i], n of them). replace: an existing
 * response of that id is replaced whole (its old answers deleted); otherwise it is DG_EEXIST. */
int dg__cvalue_response_put(dg_store *store, const char *response_id, const char *customer_id,
                            int32_t day, const char *const *items, const int *answers, size_t n,
                            bool replace, int64_t now, dg_error *err);

/* Every answer, by response id then item: fn(ctx, response_id, customer_id, day, item,
 * answer); a nonzero return stops and is returned. customer_id NULL: every customer. */
typedef int (*dg__cvalue_answer_fn)(void *ctx, const char *response_id, const char *customer_id,
                                    int32_t day, const char *item, int answer);
int dg__cvalue_answers_scan(dg_store *store, const char *customer_id, dg__cvalue_answer_fn fn,
                            void *ctx, dg_error *err);

/* Idempotency keys of the API write: 0 with the stored fingerprint and response id copied,
 * DG_ENOTFOUND for a new key. */
int dg__cvalue_request_get(dg_store *store, const char *key, char *fingerprint, size_t cap,
                           char *response_id, size_t id_cap, dg_error *err);
int dg__cvalue_request_put(dg_store *store, const char *key, const char *fingerprint,
                           const char *response_id, int64_t now, dg_error *err);

#endif
