/* The writes of an import or a record into a cluster's distributed tables (cluster_postgres.c):
 * a partitioned table of foreign tables has no unique index, so INSERT ... ON CONFLICT cannot
 * name its key. The upsert is an UPDATE of the rows whose key is there, then an INSERT of the
 * others, in the caller's transaction; each key's partition is one node's table, whose own
 * primary key still refuses a second row of a key written at the same moment. */
#include <stdio.h>
#include <string.h>

#include "store/postgres.h"

#define SQL_MAX 8192

#define add(sql, ...) dg__pg_sql_add(sql, SQL_MAX, __VA_ARGS__)

/* "t.a = s.a AND t.b = s.b" over the natural key. */
static void key_match(char *sql, const dg_entity *e)
{
    for (size_t c = 0; c < e->n_key; c++)
        add(sql, "%st.%s = s.%s", c ? " AND " : "", e->columns[c].name, e->columns[c].name);
}

static void column_list(char *sql, const dg_entity *e, size_t from, uint64_t only)
{
    bool first = true;
    for (size_t c = from; c < e->n_columns; c++)
        if (only >> c & 1) {
            add(sql, "%s%s", first ? "" : ", ", e->columns[c].name);
            first = false;
        }
}

int dg__pg_merge_distributed(dg_pg *pg, const dg_entity *e, const char *stage, uint64_t others,
                             dg_error *err)
{
    char sql[SQL_MAX] = "", source[SQL_MAX] = "(SELECT DISTINCT ON (";
    /* the staging's last row of each key, as the row-by-row upsert of SQLite keeps */
    column_list(source, e, 0, (UINT64_C(1) << e->n_key) - 1);
    add(source, ") ");
    column_list(source, e, 0, UINT64_MAX);
    add(source, " FROM %s ORDER BY ", stage);
    column_list(source, e, 0, (UINT64_C(1) << e->n_key) - 1);
    add(source, ", ctid DESC) s");
    if (others) {
        add(sql, "UPDATE %s AS t SET ", e->name);
        bool first = true;
        for (size_t c = e->n_key; c < e->n_columns; c++)
            if (others >> c & 1) {
                add(sql, "%s%s = s.%s", first ? "" : ", ", e->columns[c].name,
                    e->columns[c].name);
                first = false;
            }
        add(sql, " FROM %s WHERE ", source);
        key_match(sql, e);
        add(sql, "; ");
    }
    add(sql, "INSERT INTO %s (", e->name);
    column_list(sql, e, 0, UINT64_MAX);
    add(sql, ") SELECT ");
    column_list(sql, e, 0, UINT64_MAX);
    add(sql, " FROM %s WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE ", source, e->name);
    key_match(sql, e);
    add(sql, ")");
    return dg__pg_run(pg, sql, 0, NULL, NULL, "writing the imported rows", err);
}

int dg__pg_put_distributed(dg_pg *pg, const dg_entity *e, const char *const *params,
                           uint64_t others, bool insert_only, bool *exists, const char *what,
                           dg_error *err)
{
    char sql[SQL_MAX] = "";
    const char *used[64];
    int n = 0;
    add(sql, "SELECT 1 FROM %s WHERE ", e->name);
    for (size_t c = 0; c < e->n_key; c++) {
        add(sql, "%s%s = $%d", c ? " AND " : "", e->columns[c].name, n + 1);
        used[n++] = params[c];
    }
    add(sql, "%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, sql, n, used, &res, what, err);
    PQclear(res);
    if (rc < 0)
        return rc;
    *exists = rc == 1;
    sql[0] = '\0';
    if (*exists && (insert_only || !others))
        return 0;
    if (*exists) {   /* the key's columns are $1.., then the columns written */
        add(sql, "UPDATE %s SET ", e->name);
        for (size_t c = e->n_key; c < e->n_columns; c++)
            if (others >> c & 1) {
                add(sql, "%s%s = $%d", n > (int)e->n_key ? ", " : "", e->columns[c].name, n + 1);
                used[n++] = params[c];
            }
        add(sql, " WHERE ");
        for (size_t c = 0; c < e->n_key; c++)
            add(sql, "%s%s = $%zu", c ? " AND " : "", e->columns[c].name, c + 1);
        return dg__pg_exec(pg, sql, n, used, NULL, what, err);
    }
    add(sql, "INSERT INTO %s (", e->name);
    column_list(sql, e, 0, UINT64_MAX);
    add(sql, ") VALUES (");
    for (size_t c = 0; c < e->n_columns; c++)
        add(sql, "%s$%zu", c ? ", " : "", c + 1);
    add(sql, ")");
    return dg__pg_exec(pg, sql, (int)e->n_columns, params, NULL, what, err);
}
