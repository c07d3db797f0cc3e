/* Private to the store: the customer value answers on a PostgreSQL store (cvalue_postgres.c),
 * called by cvalue_sqlite.c's functions of the same names (store/cvalue.h). */
#ifndef DANGOL_STORE_CVALUE_POSTGRES_H
#define DANGOL_STORE_CVALUE_POSTGRES_H

#include "store/cvalue.h"
#include "store/postgres.h"

int dg__pg_cvalue_response_put(dg_pg *pg, const char *response_id, const char *customer_id,
                               int32_t day, const char *const *items, const int *answers,
                               size_t n, bool replace, int64_t now, dg_error *err);
int dg__pg_cvalue_answers_scan(dg_pg *pg, const char *customer_id, dg__cvalue_answer_fn fn,
                               void *ctx, dg_error *err);

#endif
