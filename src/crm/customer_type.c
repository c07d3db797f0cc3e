/* Staff set a customer's consultation type (include/dangol/customer.h): the type checked against
 * the types file, the optional compare-and-set on the type the caller last read, the one-column
 * write and its audit entry, all in one write transaction (BEGIN IMMEDIATE on SQLite), so a
 * concurrent change is a DG_ECONFLICT, never a lost update. */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "auth/audit_write.h"
#include "dangol/consult.h"
#include "dangol/customer.h"
#include "dangol/entity.h"
#include "dangol/store.h"

typedef struct stored_type {
    bool found;
    char type[32];
} stored_type;

static int read_type(void *ctx, const dg_value *row)
{
    stored_type *s = ctx;
    const dg_entity *e = dg_entity_find("customers");
    const dg_value *v = &row[dg_entity_column(e, "customer_type")];
    s->found = true;
    snprintf(s->type, sizeof s->type, "%s", v->is_null ? "" : v->u.s);
    return 1;   /* one customer */
}

static json_t *type_json(const char *type)
{
    return json_pack("{s:o}", "customer_type", *type ? json_string(type) : json_null());
}

/* The checks and the write, inside the transaction. */
static int set_type(dg_store *store, const dg_customer_type_request *r, const char *type,
                    char previous[32], dg_error *err)
{
    const dg_entity *e = dg_entity_find("customers");
    stored_type now = { 0 };
    dg_scan_filter by_key = { .key = r->customer_id };
    int rc = dg_store_scan(store, e, &by_key, read_type, &now, err);
    if (rc < 0)
        return rc;
    if (!now.found)
        return dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", r->customer_id);
    snprintf(previous, 32, "%s", now.type);
    const char *expected = r->expected_type ? r->expected_type : "";
    if (r->check_expected && strcmp(expected, now.type) != 0)
        return dg_error_set(err, DG_ECONFLICT, "customer \"%s\" has type \"%s\", not \"%s\": "
                            "another write changed it; read it again", r->customer_id,
                            *now.type ? now.type : "(none)", *expected ? expected : "(none)");
    dg_value row[64] = { { 0 } };
    assert(e->n_columns <= 64);
    int column = dg_entity_column(e, "customer_type");
    row[0].u.s = r->customer_id;
    row[column].is_null = !*type;
    row[column].u.s = type;
    if ((rc = dg_store_put_columns(store, e, row, (uint64_t)1 << column, err)) != 0)
        return rc;
    const char *customer = r->customer_id;
    return dg__audit_write(store, r->audit, DG_AUDIT_CUSTOMER_UPDATE, &customer, 1,
                           json_pack("{s:o, s:o, s:s}", "before", type_json(now.type), "after",
                                     type_json(type), "via", "set-type"), err);
}

int dg_customer_set_type(dg_store *store, const dg_customer_type_request *r, char previous[32],
                         dg_error *err)
{
    previous[0] = '\0';
    const char *type = r->type ? r->type : "";
    if (!r->customer_id || !*r->customer_id)
        return dg_error_set(err, DG_EINVAL, "no customer id");
    if (*type && !dg_consult_types_find(r->types, type)) {
        char valid[400] = "";
        size_t used = 0;
        for (size_t i = 0; r->types && i < r->types->n_types && used < sizeof valid; i++)
            used += (size_t)snprintf(valid + used, sizeof valid - used, "%s%s", i ? ", " : "",
                                     r->types->types[i].code);
        return dg_error_set(err, DG_EINVAL, "unknown consultation type \"%s\"; valid: %s",
                            type, valid);
    }
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    if ((rc = set_type(store, r, type, previous, err)) != 0) {
        dg_store_rollback(store);
        return rc;
    }
    return dg_store_commit(store, err);
}
