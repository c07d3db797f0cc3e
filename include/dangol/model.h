/* Stored prediction models (schema 0015_models.sql, docs/churn.md): a churn model trained on a
 * frame and saved with its as-of day, horizon, features, parameters, metrics and model bytes in
 * one transaction, listed, and loaded again to score — the same scores as when it was trained.
 * Training through dg_churn_train_save accepts an idempotency key: the same key with the same
 * request returns the first model (replayed, nothing trained or written again), with another
 * request DG_ECONFLICT. Rows are never changed. */
#ifndef DANGOL_MODEL_H
#define DANGOL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/churn.h"
#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/store.h"

DG_API_BEGIN

/* A stored model without its bytes. */
typedef struct dg_model_info {
    int64_t model_id;
    char kind[16];                 /* "churn" */
    char algorithm[16];            /* "xgboost", "logistic" */
    int32_t as_of, horizon_days;
    int64_t n_customers;           /* training rows */
    int64_t created_at;            /* UTC seconds */
    char created_by[64];
    int64_t n_bytes;               /* size of the model bytes */
    bool validated;
    double auc;                    /* validation AUC of its algorithm (0 when not validated) */
} dg_model_info;

typedef struct dg_churn_saved {
    int64_t model_id;
    bool replayed;                 /* an earlier request with the same key made it */
} dg_churn_saved;

/* Trains a churn model on frame (dg_churn_train) and stores it in one transaction, with a
 * model.train entry by audit in the audit trail (its id, algorithm, as-of day, horizon, rows;
 * audit NULL: none written; a replay writes nothing). actor: who (NULL/"" = "system"); key: an
 * idempotency key or NULL. *model (when model is not NULL) gets
 * the model, NULL when replayed; caller frees with dg_churn_model_free. Errors of
 * dg_churn_train, DG_ECONFLICT for a key used with another request, DG_EBUSY. */
struct dg_audit_actor;
int dg_churn_train_save(dg_churn_saved *out, dg_churn_model **model, dg_store *store,
                        const dg_frame *frame, const dg_churn_options *opt, const char *actor,
                        const struct dg_audit_actor *audit, const char *key, dg_error *err);

/* Loads stored churn model id (0: the latest churn model). DG_ENOTFOUND naming the id, or
 * saying no churn model was trained yet. *info (may be NULL) gets its row. Caller frees with
 * dg_churn_model_free. */
int dg_churn_model_load(dg_churn_model **out, dg_model_info *info, dg_store *store, int64_t id,
                        dg_error *err);

/* The stored models, newest first. fn's nonzero return stops and is returned. */
typedef int (*dg_model_fn)(void *ctx, const dg_model_info *info);
int dg_model_list(dg_store *store, dg_model_fn fn, void *ctx, dg_error *err);

DG_API_END

#endif
