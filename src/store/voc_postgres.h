/* Private to the store: the VOC analytics' SQL on a PostgreSQL store (voc_postgres.c), called by
 * voc_sqlite.c's functions of the same names (dg__voc_* of store/voc.h) for a PostgreSQL store.
 * The search runs PostgreSQL's full-text search in place of FTS5 (docs/postgresql.md says how
 * its matches and order differ). */
#ifndef DANGOL_STORE_VOC_POSTGRES_H
#define DANGOL_STORE_VOC_POSTGRES_H

#include "store/postgres.h"
#include "store/voc.h"

int dg__pg_voc_scan(dg_pg *pg, int64_t from, int64_t to, bool texts_only, dg__voc_ticket_fn fn,
                    void *ctx, dg_error *err);
int dg__pg_voc_complainants(dg_pg *pg, int64_t from, int64_t to, int64_t *complainants,
                            int64_t *repeat, dg_error *err);
int dg__pg_voc_search(dg_pg *pg, const char *match, int limit, dg__voc_ticket_fn fn, void *ctx,
                      dg_error *err);
int dg__pg_voc_recovery(dg_pg *pg, int64_t as_of, int window_days, int64_t customers[4],
                        int64_t repurchased[4], dg_error *err);

#endif
