/* Would the frame's string map (core/strmap.h) serve the import's key sets (ingest/keyset.h)?
 * Runs the import's two key workloads through either structure, one per process so that peak RSS
 * is the structure's own: N order ids "O%09u" as the import's duplicate check sees them (each
 * read into a reused buffer, so the set must copy it, with its line as value), then N look-ups
 * of customer ids "C%07u" among C customers as the reference check makes them. Prints wall and
 * CPU seconds of each phase; bench/keymap.sh runs both and reads peak RSS. `log FILE` times
 * dg_clv_log_read, whose customer ids go through the string map.
 * usage: keymap_bench keyset|strmap N C
 *        keymap_bench log FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "core/strmap.h"
#include "dangol/clv_io.h"
#include "ingest/keyset.h"

typedef struct phase {
    double wall, cpu;
} phase;

static void start(phase *p)
{
    p->wall = bench_now();
    p->cpu = bench_cpu();
}

static void stop(phase *p)
{
    p->wall = bench_now() - p->wall;
    p->cpu = bench_cpu() - p->cpu;
}

/* The i-th key of the run, in a scrambled order (a file is not sorted by id); every key of 0..n-1
 * once for i < n (1000000007 is a prime, so coprime with any n below it). */
static int key_at(char *buf, char prefix, int digits, uint64_t i, uint64_t n)
{
    uint64_t k = (i % n) * 1000000007ull % n;   /* a permutation of 0..n-1 */
    return snprintf(buf, 32, "%c%0*llu", prefix, digits, (unsigned long long)k);
}

static size_t run_keyset(uint64_t n, uint64_t c, phase *add, phase *find)
{
    dg__keyset *seen = dg__keyset_new(), *customers = dg__keyset_new();
    char buf[32];
    uint32_t *value;
    size_t found = 0;
    if (!seen || !customers)
        exit(2);
    start(add);
    for (uint64_t i = 0; i < n; i++) {
        int len = key_at(buf, 'O', 9, i, n);
        if (dg__keyset_add(seen, buf, (size_t)len, (uint32_t)i + 2, &value) < 0)
            exit(2);
    }
    stop(add);
    for (uint64_t i = 0; i < c; i++) {
        int len = key_at(buf, 'C', 7, i, c);
        if (dg__keyset_add(customers, buf, (size_t)len, 1, &value) < 0)
            exit(2);
    }
    start(find);
    for (uint64_t i = 0; i < n; i++) {
        int len = key_at(buf, 'C', 7, i * 7, c);
        dg__keyset_prefetch(customers, buf, (size_t)len);
        found += dg__keyset_find(customers, buf, (size_t)len) != NULL;
    }
    stop(find);
    dg__keyset_free(seen);
    dg__keyset_free(customers);
    return found;
}

static size_t run_strmap(uint64_t n, uint64_t c, phase *add, phase *find)
{
    dg__strmap *seen = dg__strmap_new(), *customers = dg__strmap_new();
    dg__arena keys = {0};
    char buf[32];
    size_t found = 0;
    if (!seen || !customers)
        exit(2);
    start(add);
    for (uint64_t i = 0; i < n; i++) {
        key_at(buf, 'O', 9, i, n);
        if (dg__strmap_get(seen, buf) >= 0)
            continue;
        char *key = dg__arena_strdup(&keys, buf);
        if (!key || dg__strmap_put(seen, key, (uint32_t)i + 2) != 0)
            exit(2);
    }
    stop(add);
    for (uint64_t i = 0; i < c; i++) {
        key_at(buf, 'C', 7, i, c);
        char *key = dg__arena_strdup(&keys, buf);
        if (!key || dg__strmap_put(customers, key, 1) != 0)
            exit(2);
    }
    start(find);
    for (uint64_t i = 0; i < n; i++) {
        key_at(buf, 'C', 7, i * 7, c);
        found += dg__strmap_get(customers, buf) >= 0;
    }
    stop(find);
    dg__strmap_free(seen);
    dg__strmap_free(customers);
    dg__arena_free(&keys);
    return found;
}

static int read_log(const char *path)
{
    dg_clv_log *log = NULL;
    dg_error err = {0};
    phase read;
    start(&read);
    if (dg_clv_log_read(&log, path, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    stop(&read);
    printf("log: %zu rows, %zu customers read in %.2f s (%.2f cpu)\n", log->tx.n,
           log->tx.n_customers, read.wall, read.cpu);
    dg_clv_log_free(log);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "log") == 0)
        return read_log(argv[2]);
    if (argc != 4 || (strcmp(argv[1], "keyset") != 0 && strcmp(argv[1], "strmap") != 0)) {
        fprintf(stderr, "usage: keymap_bench keyset|strmap N C\n");
        return 2;
    }
    uint64_t n = strtoull(argv[2], NULL, 10), c = strtoull(argv[3], NULL, 10);
    phase add, find;
    size_t found = strcmp(argv[1], "keyset") == 0 ? run_keyset(n, c, &add, &find)
                                                  : run_strmap(n, c, &add, &find);
    printf("%s: add %llu order ids %.2f s (%.2f cpu), find %llu customer ids %.2f s (%.2f cpu), "
           "%zu found\n", argv[1], (unsigned long long)n, add.wall, add.cpu,
           (unsigned long long)n, find.wall, find.cpu, found);
    return 0;
}
