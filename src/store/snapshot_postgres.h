/* Private to the store: the frame snapshot on a PostgreSQL store (snapshot_postgres.c), called by
 * snapshot_sqlite.c's dg_store_snapshot_* for a PostgreSQL store, with the same guarantees
 * (docs/snapshot.md, docs/postgresql.md "The frame snapshot"): the chunks are rows of BYTEA, the
 * generation and dirty flag are kept by a statement trigger on every record table, and claims
 * and saves never wait for a writer. */
#ifndef DANGOL_STORE_SNAPSHOT_POSTGRES_H
#define DANGOL_STORE_SNAPSHOT_POSTGRES_H

#include "store/postgres.h"

/* pg_advisory_xact_lock key of the writers (shared: the trigger, snapshot_delta_postgres.c) and
 * the claims (exclusive): "dgframe" */
#define DG__PG_MARK_LOCK "28261187374378341"

int dg__pg_snapshot_state(dg_pg *pg, int64_t *generation, bool *dirty, dg_error *err);
/* Outside any transaction of the connection (else DG_EBUSY: the caller's own transaction must
 * not be committed by it), in a READ WRITE transaction of their own even on a connection opened
 * read-only; DG_EBUSY at once when a writer is under way. */
int dg__pg_snapshot_claim(dg_pg *pg, dg_error *err);
int dg__pg_snapshot_save(dg_pg *pg, dg_store_snapshot *info, const void *data, size_t len,
                         size_t chunk_bytes, dg_error *err);
int dg__pg_snapshot_list(dg_pg *pg, dg_store_snapshot *out, size_t cap, size_t *n,
                         dg_error *err);

/* The chunks of one snapshot: their numbers, checksums and lengths listed at open, each one's
 * bytes fetched only when read. */
typedef struct dg__pg_chunks dg__pg_chunks;
int dg__pg_snapshot_open(dg_pg *pg, const char *variant, dg_store_snapshot *info,
                         dg__pg_chunks **out, dg_error *err);
/* The next chunk's number, checksum and length: 1, 0 after the last one. */
int dg__pg_chunks_next(dg__pg_chunks *c, int64_t *chunk, uint64_t *checksum, int64_t *len);
/* The bytes of the chunk dg__pg_chunks_next gave last (valid until the next call or the close):
 * DG_ESTORE when they are not its length any more. */
int dg__pg_chunks_read(dg__pg_chunks *c, const void **data, int64_t len, dg_error *err);
void dg__pg_chunks_close(dg__pg_chunks *c);   /* NULL is a no-op */

/* On a read-write open, after the migrations: gives every record table (DG__SNAPSHOT_TRACKED)
 * the statement trigger that marks the snapshot out of date, creating those missing, and marks
 * it out of date when it created any or when migrated (a migration ran). */
int dg__pg_snapshot_triggers(dg_pg *pg, bool migrated, dg_error *err);

#endif
