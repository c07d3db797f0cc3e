/* A set of byte-string keys with a 32-bit value each, for one import: which natural keys a file has
 * already given (value = the line they were first on), how often a (customer, time) pair has
 * occurred (value = count), and the keys of an entity an import refers to (dg__keyset_of). Open addressing
 * over 8-byte slots (32 bits of hash, 32-bit offset into an append-only arena holding value,
 * length and key bytes): about 8 bytes per slot plus the keys, so ten million keys fit in a few
 * hundred MB. Private to src/ingest. */
#ifndef DANGOL_INGEST_KEYSET_H
#define DANGOL_INGEST_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/store.h"

typedef struct dg__keyset dg__keyset;

/* Caller frees with dg__keyset_free. NULL on out of memory. */
dg__keyset *dg__keyset_new(void);
void dg__keyset_free(dg__keyset *ks);  /* NULL is a no-op */

/* Finds key; when absent adds it with value. Returns 1 if it was there, 0 if added, DG_ENOMEM.
 * *stored points at the key's value (valid until the next add). */
int dg__keyset_add(dg__keyset *ks, const char *key, size_t len, uint32_t value, uint32_t **stored);
/* Starts loading the key's slot into the CPU cache, for an add or find a little later: in a set
 * bigger than the cache, that miss is most of a look-up's cost. */
void dg__keyset_prefetch(const dg__keyset *ks, const char *key, size_t len);
/* The key's value, or NULL when the key is not in the set. */
uint32_t *dg__keyset_find(const dg__keyset *ks, const char *key, size_t len);

/* The keys of e (single-column keys) as read from the store now, into *out (caller frees), or
 * *out = NULL when e has more than max_keys records (then they are not worth holding). */
int dg__keyset_of(dg_store *store, const dg_entity *e, size_t max_keys, dg__keyset **out,
                  dg_error *err);

#endif
