/* The erasure on a PostgreSQL store: the same statements as SQLite's (erasure_sql.h) in the
 * caller's one transaction, the customer's record locked first (dg__pg_erasure_get, so a second
 * erasure of the customer waits and then finds it erased, and a concurrent write to the record
 * lands before or after, never between), then VACUUM (FULL) of the tables it wrote, outside
 * the transaction: PostgreSQL keeps an updated row's old version in the table file until then
 * (docs/security.md says what this guarantees and what it does not: the WAL, backups). And the
 * rows subject access lists, typed as SQLite would give them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/erasure_postgres.h"
#include "store/erasure_sql.h"

#define SQL_MAX 2048

/* Runs sql (on the customer's id, $1, when it names one); *changed (NULL: not wanted) gets
 * the rows it changed. */
static int run(dg_pg *pg, const char *sql, const char *customer_id, int64_t *changed,
               const char *what, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, strstr(sql, "$1") ? 1 : 0, &customer_id, &res, what, err);
    if (rc == 0 && changed)
        *changed += strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

int dg__pg_erasure_apply(dg_pg *pg, const char *customer_id, const char *kind,
                         const char *reason, const char *actor, int64_t now, int64_t *texts,
                         dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = 0;
    *texts = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char set[SQL_MAX / 2], any[SQL_MAX / 2], sql[SQL_MAX];
        if (!dg__erasure_columns(all[i], true, set, sizeof set))
            continue;
        dg__erasure_columns(all[i], false, any, sizeof any);
        snprintf(sql, sizeof sql, "UPDATE %s SET %s WHERE customer_id = $1 AND (%s)",
                 all[i]->name, set, any);
        int64_t changed = 0;
        rc = run(pg, sql, customer_id, &changed, "erasing personal fields", err);
        if (strcmp(all[i]->name, "customers") != 0)
            *texts += changed;
    }
    dg__pg_number at;
    const char *record[] = { customer_id, dg__pg_int(at, now), kind, reason, actor };
    if (rc == 0)
        rc = dg__pg_exec(pg, DG__ERASURE_RECORD_SQL, 5, record, NULL, "recording an erasure",
                         err);
    for (size_t i = 0; i < sizeof dg__erasure_texts / sizeof *dg__erasure_texts && rc == 0; i++)
        rc = run(pg, dg__erasure_texts[i], customer_id, texts, "erasing service texts", err);
    for (size_t i = 0; i < sizeof dg__erasure_snapshot_drop / sizeof *dg__erasure_snapshot_drop
                       && rc == 0; i++)
        rc = run(pg, dg__erasure_snapshot_drop[i], customer_id, NULL, "dropping the frame "
                 "snapshots", err);
    return rc;
}

int dg__pg_erasure_vacuum(dg_pg *pg, bool *done, dg_error *err)
{
    *done = false;
    if (pg->in_transaction || pg->in_read)   /* VACUUM cannot run inside one */
        return 0;
    /* VACUUM skips a table its user may not vacuum with a warning only: asked first */
    const char *tables = DG__ERASURE_TABLES;
    bool owner = false;
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, "SELECT bool_and(pg_has_role(c.relowner, 'USAGE')) FROM "
                            "pg_class c WHERE c.oid = ANY (CAST(string_to_array($1, ', ') AS "
                            "regclass[]))", 1, &tables, &res, "reading who owns the tables",
                            err);
    if (rc == 1) {
        owner = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
        rc = 0;
    }
    if (rc == 0 && owner)
        rc = dg__pg_exec(pg, "VACUUM (FULL) " DG__ERASURE_TABLES, 0, NULL, NULL, "rewriting the "
                         "erased customer's tables (VACUUM FULL)", err);
    *done = rc == 0 && owner;
    return rc;
}

int dg__pg_erasure_inactive(dg_pg *pg, int32_t before, dg__inactive_fn fn, void *ctx,
                            int64_t *undated, dg_error *err)
{
    PGresult *res = NULL;
    *undated = 0;
    int rc = dg__pg_exec(pg, DG__ERASURE_INACTIVE_SQL " ORDER BY c.customer_id COLLATE \"C\"",
                         0, NULL, &res, "finding inactive customers", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        if (PQgetisnull(res, r, 1)) {
            (*undated)++;
            continue;
        }
        int32_t last = (int32_t)strtol(PQgetvalue(res, r, 1), NULL, 10);
        if (last < before)
            rc = fn(ctx, PQgetvalue(res, r, 0), last);
    }
    PQclear(res);
    return rc;
}

