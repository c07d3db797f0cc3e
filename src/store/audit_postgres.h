/* Private to the store: the audit trail on a PostgreSQL store (audit_postgres.c), called by
 * audit_sqlite.c's functions of the same names (store/audit.h) for a PostgreSQL store. */
#ifndef DANGOL_STORE_AUDIT_POSTGRES_H
#define DANGOL_STORE_AUDIT_POSTGRES_H

#include "store/audit.h"
#include "store/postgres.h"

int dg__pg_audit_anchor(dg_pg *pg, int64_t *through_id, unsigned char *hash, dg_error *err);
int dg__pg_audit_tail(dg_pg *pg, int64_t *id, unsigned char *hash, bool *found, dg_error *err);
/* Also remembers the last row's id as the largest given (the setting audit_last_id). */
int dg__pg_audit_insert_rows(dg_pg *pg, const dg__audit_row *rows, size_t n, dg_error *err);
int dg__pg_audit_sequence(dg_pg *pg, int64_t *seq, dg_error *err);
int dg__pg_audit_rows(dg_pg *pg, dg__audit_row_fn fn, void *ctx, dg_error *err);
int dg__pg_audit_select(dg_pg *pg, const dg_audit_filter *filter, dg_audit_entry_fn fn,
                        void *ctx, dg_error *err);
/* Takes the audit chain's lock first, so prunes and appends run one at a time. */
int dg__pg_audit_prunable(dg_pg *pg, int64_t cutoff, int64_t *through_id, unsigned char *hash,
                          int64_t *count, dg_error *err);
int dg__pg_audit_cut(dg_pg *pg, int64_t through_id, const unsigned char *hash, int64_t count,
                     int64_t now, dg_error *err);

#endif
