/* Private to the library: the SQL of VOC analytics over tickets (src/store/voc_sqlite.c): a
 * lean scan of the tickets opened in a period, the FTS5 search and the recovery counts. The
 * report layer (src/report/voc.c) calls them inside its read transaction. */
#ifndef DANGOL_STORE_VOC_H
#define DANGOL_STORE_VOC_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* A ticket as the analytics see it; texts point into the row (valid during the callback),
 * "" for none; times 0 for none. */
typedef struct dg__voc_ticket {
    int64_t ticket_id, opened_at, first_response_at, resolved_at, first_response_due;
    int64_t resolution_due, reopened;
    const char *customer_id, *kind, *channel, *category, *state, *subject;
} dg__voc_ticket;
typedef int (*dg__voc_ticket_fn)(void *ctx, const dg__voc_ticket *ticket);

/* Tickets opened in [from, to], in id order. texts_only: the ticket id, category and subject
 * only (the rest "" or 0), for the term counts, of the tickets people opened (a recovery
 * ticket's subject is dangol's own words: left out); otherwise every field but the subject (""). */
int dg__voc_scan(dg_store *store, int64_t from, int64_t to, bool texts_only,
                 dg__voc_ticket_fn fn, void *ctx, dg_error *err);

/* The customers with a complaint opened in [from, to], and those with two or more. */
int dg__voc_complainants(dg_store *store, int64_t from, int64_t to, int64_t *complainants,
                         int64_t *repeat, dg_error *err);

/* Tickets matching an FTS5 query (already escaped), best first, at most limit. */
int dg__voc_search(dg_store *store, const char *match, int limit, dg__voc_ticket_fn fn,
                   void *ctx, dg_error *err);

/* The recovery groups: customers[g] and repurchased[g] for g = 0 within SLA, 1 resolved late,
 * 2 unresolved, 3 without a complaint (docs/tickets.md, "Recovery"). */
int dg__voc_recovery(dg_store *store, int64_t as_of, int window_days, int64_t customers[4],
                     int64_t repurchased[4], dg_error *err);

#endif
