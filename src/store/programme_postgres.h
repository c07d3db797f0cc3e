/* Private to the store: the loyalty programme's aggregates on a PostgreSQL store
 * (programme_postgres.c), called by dg__programme_scan (programme_sqlite.c) with the same SQL. */
#ifndef DANGOL_STORE_PROGRAMME_POSTGRES_H
#define DANGOL_STORE_PROGRAMME_POSTGRES_H

#include <stdbool.h>

#include "store/postgres.h"
#include "store/programme.h"

/* Runs sql with day as $1; each row is customer_id, the text when text, then n_values
 * integers. */
int dg__pg_programme_scan(dg_pg *pg, const char *sql, int32_t day, bool text, int n_values,
                          dg__programme_fn fn, void *ctx, const char *what, dg_error *err);

#endif
