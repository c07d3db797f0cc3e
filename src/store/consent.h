/* Private to the library: the SQL of consent and erasure (src/store/consent_sqlite.c,
 * src/store/erasure_sqlite.c), which the services (src/crm/consent.c, erasure.c, subject.c) and
 * the consent reports (src/report/consent.c) call inside the transactions they open. Nothing
 * here decides a rule: these read and write rows. */
#ifndef DANGOL_STORE_CONSENT_H
#define DANGOL_STORE_CONSENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* A consent event as written and read. */
typedef struct dg__consent_event {
    int64_t event_id;
    const char *customer_id;
    const char *purpose;
    const char *action;          /* "grant" / "withdraw" */
    int32_t effective_on;
    const char *source;
    const char *actor;
    int64_t recorded_at;
} dg__consent_event;

int dg__consent_insert(dg_store *store, const dg__consent_event *event, int64_t *id,
                       dg_error *err);
/* The consent for purpose on day: *state 1 granted, 0 withdrawn or never given (the record's
 * imported flag counts when there is no event), and 0 for an erased customer; *found false for
 * an unknown customer. */
int dg__consent_state(dg_store *store, const char *customer_id, const char *purpose, int32_t day,
                      bool *found, bool *granted, dg_error *err);
/* The customer's events, oldest first (purpose NULL: all purposes). */
typedef int (*dg__consent_fn)(void *ctx, const dg__consent_event *event);
int dg__consent_history(dg_store *store, const char *customer_id, dg__consent_fn fn, void *ctx,
                        dg_error *err);
/* The customers whose consent for purpose is granted on day, in id order: fn with a synthetic
 * event (event_id 0 and source "import" for the record's imported flag). */
int dg__consent_granted(dg_store *store, const char *purpose, int32_t day, dg__consent_fn fn,
                        void *ctx, dg_error *err);
/* Idempotency keys: DG_ENOTFOUND when new, else the fingerprint and event id. */
int dg__consent_request_get(dg_store *store, const char *key, char *fingerprint, size_t cap,
                            int64_t *event_id, dg_error *err);
int dg__consent_request_put(dg_store *store, const char *key, const char *fingerprint,
                            int64_t event_id, int64_t now, dg_error *err);

/* ---- erasure (erasure_sqlite.c) ---- */

/* When the customer was erased: *erased false when not. */
int dg__erasure_get(dg_store *store, const char *customer_id, bool *erased, int64_t *erased_at,
                    dg_error *err);
/* Inside the caller's write transaction, with secure_delete on (dg__erasure_secure): empties
 * the customer's personal fields and free texts (*texts: how many texts), records the erasure and
 * drops every frame snapshot. */
int dg__erasure_apply(dg_store *store, const char *customer_id, const char *kind,
                      const char *reason, const char *actor, int64_t now, int64_t *texts,
                      dg_error *err);
/* PRAGMA secure_delete on (before the transaction) or back to FAST (after it). */
int dg__erasure_secure(dg_store *store, bool on, dg_error *err);
/* After the erasure's transaction, what removes the old bytes that are left, *name naming it
 * as the answer does: SQLite's wal_checkpoint(TRUNCATE) ("wal_truncated": *done when the log is
 * empty afterwards), PostgreSQL's VACUUM (FULL) of the tables an erasure writes ("vacuumed":
 * *done when each was written anew). */
int dg__erasure_purge(dg_store *store, const char **name, bool *done, dg_error *err);
/* Does the purge rewrite whole tables (PostgreSQL), so the retention job runs it once after its
 * last erasure rather than after each? */
bool dg__erasure_purge_once(dg_store *store);
/* Fails (DG_ECONFLICT naming the customer) when an erased customer holds a personal field or a
 * free text again: what the store's triggers refuse, checked once after a bulk load that ran
 * with the triggers off. */
int dg__erasure_guard(dg_store *store, dg_error *err);
/* Customers not erased with their last active day (see dg_customer_retain), fn for each one
 * last active before the day `before`; *undated counts those with no dated activity. */
typedef int (*dg__inactive_fn)(void *ctx, const char *customer_id, int32_t last_active);
int dg__erasure_inactive(dg_store *store, int32_t before, dg__inactive_fn fn, void *ctx,
                         int64_t *undated, dg_error *err);
/* Every table but the catalog's with a customer_id column (the points ledger, consent, tickets
 * and their events, ...), for subject access: table once per table (in name order), then row once per row of the customer with its cells, each named
 * by its column and typed as SQLite stores it (a PostgreSQL boolean is an integer 0 or 1). */
typedef enum dg__cell_kind {
    DG__CELL_NULL, DG__CELL_INT, DG__CELL_REAL, DG__CELL_TEXT, DG__CELL_BLOB
} dg__cell_kind;
typedef struct dg__cell {
    const char *column;
    dg__cell_kind kind;
    int64_t i;                  /* DG__CELL_INT */
    double r;                   /* DG__CELL_REAL */
    const unsigned char *bytes; /* DG__CELL_TEXT (NUL-terminated) and DG__CELL_BLOB */
    size_t len;
} dg__cell;
typedef struct dg__customer_rows {
    int (*table)(void *ctx, const char *table);
    int (*row)(void *ctx, const dg__cell *cells, size_t n);
    void *ctx;
} dg__customer_rows;
int dg__customer_tables(dg_store *store, const char *customer_id, const dg__customer_rows *rows,
                        dg_error *err);

#endif
