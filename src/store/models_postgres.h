/* Private to the store: the stored models on a PostgreSQL store (models_postgres.c), called by
 * models_sqlite.c's functions of the same names (store/models.h). */
#ifndef DANGOL_STORE_MODELS_POSTGRES_H
#define DANGOL_STORE_MODELS_POSTGRES_H

#include "store/models.h"
#include "store/postgres.h"

int dg__pg_model_insert(dg_pg *pg, const dg__model_row *row, int64_t *id, dg_error *err);
int dg__pg_model_get(dg_pg *pg, const char *kind, int64_t id, dg__model_row *row,
                     dg_error *err);
int dg__pg_model_each(dg_pg *pg, dg_model_fn fn, void *ctx, dg_error *err);

#endif
