/* Routes about the server and the store itself: the OpenAPI document, versions, what the
 * store holds (the same numbers as `dangol stats`), the vocabulary of names the dashboard
 * labels everything with, and the cube's catalog of dimensions and measures. */
#include <stdio.h>

#include "dangol/cube.h"
#include "dangol/frame_snapshots.h"
#include "dangol/text.h"
#include "dangol/vocab.h"
#include "server/server.h"

void dg_api_openapi(dg_request *req, dg_response *res)
{
    (void)req;
    dg_reply_json(res, 200, dg_server_openapi());
}

void dg_api_version(dg_request *req, dg_response *res)
{
    dg_reply_json(res, 200, json_pack("{s:s,s:i,s:i}", "version", DANGOL_VERSION, "schema",
                                      dg_store_schema_version(req->store), "schema_latest",
                                      dg_store_schema_latest()));
}

/* The frame snapshot's state, as `dangol stats` says it (docs/snapshot.md): "current" (with the
 * bytes of the current snapshots), "out of date" or "none"; the store's generation and dirty flag,
 * and each saved snapshot. NULL (and err set) when the state cannot be read. */
static json_t *snapshot_json(dg_store *store, dg_error *err)
{
    dg_frame_snapshot_status status[8];
    int64_t generation, bytes = 0;
    bool dirty;
    size_t n = 0, current = 0;
    char day[16];
    if (dg_frame_snapshots(store, &generation, &dirty, status, 8, &n, err) != 0)
        return NULL;
    json_t *saved = json_array();
    for (size_t i = 0; i < n; i++) {
        const dg_store_snapshot *s = &status[i].saved;
        if (status[i].current) {
            current++;
            bytes += s->bytes;
        }
        json_array_append_new(
            saved, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:I}", "snapshot", s->variant,
                             "state", status[i].current ? "current" : "out of date", "generation",
                             (json_int_t)s->generation, "bytes", (json_int_t)s->bytes, "chunks",
                             (json_int_t)s->chunks, "customers", (json_int_t)s->customers,
                             "orders", (json_int_t)s->orders, "lines", (json_int_t)s->lines,
                             "as_of", dg_date_format(s->as_of, day), "appended_bytes",
                             (json_int_t)status[i].delta_bytes));
    }
    return json_pack("{s:s,s:I,s:I,s:b,s:o}", "state",
                     current ? "current" : n ? "out of date" : "none", "bytes",
                     (json_int_t)bytes, "generation", (json_int_t)generation, "dirty", dirty,
                     "snapshots", saved);
}

void dg_api_stats(dg_request *req, dg_response *res)
{
    dg_entity_stats stats[32];
    dg_error err;
    char code[4], day[16];
    int digits;
    size_t n_entities;
    dg_entity_all(&n_entities);
    dg_error_clear(&err);
    if (n_entities > sizeof stats / sizeof stats[0] ||
        dg_store_currency(req->store, code, &digits, &err) != 0 ||
        dg_store_stats(req->store, stats, &err) != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    json_t *snapshot = snapshot_json(req->store, &err);
    if (!snapshot) {
        dg_reply_failure(res, &err);
        return;
    }
    json_t *entities = json_array();
    for (size_t i = 0; i < n_entities; i++) {
        json_t *e = json_pack("{s:s,s:I}", "entity", stats[i].entity->name, "records",
                              (json_int_t)stats[i].count);
        json_object_set_new(e, "first", stats[i].has_range
                                            ? json_string(dg_date_format(stats[i].first_day, day))
                                            : json_null());
        json_object_set_new(e, "last", stats[i].has_range
                                           ? json_string(dg_date_format(stats[i].last_day, day))
                                           : json_null());
        json_array_append_new(entities, e);
    }
    dg_reply_json(res, 200, json_pack("{s:s,s:i,s:o,s:o}", "currency", code, "minor_digits",
                                      digits, "entities", entities, "snapshot", snapshot));
}

void dg_api_vocabulary(dg_request *req, dg_response *res)
{
    (void)req;
    json_t *domains = json_object();
    const dg_vocab_entry *e;
    for (size_t i = 0; domains && (e = dg_vocab_at(i)) != NULL; i++) {
        json_t *domain = json_object_get(domains, e->domain);
        if (!domain) {
            domain = json_object();
            json_object_set_new(domains, e->domain, domain);
        }
        json_object_set_new(domain, e->code, json_pack("{s:s,s:s}", "en", e->en, "ko", e->ko));
    }
    json_t *columns = json_object();
    const char *column, *domain_name;
    for (size_t i = 0; columns && (column = dg_vocab_column_at(i, &domain_name)) != NULL; i++)
        json_object_set_new(columns, column, json_string(domain_name));
    dg_reply_json(res, 200, json_pack("{s:o,s:o}", "domains", domains, "columns", columns));
}

static const char *grain_name(dg_cube_key key)
{
    switch (key) {
    case DG_CUBE_KEY_ORDER: return "order";
    case DG_CUBE_KEY_CUSTOMER: return "customer";
    case DG_CUBE_KEY_DAY: return "day";
    case DG_CUBE_KEY_PRODUCT: return "product";
    }
    return "order";
}

void dg_api_cube_dimensions(dg_request *req, dg_response *res)
{
    (void)req;
    size_t n_dims;
    const dg_cube_dim_spec *dims = dg_cube_frame_dims(&n_dims);
    json_t *dimensions = json_array(), *measures = json_array();
    for (size_t i = 0; i < n_dims; i++)
        json_array_append_new(dimensions, json_pack("{s:s,s:s?,s:s}", "name", dims[i].name,
                                                    "parent", dims[i].parent, "grain",
                                                    grain_name(dims[i].key)));
    for (int m = 0; m < DG_CUBE_N_MEASURES; m++)
        json_array_append_new(measures, json_string(dg_cube_measure_name((dg_cube_measure)m)));
    dg_reply_json(res, 200, json_pack("{s:o,s:o}", "dimensions", dimensions, "measures", measures));
}
