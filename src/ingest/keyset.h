/* A set of byte-string keys with a 32-bit value each, for one import: which natural keys a file has
 * already given (value = the line they were first on) and how often a (customer, time) pair has
 * occurred (value = count). Open addressing over 8-byte slots (32 bits of hash, 32-bit offset into
 * an append-only arena holding value, length and key bytes): about 8 bytes per slot plus the keys,
 * so ten million keys fit in a few hundred MB. Private to src/ingest. */
#ifndef DANGOL_INGEST_KEYSET_H
#define DANGOL_INGEST_KEYSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct dg__keyset dg__keyset;

/* Caller frees with dg__keyset_free. NULL on out of memory. */
dg__keyset *dg__keyset_new(void);
void dg__keyset_free(dg__keyset *ks);  /* NULL is a no-op */

/* Finds key; when absent adds it with value. Returns 1 if it was there, 0 if added, DG_ENOMEM.
 * *stored points at the key's value (valid until the next add). */
int dg__keyset_add(dg__keyset *ks, const char *key, size_t len, uint32_t value, uint32_t **stored);

#endif
