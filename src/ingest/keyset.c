/* The import key set (see keyset.h). Slots hold the top 32 bits of a 64-bit hash and an arena
 * offset; a key's home slot is taken from those same bits, so the table doubles (at 70% load)
 * from the slots alone, without reading back and hashing every key in the arena (a cache miss
 * each). A lookup compares the stored hash bits first and the key bytes only on a match. */
#include <stdlib.h>
#include <string.h>

#include "dangol/error.h"
#include "ingest/keyset.h"

struct dg__keyset {
    uint64_t *slots;      /* (hash >> 32) << 32 | arena offset; 0 = empty */
    size_t mask, used;
    char *arena;          /* entries: u32 value, u32 length, key bytes; offset 0 unused */
    size_t arena_len, arena_cap;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;   /* FNV-1a style, then a final mix */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3ull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return h;
}

dg__keyset *dg__keyset_new(void)
{
    dg__keyset *ks = calloc(1, sizeof *ks);
    if (!ks)
        return NULL;
    ks->mask = 1023;
    ks->slots = calloc(ks->mask + 1, sizeof *ks->slots);
    ks->arena_cap = 1 << 16;
    ks->arena = malloc(ks->arena_cap);
    ks->arena_len = 8;
    if (!ks->slots || !ks->arena) {
        dg__keyset_free(ks);
        return NULL;
    }
    return ks;
}

void dg__keyset_free(dg__keyset *ks)
{
    if (!ks)
        return;
    free(ks->slots);
    free(ks->arena);
    free(ks);
}

static uint32_t entry_len(const dg__keyset *ks, size_t off)
{
    uint32_t len;
    memcpy(&len, ks->arena + off + 4, 4);
    return len;
}

/* The home slot of a key whose hash (or slot) has these top 32 bits; arena offsets are 32-bit,
 * so the table never needs more than 2^32 slots. */
static size_t home(uint64_t h, size_t mask)
{
    return (size_t)(h >> 32) & mask;
}

static int grow(dg__keyset *ks)
{
    size_t mask = ks->mask * 2 + 1;
    uint64_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return DG_ENOMEM;
    for (size_t i = 0; i <= ks->mask; i++) {
        uint64_t s = ks->slots[i];
        if (!s)
            continue;
        size_t j = home(s, mask);
        while (slots[j])
            j = (j + 1) & mask;
        slots[j] = s;
    }
    free(ks->slots);
    ks->slots = slots;
    ks->mask = mask;
    return 0;
}

/* The key's entry (arena offset), or 0 with *slot = the empty slot where it would go. */
static size_t probe(const dg__keyset *ks, const char *key, size_t len, uint64_t h, size_t *slot)
{
    uint64_t tag = h >> 32 << 32;
    size_t i = home(h, ks->mask);
    for (uint64_t s; (s = ks->slots[i]) != 0; i = (i + 1) & ks->mask) {
        if ((s & 0xFFFFFFFF00000000ull) != tag)
            continue;
        size_t off = (size_t)(uint32_t)s;
        if (entry_len(ks, off) == len && memcmp(ks->arena + off + 8, key, len) == 0)
            return off;
    }
    *slot = i;
    return 0;
}

void dg__keyset_prefetch(const dg__keyset *ks, const char *key, size_t len)
{
    __builtin_prefetch(&ks->slots[home(hash_bytes(key, len), ks->mask)]);
}

uint32_t *dg__keyset_find(const dg__keyset *ks, const char *key, size_t len)
{
    size_t slot;
    size_t off = probe(ks, key, len, hash_bytes(key, len), &slot);
    return off ? (uint32_t *)(void *)(ks->arena + off) : NULL;
}

int dg__keyset_add(dg__keyset *ks, const char *key, size_t len, uint32_t value, uint32_t **stored)
{
    uint64_t h = hash_bytes(key, len);
    uint64_t tag = h >> 32 << 32;
    size_t i;
    size_t found = probe(ks, key, len, h, &i);
    if (found) {
        *stored = (uint32_t *)(void *)(ks->arena + found);
        return 1;
    }
    size_t need = ks->arena_len + 8 + len;
    if (need > UINT32_MAX || len > UINT32_MAX)
        return DG_ENOMEM;
    if (need > ks->arena_cap) {
        size_t cap = ks->arena_cap * 2;
        while (cap < need)
            cap *= 2;
        char *a = realloc(ks->arena, cap);
        if (!a)
            return DG_ENOMEM;
        ks->arena = a;
        ks->arena_cap = cap;
    }
    size_t off = ks->arena_len;
    uint32_t len32 = (uint32_t)len;
    memcpy(ks->arena + off, &value, 4);
    memcpy(ks->arena + off + 4, &len32, 4);
    memcpy(ks->arena + off + 8, key, len);
    ks->arena_len = (need + 3) & ~(size_t)3;   /* keep values 4-byte aligned */
    ks->slots[i] = tag | off;
    *stored = (uint32_t *)(void *)(ks->arena + off);
    if (++ks->used * 10 > (ks->mask + 1) * 7 && grow(ks) != 0)
        return DG_ENOMEM;
    return 0;
}

typedef struct loading {
    dg__keyset *keys;
    size_t n, max;
} loading;

#define TOO_MANY 1   /* stops dg_store_keys; not an error */

static int add_key(void *ctx, const char *key, size_t len)
{
    loading *l = ctx;
    uint32_t *value;
    if (++l->n > l->max)
        return TOO_MANY;
    return dg__keyset_add(l->keys, key, len, 1, &value) < 0 ? DG_ENOMEM : 0;
}

int dg__keyset_of(dg_store *store, const dg_entity *e, size_t max_keys, dg__keyset **out,
                  dg_error *err)
{
    loading l = { .keys = dg__keyset_new(), .max = max_keys };
    *out = NULL;
    if (!l.keys)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg_store_keys(store, e, add_key, &l, err);
    if (rc != 0)
        dg__keyset_free(l.keys);
    if (rc == TOO_MANY)
        return 0;
    if (rc == DG_ENOMEM)
        return dg_error_set(err, rc, "out of memory");
    if (rc == 0)
        *out = l.keys;
    return rc;
}
