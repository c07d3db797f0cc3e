/* Private to the store: the audit trail's SQL that both backends run as it is (audit_sqlite.c,
 * audit_postgres.c). A hash is read through the backend's HASH (SQLite: the blob itself,
 * PostgreSQL: encode(x, 'hex')) and written through its UNHEX (SQLite: the blob bound, PostgreSQL:
 * decode($n, 'hex')); whether an entry names a customer through its HAS_CUSTOMER, the one JSON
 * function that differs. Parameters are $1, $2 in order of appearance. */
#ifndef DANGOL_STORE_AUDIT_SQL_H
#define DANGOL_STORE_AUDIT_SQL_H

/* An entry's columns as dg__audit_row reads them: NULL texts read as "". */
#define DG__AUDIT_COLUMNS(HASH) "entry_id, at, actor_kind, actor_id, actor, " \
    "coalesce(role, ''), origin, action, coalesce(customers, ''), coalesce(reason, ''), " \
    "coalesce(detail, ''), " HASH("prev_hash") ", " HASH("hash")

/* The newest entry's id and hash; the newest anchor's. */
#define DG__AUDIT_TAIL_SQL(HASH) "SELECT entry_id, " HASH("hash") " FROM auth_audit " \
    "ORDER BY entry_id DESC LIMIT 1"
#define DG__AUDIT_ANCHOR_SQL(HASH) "SELECT through_id, " HASH("hash") " FROM auth_audit_anchor " \
    "ORDER BY through_id DESC LIMIT 1"

/* Every entry, in id order. */
#define DG__AUDIT_ROWS_SQL(HASH) "SELECT " DG__AUDIT_COLUMNS(HASH) " FROM auth_audit " \
    "ORDER BY entry_id"

/* The last entry recorded before $1 (UTC seconds): its id, hash and how many entries there are
 * up to it. */
#define DG__AUDIT_PRUNABLE_SQL(HASH) "SELECT entry_id, " HASH("hash") ", (SELECT count(*) " \
    "FROM auth_audit c WHERE c.entry_id <= a.entry_id) FROM auth_audit a WHERE at < $1 " \
    "ORDER BY entry_id DESC LIMIT 1"

/* The prune's anchor ($1 through, $2 hash, $3 entries, $4 when), then the entries it covers. */
#define DG__AUDIT_ANCHOR_INSERT_SQL(UNHEX) "INSERT INTO auth_audit_anchor (through_id, hash, " \
    "entries, pruned_at) VALUES ($1, " UNHEX("$2") ", $3, $4)"
#define DG__AUDIT_CUT_SQL "DELETE FROM auth_audit WHERE entry_id <= $1"

/* The entries naming customer $1 (NULL: any), written by user $2 (NULL: any), at $3 or later,
 * oldest first: $4 of them (SQLite: -1, PostgreSQL: NULL for all) from the $5th on. The casts
 * give PostgreSQL the parameters' type where "IS NULL" alone does not. */
#define DG__AUDIT_SELECT_SQL(HASH, HAS_CUSTOMER) "SELECT " DG__AUDIT_COLUMNS(HASH) \
    " FROM auth_audit WHERE (CAST($1 AS TEXT) IS NULL OR " HAS_CUSTOMER("$1") ") AND " \
    "(CAST($2 AS TEXT) IS NULL OR actor = $2) AND at >= $3 ORDER BY entry_id LIMIT $4 OFFSET $5"

#endif
