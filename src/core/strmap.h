/* Private to the library: a string -> uint32 hash map (open addressing, linear probing, FNV-1a)
 * whose keys are borrowed from an owner that outlives the map (a dictionary's values, the
 * frame's customer ids, a string arena), and a bump allocator for such keys. The frame's
 * dictionaries are built on it (frame/dict.h). The import keeps its own key set
 * (ingest/keyset.h: keys of any bytes, owned by the set, in less than half the memory) and the
 * CLV log reader its id index (ingest/clv_files.c: 4-byte slots into one block of ids), both
 * measured against this map (BENCHMARKS.md, "Key sets"). */
#ifndef DANGOL_CORE_STRMAP_H
#define DANGOL_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>


typedef struct dg__strmap dg__strmap;

dg__strmap *dg__strmap_new(void);
/* A map sized for n keys, so adding them never grows it. NULL on out of memory. */
dg__strmap *dg__strmap_new_sized(size_t n);
void dg__strmap_free(dg__strmap *m);
/* Value of key, or -1. */
int64_t dg__strmap_get(const dg__strmap *m, const char *key);
/* Adds key (borrowed, must not be present). 0 or DG_ENOMEM. */
int dg__strmap_put(dg__strmap *m, const char *key, uint32_t value);
/* Adds key (borrowed) unless it is present, in one probe: 0, DG_EEXIST (nothing added) or
 * DG_ENOMEM. */
int dg__strmap_put_new(dg__strmap *m, const char *key, uint32_t value);
/* A new map holding the keys of m renumbered: each key whose value v has to[v] != UINT32_MAX, as
 * the key keys[to[v]] (borrowed) with the value to[v]; n_kept of them. The hashes m keeps are
 * reused, so no key is hashed or even read again (m's keys may be freed already). NULL on out
 * of memory. */
dg__strmap *dg__strmap_renumbered(const dg__strmap *m, const uint32_t *to, size_t n_kept,
                                  char *const *keys);

/* Index of key among n strings in increasing strcmp order, by halves, or -1: string i is the
 * char * at byte offset `at` of the i-th element of size `size` from base (an array of ids, or
 * of records holding one). */
int64_t dg__sorted_find(const void *base, size_t n, size_t size, size_t at, const char *key);

/* A bump allocator for many small strings freed together. */
typedef struct dg__arena {
    struct dg__arena_block *head;
} dg__arena;
char *dg__arena_strdup(dg__arena *a, const char *s);   /* NULL on out of memory */
void dg__arena_free(dg__arena *a);

#endif
