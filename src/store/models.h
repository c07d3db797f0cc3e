/* Private to the library: the SQL of the stored models (src/store/models_sqlite.c,
 * schema/0015_models.sql), which the model service (src/crm/models.c) calls inside the
 * transactions it opens. Nothing here decides a rule: these read and write rows. */
#ifndef DANGOL_STORE_MODELS_H
#define DANGOL_STORE_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/model.h"
#include "dangol/store.h"

/* A model row as written; as read, the texts and bytes are owned by the row (dg__model_row_free). */
typedef struct dg__model_row {
    dg_model_info info;
    char *params, *features, *metrics;
    unsigned char *bytes;
} dg__model_row;

int dg__model_insert(dg_store *store, const dg__model_row *row, int64_t *id, dg_error *err);
/* Row id of kind (id 0: the newest of kind); DG_ENOTFOUND when none. */
int dg__model_get(dg_store *store, const char *kind, int64_t id, dg__model_row *row,
                  dg_error *err);
void dg__model_row_free(dg__model_row *row);
int dg__model_each(dg_store *store, dg_model_fn fn, void *ctx, dg_error *err);
/* Idempotency keys: DG_ENOTFOUND when new, else the fingerprint and model id. */
int dg__model_request_get(dg_store *store, const char *key, char *fingerprint, size_t cap,
                          int64_t *model_id, dg_error *err);
int dg__model_request_put(dg_store *store, const char *key, const char *fingerprint,
                          int64_t model_id, int64_t now, dg_error *err);

#endif
