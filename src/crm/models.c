/* The stored-model service (include/dangol/model.h): training a churn model and saving it in one
 * write transaction, with the points ledger's idempotency pattern. Training takes seconds to
 * minutes, so it runs before the transaction opens (the write lock is held only for the insert);
 * a key is looked up before training (a replay trains nothing) and again inside the transaction,
 * so two requests racing with one key store one model. The model.train entry of the audit trail
 * is written in the insert's transaction, so the model and its entry commit together. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit_write.h"
#include "dangol/model.h"
#include "dangol/text.h"
#include "store/models.h"

#define FINGERPRINT_MAX 1024

static void fingerprint_of(char *buf, size_t cap, const dg_frame *frame,
                           const dg_churn_options *o)
{
    const dg_churn_params *p = &o->params;
    int32_t as_of = o->as_of == DG_DAY_NONE ? frame->as_of : o->as_of;
    snprintf(buf, cap, "churn|%d|%d|%s|%s|%d|%d|%.17g|%.17g|%.17g|%d|%" PRIu64 "|%.17g|%d",
             (int)as_of, (int)o->horizon_days, dg_churn_algorithm_name(p->algorithm),
             o->features ? o->features : "", p->trees, p->depth, p->eta, p->min_child_weight,
             p->subsample, p->threads, p->seed, p->cost, (int)o->validate);
}

/* The stored request of key: 0 (replay, *id set), DG_ENOTFOUND (new), DG_ECONFLICT or an error. */
static int replay(dg_store *store, const char *key, const char *fingerprint, int64_t *id,
                  dg_error *err)
{
    char seen[FINGERPRINT_MAX];
    int rc = dg__model_request_get(store, key, seen, sizeof seen, id, err);
    if (rc == 0 && strcmp(seen, fingerprint) != 0)
        return dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for another "
                            "request; use a new key for a new request", key);
    return rc;
}

static int save(dg_churn_saved *out, dg_store *store, const dg_churn_model *m, const char *actor,
                const dg_audit_actor *audit, const char *key, const char *fingerprint,
                dg_error *err)
{
    dg__model_row row = { 0 };
    int rc = dg_churn_model_json(m, &row.params, &row.features, &row.metrics, err);
    if (rc != 0)
        return rc;
    snprintf(row.info.kind, sizeof row.info.kind, "churn");
    snprintf(row.info.algorithm, sizeof row.info.algorithm, "%s",
             dg_churn_algorithm_name(m->params.algorithm));
    snprintf(row.info.created_by, sizeof row.info.created_by, "%s",
             actor && *actor ? actor : "system");
    row.info.as_of = m->as_of;
    row.info.horizon_days = m->horizon_days;
    row.info.n_customers = (int64_t)m->n_train;
    row.info.n_bytes = (int64_t)m->n_bytes;
    row.info.created_at = (int64_t)time(NULL);
    row.bytes = m->bytes;
    if ((rc = dg_store_begin(store, err)) == 0) {
        if (key && (rc = replay(store, key, fingerprint, &out->model_id, err)) == 0)
            out->replayed = true;
        else if (!key || rc == DG_ENOTFOUND) {
            rc = dg__model_insert(store, &row, &out->model_id, err);
            if (rc == 0 && key)
                rc = dg__model_request_put(store, key, fingerprint, out->model_id,
                                           row.info.created_at, err);
            if (rc == 0)
                rc = dg__audit_write(store, audit, DG_AUDIT_MODEL_TRAIN, NULL, 0,
                                     json_pack("{s:I, s:s, s:s, s:i, s:i, s:I, s:I}", "model_id",
                                               (json_int_t)out->model_id, "kind", row.info.kind,
                                               "algorithm", row.info.algorithm, "as_of",
                                               (int)m->as_of, "horizon_days",
                                               (int)m->horizon_days, "customers",
                                               (json_int_t)m->n_train, "churned",
                                               (json_int_t)m->n_train_positive), err);
        }
        if (rc == 0)
            rc = dg_store_commit(store, err);
        else
            dg_store_rollback(store);
    }
    row.bytes = NULL;
    dg__model_row_free(&row);
    return rc;
}

int dg_churn_train_save(dg_churn_saved *out, dg_churn_model **model, dg_store *store,
                        const dg_frame *frame, const dg_churn_options *opt, const char *actor,
                        const dg_audit_actor *audit, const char *key, dg_error *err)
{
    dg_churn_options defaults;
    dg_churn_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    memset(out, 0, sizeof *out);
    if (model)
        *model = NULL;
    if (key && !*key)
        key = NULL;
    char fingerprint[FINGERPRINT_MAX];
    fingerprint_of(fingerprint, sizeof fingerprint, frame, opt);
    int rc = key ? replay(store, key, fingerprint, &out->model_id, err) : DG_ENOTFOUND;
    if (rc == 0) {
        out->replayed = true;
        return 0;
    }
    if (rc != DG_ENOTFOUND)
        return rc;
    dg_churn_model *m = NULL;
    dg_churn_options with_programme = *opt;
    dg_features_programme_source source = { store, frame };
    if (!with_programme.programme) {
        with_programme.programme = dg_features_programme_from_store;
        with_programme.programme_ctx = &source;
    }
    if ((rc = dg_churn_train(&m, frame, &with_programme, err)) != 0)
        return rc;
    rc = save(out, store, m, actor, audit, key, fingerprint, err);
    if (rc == 0 && model && !out->replayed)
        *model = m;
    else
        dg_churn_model_free(m);
    return rc;
}

int dg_churn_model_load(dg_churn_model **out, dg_model_info *info, dg_store *store, int64_t id,
                        dg_error *err)
{
    dg__model_row row;
    int rc = dg__model_get(store, "churn", id, &row, err);
    if (rc == DG_ENOTFOUND)
        return id ? dg_error_set(err, DG_ENOTFOUND, "no churn model %" PRId64 "; `dangol model "
                                 "list` shows the stored ones", id)
                  : dg_error_set(err, DG_ENOTFOUND, "no churn model was trained yet; `dangol "
                                 "churn train` trains one");
    if (rc != 0)
        return rc;
    rc = dg_churn_model_from_json(out, row.info.as_of, row.info.horizon_days, row.params,
                                  row.features, row.metrics, row.bytes, (size_t)row.info.n_bytes,
                                  err);
    if (rc == 0 && info)
        *info = row.info;
    dg__model_row_free(&row);
    return rc;
}

int dg_model_list(dg_store *store, dg_model_fn fn, void *ctx, dg_error *err)
{
    return dg__model_each(store, fn, ctx, err);
}
