/* Private to the library: the audit trail's SQL (src/store/audit_sqlite.c), which the chain's
 * logic (src/auth/audit.c) calls inside the transactions it opens. Nothing here hashes or
 * decides: these read and write rows of auth_audit and auth_audit_anchor. */
#ifndef DANGOL_STORE_AUDIT_H
#define DANGOL_STORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/audit.h"

/* An entry with its links, as written and read (entry.role etc. NULL when unset on write). */
typedef struct dg__audit_row {
    dg_audit_entry entry;
    unsigned char prev_hash[DG_AUDIT_HASH_BYTES];
    unsigned char hash[DG_AUDIT_HASH_BYTES];
    bool actor_id_set, prev_ok, hash_ok;   /* read: the blobs had 32 bytes */
} dg__audit_row;

/* The newest entry's id and hash; else the newest anchor's; else id 0 and *found false. */
int dg__audit_tail(dg_store *store, int64_t *id, unsigned char hash[DG_AUDIT_HASH_BYTES],
                   bool *found, dg_error *err);
/* Inserts the n rows (their entry_ids given: the tail's + 1, + 2, ...), several per statement
 * where the store can. */
int dg__audit_insert_rows(dg_store *store, const dg__audit_row *rows, size_t n, dg_error *err);
/* The newest anchor: through_id (0: none) and its hash. */
int dg__audit_anchor(dg_store *store, int64_t *through_id,
                     unsigned char hash[DG_AUDIT_HASH_BYTES], dg_error *err);
/* The largest entry id ever given (sqlite_sequence), 0 for none. */
int dg__audit_sequence(dg_store *store, int64_t *seq, dg_error *err);
/* Every entry in id order with its links. */
typedef int (*dg__audit_row_fn)(void *ctx, const dg__audit_row *row);
int dg__audit_rows(dg_store *store, dg__audit_row_fn fn, void *ctx, dg_error *err);
/* The last entry (id and hash) recorded before cutoff (UTC seconds) and below below_id, and how
 * many entries there are up to it; *through_id 0 when none. */
int dg__audit_prunable(dg_store *store, int64_t cutoff, int64_t *through_id,
                       unsigned char hash[DG_AUDIT_HASH_BYTES], int64_t *count, dg_error *err);
/* Writes the anchor and removes the entries up to through_id. */
int dg__audit_cut(dg_store *store, int64_t through_id, const unsigned char *hash, int64_t count,
                  int64_t now, dg_error *err);
/* The matching entries, oldest first. */
int dg__audit_select(dg_store *store, const dg_audit_filter *filter, dg_audit_entry_fn fn,
                     void *ctx, dg_error *err);

#endif
