/* Private to the store: the consent history's SQL on a PostgreSQL store (consent_postgres.c),
 * called by consent_sqlite.c's and erasure_sqlite.c's functions of the same names
 * (store/consent.h) for a PostgreSQL store. The rules (src/crm/consent.c) stay shared. */
#ifndef DANGOL_STORE_CONSENT_POSTGRES_H
#define DANGOL_STORE_CONSENT_POSTGRES_H

#include "store/consent.h"
#include "store/postgres.h"

int dg__pg_consent_insert(dg_pg *pg, const dg__consent_event *event, int64_t *id,
                          dg_error *err);
int dg__pg_consent_state(dg_pg *pg, const char *customer_id, const char *purpose, int32_t day,
                         bool *found, bool *granted, dg_error *err);
int dg__pg_consent_history(dg_pg *pg, const char *customer_id, dg__consent_fn fn, void *ctx,
                           dg_error *err);
int dg__pg_consent_granted(dg_pg *pg, const char *purpose, int32_t day, dg__consent_fn fn,
                           void *ctx, dg_error *err);
int dg__pg_erasure_get(dg_pg *pg, const char *customer_id, bool *erased, int64_t *erased_at,
                       dg_error *err);

#endif
