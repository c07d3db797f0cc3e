/* The stored models' SQL (src/store/models.h, schema/0015_models.sql). Listing reads each
 * model's validation AUC out of its metrics JSON (SQLite's json_extract), so a list never loads
 * the model bytes. Every statement binds its values. A PostgreSQL store's calls go to
 * models_postgres.c. */
#include <stdlib.h>
#include <string.h>

#include "store/models.h"
#include "store/models_postgres.h"
#include "store/snapshot.h"
#include "store/stmt.h"

int dg__model_insert(dg_store *s, const dg__model_row *r, int64_t *id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_model_insert(dg__store_pg(s), r, id, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO models (kind, algorithm, as_of, horizon_days, "
                                 "params, features, metrics, model, n_customers, created_at, "
                                 "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st,
                                 err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, r->info.kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->info.algorithm, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, r->info.as_of);
    sqlite3_bind_int(st, 4, r->info.horizon_days);
    sqlite3_bind_text(st, 5, r->params, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->features, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->metrics, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 8, r->bytes, (sqlite3_uint64)r->info.n_bytes, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, r->info.n_customers);
    sqlite3_bind_int64(st, 10, r->info.created_at);
    sqlite3_bind_text(st, 11, r->info.created_by, -1, SQLITE_STATIC);
    rc = dg__stmt_run(s, st, "storing a model", err);
    dg__store_statement_done(s, st);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(dg__store_db(s));
    return rc;
}

#define INFO_COLUMNS "model_id, kind, algorithm, as_of, horizon_days, n_customers, created_at, " \
                     "created_by, length(model), coalesce(json_extract(metrics, '$.validated'), " \
                     "0), coalesce(json_extract(metrics, '$.validation.' || algorithm || " \
                     "'.auc'), 0)"

static void read_info(dg_model_info *info, sqlite3_stmt *st)
{
    memset(info, 0, sizeof *info);
    info->model_id = sqlite3_column_int64(st, 0);
    dg__stmt_copy_text(info->kind, sizeof info->kind, st, 1);
    dg__stmt_copy_text(info->algorithm, sizeof info->algorithm, st, 2);
    info->as_of = sqlite3_column_int(st, 3);
    info->horizon_days = sqlite3_column_int(st, 4);
    info->n_customers = sqlite3_column_int64(st, 5);
    info->created_at = sqlite3_column_int64(st, 6);
    dg__stmt_copy_text(info->created_by, sizeof info->created_by, st, 7);
    info->n_bytes = sqlite3_column_int64(st, 8);
    info->validated = sqlite3_column_int(st, 9) != 0;
    info->auc = sqlite3_column_double(st, 10);
}

static char *text_copy(sqlite3_stmt *st, int column)
{
    const unsigned char *t = sqlite3_column_text(st, column);
    return strdup(t ? (const char *)t : "");
}

void dg__model_row_free(dg__model_row *r)
{
    free(r->params);
    free(r->features);
    free(r->metrics);
    free(r->bytes);
    memset(r, 0, sizeof *r);
}

int dg__model_get(dg_store *s, const char *kind, int64_t id, dg__model_row *r, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    memset(r, 0, sizeof *r);
    if (dg__store_pg(s))
        return dg__pg_model_get(dg__store_pg(s), kind, id, r, err);
    int rc = dg__store_statement(s, "SELECT " INFO_COLUMNS ", params, features, metrics, model "
                                 "FROM models WHERE kind = ?1 AND (?2 = 0 OR model_id = ?2) "
                                 "ORDER BY model_id DESC LIMIT 1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    rc = dg__stmt_step(s, st, "reading a model", err);
    if (rc == 1) {
        read_info(&r->info, st);
        int n = sqlite3_column_bytes(st, 14);
        const void *blob = sqlite3_column_blob(st, 14);
        r->params = text_copy(st, 11);
        r->features = text_copy(st, 12);
        r->metrics = text_copy(st, 13);
        r->bytes = malloc(n > 0 ? (size_t)n : 1);
        if (!r->params || !r->features || !r->metrics || !r->bytes) {
            dg__model_row_free(r);
            rc = dg_error_set(err, DG_ENOMEM, "out of memory reading a model");
        } else {
            if (n > 0)
                memcpy(r->bytes, blob, (size_t)n);
            r->info.n_bytes = n;
            rc = 0;
        }
    } else if (rc == 0) {
        rc = DG_ENOTFOUND;
    }
    dg__store_statement_done(s, st);
    return rc;
}

typedef struct each_ctx {
    dg_model_fn fn;
    void *ctx;
} each_ctx;

static int each_row(void *ctx, sqlite3_stmt *st)
{
    each_ctx *c = ctx;
    dg_model_info info;
    read_info(&info, st);
    return c->fn(c->ctx, &info);
}

int dg__model_each(dg_store *s, dg_model_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_model_each(dg__store_pg(s), fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT " INFO_COLUMNS " FROM models ORDER BY model_id DESC",
                                 &st, err);
    if (rc != 0)
        return rc;
    each_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, each_row, &c, "listing the models", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__model_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                          int64_t *model_id, dg_error *err)
{
    return dg__stmt_request_id_get(s, "model_requests", "model_id", key, fingerprint, cap,
                                   model_id, err);
}

int dg__model_request_put(dg_store *s, const char *key, const char *fingerprint,
                          int64_t model_id, int64_t now, dg_error *err)
{
    return dg__stmt_request_put(s, "model_requests", "model_id", key, fingerprint, NULL, model_id, now,
                                err);
}
