/* Private to the store: the erasure's SQL on a PostgreSQL store (erasure_postgres.c), called by
 * erasure_sqlite.c's functions of the same names (store/consent.h) for a PostgreSQL store. The
 * rules (src/crm/erasure.c, subject.c) stay shared. */
#ifndef DANGOL_STORE_ERASURE_POSTGRES_H
#define DANGOL_STORE_ERASURE_POSTGRES_H

#include "store/consent.h"
#include "store/postgres.h"

int dg__pg_erasure_apply(dg_pg *pg, const char *customer_id, const char *kind,
                         const char *reason, const char *actor, int64_t now, int64_t *texts,
                         dg_error *err);
/* VACUUM (FULL) of the tables an erasure writes (erasure_sql.h), outside any transaction. */
int dg__pg_erasure_vacuum(dg_pg *pg, bool *done, dg_error *err);
int dg__pg_erasure_inactive(dg_pg *pg, int32_t before, dg__inactive_fn fn, void *ctx,
                            int64_t *undated, dg_error *err);

int dg__pg_customer_tables(dg_pg *pg, const char *customer_id, const dg__customer_rows *rows,
                           dg_error *err);

#endif
