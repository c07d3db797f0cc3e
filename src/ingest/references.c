/* References checked by the importer (references.h): exactly, by a key look-up in the store, or,
 * once the import is known to be big, against the referenced entity's keys read into memory
 * inside the write transaction. A hash probe costs a fraction of the B-tree descent SQLite's
 * foreign keys make per row. */
#include <string.h>

#include "ingest/references.h"

void dg__references_init(dg__references *r, dg_store *store, const dg_entity *e)
{
    memset(r, 0, sizeof *r);
    r->store = store;
    r->n_columns = e->n_columns;
    for (size_t c = 0; c < e->n_columns; c++)
        if (e->columns[c].references)
            r->target[c] = dg_entity_find(e->columns[c].references);
}

void dg__references_free(dg__references *r)
{
    for (size_t c = 0; c < r->n_columns; c++) {
        bool shared = false;
        for (size_t k = 0; k < c; k++)
            shared = shared || (r->keys[k] && r->keys[k] == r->keys[c]);
        if (!shared)
            dg__keyset_free(r->keys[c]);
        r->keys[c] = NULL;
    }
}

int dg__references_load(dg__references *r, size_t max_keys, dg_error *err)
{
    for (size_t c = 0; c < r->n_columns; c++) {
        bool seen = false;
        for (size_t k = 0; k < c; k++)
            seen = seen || r->target[k] == r->target[c];
        if (!r->target[c] || seen)
            continue;
        int rc = dg__keyset_of(r->store, r->target[c], max_keys, &r->keys[c], err);
        if (rc != 0)
            return rc;
        for (size_t k = c + 1; k < r->n_columns; k++)
            if (r->target[k] == r->target[c])
                r->keys[k] = r->keys[c];
    }
    return 0;
}

int dg__references_check(dg__references *r, size_t c, const char *key, bool create,
                         dg_error *err)
{
    size_t len = strlen(key);
    bool found = false;
    int rc = 0;
    if (r->keys[c])
        found = dg__keyset_find(r->keys[c], key, len) != NULL;
    else if ((rc = dg_store_exists(r->store, r->target[c], key, &found, err)) != 0)
        return rc;
    if (found || !create)
        return found;
    if ((rc = dg_store_ensure(r->store, r->target[c], key, err)) != 0)
        return rc;
    uint32_t *value;
    if (r->keys[c] && dg__keyset_add(r->keys[c], key, len, 1, &value) < 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    return 1;
}

void dg__references_prefetch(const dg__references *r, size_t c, const char *key)
{
    if (r->keys[c])
        dg__keyset_prefetch(r->keys[c], key, strlen(key));
}
