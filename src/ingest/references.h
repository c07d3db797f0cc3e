/* The references an import checks itself (its transaction runs with the store's own foreign-key
 * checks off): per catalog column of the imported entity, the entity it refers to and, once the
 * import is known to be big, that entity's keys held in memory. Private to src/ingest. */
#ifndef DANGOL_INGEST_REFERENCES_H
#define DANGOL_INGEST_REFERENCES_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/store.h"
#include "ingest/columns.h"
#include "ingest/keyset.h"

typedef struct dg__references {
    dg_store *store;
    size_t n_columns;
    const dg_entity *target[DG__MAX_COLUMNS];  /* what column c refers to, or NULL */
    dg__keyset *keys[DG__MAX_COLUMNS];         /* its keys in memory (columns with one target
                                                * share a set), or NULL = ask the store */
} dg__references;

/* The references of e's columns, checked against store. Free with dg__references_free. */
void dg__references_init(dg__references *r, dg_store *store, const dg_entity *e);
void dg__references_free(dg__references *r);

/* Reads each referenced entity's keys into memory, unless it has more than max_keys records.
 * Call inside the import's write transaction, whose lock keeps the keys from changing. */
int dg__references_load(dg__references *r, size_t max_keys, dg_error *err);

/* Does key, the value of column c, exist? 1 yes, 0 no, or a negative error. With create, a
 * missing one is created (dg_store_ensure) and the answer is 1. */
int dg__references_check(dg__references *r, size_t c, const char *key, bool create,
                         dg_error *err);

/* Starts loading key's slot into the CPU cache, for a check a little later. */
void dg__references_prefetch(const dg__references *r, size_t c, const char *key);

#endif