/* The cells of row r of res, typed by their columns' types as SQLite stores them: integers and
 * booleans (0, 1) as integers, floating and numeric as reals, bytea as bytes (decoded into
 * blobs[], freed by the caller), the rest as text. */
static int row_cells(const PGresult *res, int r, dg__cell *cells, unsigned char **blobs,
                     dg_error *err)
{
    enum { BOOL = 16, BYTEA = 17, INT8 = 20, INT2 = 21, INT4 = 23, FLOAT4 = 700, FLOAT8 = 701,
           NUMERIC = 1700 };
    for (int c = 0; c < PQnfields(res); c++) {
        dg__cell *cell = &cells[c];
        const char *v = PQgetvalue(res, r, c);
        *cell = (dg__cell){ .column = PQfname(res, c), .kind = DG__CELL_TEXT,
                            .bytes = (const unsigned char *)v, .len = strlen(v) };
        blobs[c] = NULL;
        if (PQgetisnull(res, r, c)) {
            cell->kind = DG__CELL_NULL;
            continue;
        }
        switch (PQftype(res, c)) {
        case BOOL:
            cell->kind = DG__CELL_INT;
            cell->i = v[0] == 't';
            break;
        case INT2: case INT4: case INT8:
            cell->kind = DG__CELL_INT;
            cell->i = strtoll(v, NULL, 10);
            break;
        case FLOAT4: case FLOAT8: case NUMERIC:
            cell->kind = DG__CELL_REAL;
            cell->r = strtod(v, NULL);
            break;
        case BYTEA:
            if (!(blobs[c] = PQunescapeBytea((const unsigned char *)v, &cell->len)))
                return dg_error_set(err, DG_ENOMEM, "out of memory");
            cell->kind = DG__CELL_BLOB;
            cell->bytes = blobs[c];
            break;
        default:
            break;
        }
    }
    return 0;
}

/* Each row of res as cells to rows->row. */
static int each_row(const PGresult *res, const dg__customer_rows *rows, dg_error *err)
{
    int n = PQnfields(res), rc = 0;
    dg__cell *cells = calloc((size_t)n + 1, sizeof *cells);
    unsigned char **blobs = calloc((size_t)n + 1, sizeof *blobs);
    if (!cells || !blobs)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        rc = row_cells(res, r, cells, blobs, err);
        if (rc == 0)
            rc = rows->row(rows->ctx, cells, (size_t)n);
        for (int c = 0; c < n; c++)
            PQfreemem(blobs[c]);
    }
    free(cells);
    free(blobs);
    return rc;
}

int dg__pg_customer_tables(dg_pg *pg, const char *customer_id, const dg__customer_rows *rows,
                           dg_error *err)
{
    /* the tables (not a partition of one) with a customer_id column but the catalog's, by name
     * in byte order, each with its primary key's columns to order its rows by (SQLite gives
     * them in the order of its row ids, which are the keys' order here) */
    PGresult *tables = NULL;
    int rc = dg__pg_exec(pg,
        "SELECT c.relname, (SELECT string_agg(quote_ident(a.attname) || CASE WHEN a.atttypid = "
        "CAST('text' AS regtype) THEN ' COLLATE \"C\"' ELSE '' END, ', ' ORDER BY k.n) FROM "
        "pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY k (attnum, n) JOIN pg_attribute "
        "a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = c.oid AND "
        "i.indisprimary) FROM pg_class c WHERE c.relnamespace = CAST(current_schema() AS "
        "regnamespace) AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND EXISTS (SELECT 1 "
        "FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'customer_id' AND NOT "
        "a.attisdropped) ORDER BY c.relname COLLATE \"C\"", 0, NULL, &tables,
        "listing the tables", err);
    int n = rc == 0 ? PQntuples(tables) : 0;
    for (int t = 0; t < n && rc == 0; t++) {
        const char *name = PQgetvalue(tables, t, 0);
        if (dg_entity_find(name))
            continue;
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" WHERE customer_id = $1%s%s", name,
                 PQgetisnull(tables, t, 1) ? "" : " ORDER BY ",
                 PQgetisnull(tables, t, 1) ? "" : PQgetvalue(tables, t, 1));
        PGresult *res = NULL;
        rc = dg__pg_exec(pg, sql, 1, &customer_id, &res, "reading a table of the customer", err);
        if (rc == 0 && (rc = rows->table(rows->ctx, name)) == 0)
            rc = each_row(res, rows, err);
        PQclear(res);
    }
    PQclear(tables);
    return rc;
}
