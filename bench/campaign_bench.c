/* Campaign results after loading (BENCHMARKS.md, "Campaigns"): opens the store bench/campaign.sh
 * built, loads the frame once (from its snapshot, as the server does once for all requests), then
 * times dg_report_campaign_results for the campaign RUNS times in the process — what a request
 * costs when the frame is in memory: the members read from the store, merged with the frame's
 * customers, their orders in the window summed, the intervals and the cost query. CPU seconds
 * (the machine is shared); the wall time of each run beside. usage: campaign_bench DB ID [RUNS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dangol/frame.h"
#include "dangol/points.h"
#include "dangol/report.h"
#include "dangol/store.h"

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: campaign_bench DB CAMPAIGN [RUNS]\n");
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    dg_error err;
    dg_error_clear(&err);
    dg_store *store = NULL;
    dg_frame *frame = NULL;
    if (dg_store_open(&store, argv[1], DG_STORE_READONLY, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID), wall = clock_s(CLOCK_MONOTONIC);
    if (dg_frame_from_store(&frame, store, NULL, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    printf("frame load: %.3f s CPU, %.3f s wall (%zu customers)\n",
           clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu, clock_s(CLOCK_MONOTONIC) - wall,
           frame->n_customers);
    dg_points_rules rules;
    dg_points_rules_default(&rules);
    for (int run = 1; run <= runs; run++) {
        dg_report rep = { 0 };
        cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        wall = clock_s(CLOCK_MONOTONIC);
        int rc = dg_report_campaign_results(&rep, store, frame, argv[2], &rules, &err);
        double c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu, w = clock_s(CLOCK_MONOTONIC) - wall;
        dg_report_clear(&rep);
        if (rc != 0) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        printf("results run %d: %.3f s CPU, %.3f s wall\n", run, c, w);
    }
    dg_frame_free(frame);
    dg_store_close(store);
    return 0;
}
