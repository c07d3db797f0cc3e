/* Private to the store: the moments of truth on a PostgreSQL store (mot_postgres.c), called by
 * mot_sqlite.c's functions of the same names (store/mot.h) for a PostgreSQL store. */
#ifndef DANGOL_STORE_MOT_POSTGRES_H
#define DANGOL_STORE_MOT_POSTGRES_H

#include "store/mot.h"
#include "store/postgres.h"

/* Inside a write, also waits for and holds the visit id's lock (see mot_postgres.c). */
int dg__pg_mot_visit_exists(dg_pg *pg, const char *visit_id, bool *found, dg_error *err);
int dg__pg_mot_visit_insert(dg_pg *pg, const char *visit_id, const char *customer_id,
                            int32_t visited_on, int nps, const char *staff_id, dg_error *err);
int dg__pg_mot_rating_insert(dg_pg *pg, const char *visit_id, const char *moment, int score,
                             dg_error *err);
int dg__pg_mot_last_day(dg_pg *pg, int32_t *day, dg_error *err);
int dg__pg_mot_scan(dg_pg *pg, int32_t as_of, int32_t window_days, dg__mot_row_fn fn, void *ctx,
                    dg_error *err);

#endif
