/* Tier evaluation after loading (BENCHMARKS.md, "Tiers"): opens the store bench/tier.sh copied
 * and, for each as-of day given, loads the frame (from its snapshot, else rebuilt: the previous
 * evaluation's writes make the snapshot out of date) and then times dg_tier_evaluate_frame alone
 * — the measure computed from the frame's orders in one pass, the changes written in one
 * transaction. CPU seconds of the process (user + sys: the machine is shared) beside the wall
 * time. With --server, the commits leave the copy of the write-ahead log to a checkpointer, as
 * the HTTP server's writer does (dg_store_checkpoint_elsewhere; the copy is not timed).
 * usage: tier_bench [--server] DB DAY... (DAY: YYYY-MM-DD) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/tier.h"

static void checkpoint_not_timed(void *ctx, int log_pages)
{
    (void)ctx;
    (void)log_pages;
}

int main(int argc, char **argv)
{
    bool server = argc > 1 && strcmp(argv[1], "--server") == 0;
    argc -= server;
    argv += server;
    if (argc < 3) {
        fprintf(stderr, "usage: tier_bench [--server] DB DAY...\n");
        return 2;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_store *store = NULL;
    if (dg_store_open(&store, argv[1], 0, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (server)
        dg_store_checkpoint_elsewhere(store, checkpoint_not_timed, NULL);
    for (int a = 2; a < argc; a++) {
        int32_t day;
        if (dg_date_parse(argv[a], strlen(argv[a]), &day, &err) != 0) {
            fprintf(stderr, "%s\n", err.message);
            return 2;
        }
        dg_frame *frame = NULL;
        int64_t generation = -1;
        double cpu = bench_cpu(), wall = bench_now();
        if (dg_frame_from_store_at(&frame, store, NULL, &generation, &err) != 0) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        printf("%s: frame load %.2f s CPU, %.2f s wall (generation %lld)\n", argv[a],
               bench_cpu() - cpu, bench_now() - wall, (long long)generation);
        dg_tier_evaluation ev;
        cpu = bench_cpu();
        wall = bench_now();
        int rc = dg_tier_evaluate_frame(store, frame, generation, NULL, NULL, day, "bench", NULL,
                                        &ev, &err);
        double c = bench_cpu() - cpu, w = bench_now() - wall;
        dg_frame_free(frame);
        if (rc != 0) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        printf("%s: evaluate %.3f s CPU, %.3f s wall: %lld customers changed, %lld upgrades, "
               "%lld downgrades%s\n", argv[a], c, w, (long long)ev.customers,
               (long long)ev.upgrades, (long long)ev.downgrades,
               ev.already ? " (evaluated already)" : "");
    }
    dg_store_close(store);
    return 0;
}
