/* The audit trail's appends on a PostgreSQL store (the SQLite ones are audit_sqlite.c): the
 * tail, the newest anchor and the insert, so every write and personal-data read that the core
 * commands audit works on PostgreSQL too. Appends are serialized by a transaction-scoped advisory
 * lock taken with the tail, as SQLite's BEGIN IMMEDIATE serializes them: two writers never link
 * to the same entry. Hashes travel as hex text (encode/decode). Verifying, pruning and listing
 * the trail are not available on PostgreSQL yet (docs/postgresql.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit_postgres.h"
#include "store/postgres.h"

#define AUDIT_LOCK 0x6175646974LL   /* pg_advisory_xact_lock key of the audit chain */

static void hex_of(const unsigned char *bytes, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < DG_AUDIT_HASH_BYTES; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * DG_AUDIT_HASH_BYTES] = '\0';
}

static void bytes_of(const char *hex, unsigned char *bytes)
{
    memset(bytes, 0, DG_AUDIT_HASH_BYTES);
    for (size_t i = 0; i < DG_AUDIT_HASH_BYTES && hex[2 * i] && hex[2 * i + 1]; i++) {
        char pair[3] = { hex[2 * i], hex[2 * i + 1], '\0' };
        bytes[i] = (unsigned char)strtoul(pair, NULL, 16);
    }
}

/* The one row of sql: its first column (an id) and second (a hash in hex); *found false when
 * there is none. */
static int id_and_hash(dg_pg *pg, const char *sql, int64_t *id, unsigned char *hash, bool *found,
                       dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, 0, NULL, &res, "reading the audit trail", err);
    if (rc != 0)
        return rc;
    *found = PQntuples(res) == 1;
    if (*found) {
        *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        bytes_of(PQgetvalue(res, 0, 1), hash);
    }
    PQclear(res);
    return 0;
}

int dg__pg_audit_anchor(dg_pg *pg, int64_t *through_id, unsigned char *hash, dg_error *err)
{
    bool found;
    *through_id = 0;
    memset(hash, 0, DG_AUDIT_HASH_BYTES);
    return id_and_hash(pg, "SELECT through_id, encode(hash, 'hex') FROM auth_audit_anchor "
                       "ORDER BY through_id DESC LIMIT 1", through_id, hash, &found, err);
}

int dg__pg_audit_tail(dg_pg *pg, int64_t *id, unsigned char *hash, bool *found, dg_error *err)
{
    int rc = dg__pg_lock_job(pg, AUDIT_LOCK, "locking the audit trail", err);
    if (rc == 0)
        rc = id_and_hash(pg, "SELECT entry_id, encode(hash, 'hex') FROM auth_audit "
                         "ORDER BY entry_id DESC LIMIT 1", id, hash, found, err);
    if (rc != 0 || *found)
        return rc;
    rc = dg__pg_audit_anchor(pg, id, hash, err);
    *found = rc == 0 && *id > 0;
    return rc;
}

int dg__pg_audit_insert(dg_pg *pg, const dg__audit_row *row, dg_error *err)
{
    const dg_audit_entry *e = &row->entry;
    char id[24], at[24], actor_id[24], prev[2 * DG_AUDIT_HASH_BYTES + 1],
         hash[2 * DG_AUDIT_HASH_BYTES + 1];
    snprintf(id, sizeof id, "%" PRId64, e->entry_id);
    snprintf(at, sizeof at, "%" PRId64, e->at);
    snprintf(actor_id, sizeof actor_id, "%" PRId64, e->actor_id);
    hex_of(row->prev_hash, prev);
    hex_of(row->hash, hash);
    const char *params[] = { id, at, e->actor_kind, row->actor_id_set ? actor_id : NULL,
                             e->actor ? e->actor : "", e->role, e->origin, e->action,
                             e->customers, e->reason, e->detail, prev, hash };
    return dg__pg_exec(pg, "INSERT INTO auth_audit (entry_id, at, actor_kind, actor_id, actor, "
                       "role, origin, action, customers, reason, detail, prev_hash, hash) VALUES "
                       "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, decode($12, 'hex'), "
                       "decode($13, 'hex'))", 13, params, NULL, "writing an audit entry", err);
}
