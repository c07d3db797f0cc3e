/* Private to the store: the SQL of cancelled and returned orders on a PostgreSQL store
 * (returns_postgres.c), called by returns_sqlite.c's functions of the same names (dg__order_return_*
 * of store/returns.h) for a PostgreSQL store, with the same meaning. */
#ifndef DANGOL_STORE_RETURNS_POSTGRES_H
#define DANGOL_STORE_RETURNS_POSTGRES_H

#include "store/postgres.h"
#include "store/returns.h"

int dg__pg_order_return_get(dg_pg *pg, const char *order_id, dg_order_return_result *out,
                            dg_error *err);
int dg__pg_order_return_insert(dg_pg *pg, const char *order_id,
                               const dg_order_return_request *request, int32_t day,
                               const dg_order_return_result *result, const char *actor,
                               int64_t now, dg_error *err);

#endif
