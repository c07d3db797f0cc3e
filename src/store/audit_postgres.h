/* Private to the store: the audit trail's appends on a PostgreSQL store (audit_postgres.c),
 * called by audit_sqlite.c's functions of the same names for a PostgreSQL store. */
#ifndef DANGOL_STORE_AUDIT_POSTGRES_H
#define DANGOL_STORE_AUDIT_POSTGRES_H

#include "store/audit.h"
#include "store/postgres.h"

int dg__pg_audit_anchor(dg_pg *pg, int64_t *through_id, unsigned char *hash, dg_error *err);
int dg__pg_audit_tail(dg_pg *pg, int64_t *id, unsigned char *hash, bool *found, dg_error *err);
int dg__pg_audit_insert(dg_pg *pg, const dg__audit_row *row, dg_error *err);

#endif
