/* The stored models on a PostgreSQL store (schema/pg/0015_models.sql; the SQLite side is
 * models_sqlite.c). A model's bytes travel as hex text (encode/decode), and a list reads each
 * model's validation AUC out of its metrics JSON with jsonb's operators, where SQLite uses
 * json_extract: the listing never loads the bytes on either. A model is only ever inserted
 * (its id from the identity column), so two trainings at once store two models; a retried one
 * is replayed by its Idempotency-Key (store/stmt.h). */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "store/models_postgres.h"

/* validated: the JSON's true; auc: NULL when the metrics have none for the algorithm. */
#define INFO_COLUMNS "model_id, kind, algorithm, as_of, horizon_days, n_customers, created_at, " \
    "created_by, length(model), CAST(metrics AS jsonb) ->> 'validated', " \
    "CAST(metrics AS jsonb) #>> ARRAY['validation', algorithm, 'auc']"

static void copy_text(char *out, size_t cap, const PGresult *res, int r, int c)
{
    snprintf(out, cap, "%s", PQgetvalue(res, r, c));
}

static void read_info(dg_model_info *info, const PGresult *res, int r)
{
    memset(info, 0, sizeof *info);
    info->model_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
    copy_text(info->kind, sizeof info->kind, res, r, 1);
    copy_text(info->algorithm, sizeof info->algorithm, res, r, 2);
    info->as_of = (int32_t)strtol(PQgetvalue(res, r, 3), NULL, 10);
    info->horizon_days = (int)strtol(PQgetvalue(res, r, 4), NULL, 10);
    info->n_customers = strtoll(PQgetvalue(res, r, 5), NULL, 10);
    info->created_at = strtoll(PQgetvalue(res, r, 6), NULL, 10);
    copy_text(info->created_by, sizeof info->created_by, res, r, 7);
    info->n_bytes = strtoll(PQgetvalue(res, r, 8), NULL, 10);
    info->validated = strcmp(PQgetvalue(res, r, 9), "true") == 0;
    info->auc = PQgetisnull(res, r, 10) ? 0 : strtod(PQgetvalue(res, r, 10), NULL);
}

int dg__pg_model_insert(dg_pg *pg, const dg__model_row *r, int64_t *id, dg_error *err)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = (size_t)r->info.n_bytes;
    char *hex = malloc(2 * n + 1);
    if (!hex)
        return dg_error_set(err, DG_ENOMEM, "out of memory storing a model");
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[r->bytes[i] >> 4];
        hex[2 * i + 1] = digits[r->bytes[i] & 15];
    }
    hex[2 * n] = '\0';
    dg__pg_number as_of, horizon, customers, at;
    const char *params[] = { r->info.kind, r->info.algorithm, dg__pg_int(as_of, r->info.as_of),
                             dg__pg_int(horizon, r->info.horizon_days), r->params, r->features,
                             r->metrics, hex, dg__pg_int(customers, r->info.n_customers),
                             dg__pg_int(at, r->info.created_at), r->info.created_by };
    int rc = dg__pg_scalar(pg, "INSERT INTO models (kind, algorithm, as_of, horizon_days, params, "
                           "features, metrics, model, n_customers, created_at, created_by) VALUES "
                           "($1, $2, $3, $4, $5, $6, $7, decode($8, 'hex'), $9, $10, $11) "
                           "RETURNING model_id", 11, params, id, "storing a model", err);
    free(hex);
    return rc;
}

/* The bytes of a hex text into a new buffer of *n bytes (NULL when out of memory). */
static unsigned char *bytes_of_hex(const char *hex, int64_t *n)
{
    size_t len = strlen(hex) / 2;
    unsigned char *bytes = malloc(len ? len : 1);
    for (size_t i = 0; bytes && i < len; i++) {
        char pair[3] = { hex[2 * i], hex[2 * i + 1], '\0' };
        bytes[i] = (unsigned char)strtoul(pair, NULL, 16);
    }
    *n = (int64_t)len;
    return bytes;
}

int dg__pg_model_get(dg_pg *pg, const char *kind, int64_t id, dg__model_row *r, dg_error *err)
{
    dg__pg_number model;
    const char *params[] = { kind, dg__pg_int(model, id) };
    PGresult *res = NULL;
    memset(r, 0, sizeof *r);
    int rc = dg__pg_one_row(pg, "SELECT " INFO_COLUMNS ", params, features, metrics, "
                            "encode(model, 'hex') FROM models WHERE kind = $1 AND "
                            "(CAST($2 AS bigint) = 0 OR model_id = CAST($2 AS bigint)) "
                            "ORDER BY model_id DESC LIMIT 1", 2, params, &res,
                            "reading a model", err);
    if (rc == 0)
        return DG_ENOTFOUND;
    if (rc < 0)
        return rc;
    read_info(&r->info, res, 0);
    r->params = strdup(PQgetvalue(res, 0, 11));
    r->features = strdup(PQgetvalue(res, 0, 12));
    r->metrics = strdup(PQgetvalue(res, 0, 13));
    r->bytes = bytes_of_hex(PQgetvalue(res, 0, 14), &r->info.n_bytes);
    PQclear(res);
    if (!r->params || !r->features || !r->metrics || !r->bytes) {
        dg__model_row_free(r);
        return dg_error_set(err, DG_ENOMEM, "out of memory reading a model");
    }
    return 0;
}

int dg__pg_model_each(dg_pg *pg, dg_model_fn fn, void *ctx, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT " INFO_COLUMNS " FROM models ORDER BY model_id DESC", 0,
                         NULL, &res, "listing the models", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg_model_info info;
        read_info(&info, res, r);
        rc = fn(ctx, &info);
    }
    PQclear(res);
    return rc;
}
