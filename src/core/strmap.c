/* The string hash map and the string arena (see strmap.h). The map keeps the 32-bit hash beside
 * each slot so probing compares strings only on a hash match; it doubles at 50% load, so a probe
 * is short and lookups of 10 M order ids stay O(1). */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "dangol/error.h"

typedef struct {
    const char *key;   /* NULL = empty slot */
    uint32_t hash;
    uint32_t value;
} slot;

struct dg__strmap {
    slot *slots;
    size_t cap;        /* power of two */
    size_t n;
};

static uint32_t hash_of(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

dg__strmap *dg__strmap_new_sized(size_t n)
{
    dg__strmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    for (m->cap = 64; m->cap < 2 * (n + 1); m->cap *= 2)
        ;
    if (!(m->slots = calloc(m->cap, sizeof *m->slots))) {
        free(m);
        return NULL;
    }
    return m;
}

dg__strmap *dg__strmap_new(void)
{
    return dg__strmap_new_sized(0);
}

void dg__strmap_free(dg__strmap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

int64_t dg__strmap_get(const dg__strmap *m, const char *key)
{
    uint32_t h = hash_of(key);
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const slot *s = &m->slots[i];
        if (!s->key)
            return -1;
        if (s->hash == h && strcmp(s->key, key) == 0)
            return s->value;
    }
}

static void insert(slot *slots, size_t cap, const char *key, uint32_t h, uint32_t value)
{
    size_t mask = cap - 1;
    size_t i = h & mask;
    while (slots[i].key)
        i = (i + 1) & mask;
    slots[i] = (slot){ key, h, value };
}

/* Doubles the map when one more key would take it past half full. 0 or DG_ENOMEM. */
static int room_for_one(dg__strmap *m)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap * 2;
        slot *grown = calloc(cap, sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                insert(grown, cap, m->slots[i].key, m->slots[i].hash, m->slots[i].value);
        free(m->slots);
        m->slots = grown;
        m->cap = cap;
    }
    return 0;
}

int dg__strmap_put(dg__strmap *m, const char *key, uint32_t value)
{
    if (room_for_one(m) != 0)
        return DG_ENOMEM;
    insert(m->slots, m->cap, key, hash_of(key), value);
    m->n++;
    return 0;
}

int dg__strmap_put_new(dg__strmap *m, const char *key, uint32_t value)
{
    if (room_for_one(m) != 0)
        return DG_ENOMEM;
    uint32_t h = hash_of(key);
    size_t mask = m->cap - 1, i = h & mask;
    for (; m->slots[i].key; i = (i + 1) & mask)
        if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0)
            return DG_EEXIST;
    m->slots[i] = (slot){ key, h, value };
    m->n++;
    return 0;
}

dg__strmap *dg__strmap_renumbered(const dg__strmap *m, const uint32_t *to, size_t n_kept,
                                  char *const *keys)
{
    dg__strmap *r = dg__strmap_new_sized(n_kept);
    if (!r)
        return NULL;
    for (size_t i = 0; i < m->cap; i++) {
        const slot *s = &m->slots[i];
        if (s->key && to[s->value] != UINT32_MAX) {
            insert(r->slots, r->cap, keys[to[s->value]], s->hash, to[s->value]);
            r->n++;
        }
    }
    return r;
}

struct dg__arena_block {
    struct dg__arena_block *next;
    size_t used, cap;
    char data[];
};

char *dg__arena_strdup(dg__arena *a, const char *s)
{
    size_t len = strlen(s) + 1;
    struct dg__arena_block *b = a->head;
    if (!b || b->cap - b->used < len) {
        size_t cap = len > 1 << 20 ? len : 1 << 20;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    char *out = b->data + b->used;
    memcpy(out, s, len);
    b->used += len;
    return out;
}

void dg__arena_free(dg__arena *a)
{
    while (a->head) {
        struct dg__arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

int64_t dg__sorted_find(const void *base, size_t n, size_t size, size_t at, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = *(const char *const *)((const char *)base + mid * size + at);
        int cmp = strcmp(s, key);
        if (cmp == 0)
            return (int64_t)mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
