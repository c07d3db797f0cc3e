/* The catalog entities' rows on PostgreSQL (docs/postgresql.md). SQL is generated from the
 * catalog (include/dangol/entity.h) and every user value is a parameter or a COPY field, never
 * SQL text. A bulk load (dg_store_begin_unchecked: the importer has checked every reference
 * itself; the triggers of schema/pg/0028 check them again once per statement) streams its rows
 * with COPY into a temporary staging table per entity and writes them to the table with an
 * INSERT ... ON CONFLICT upsert per chunk of rows (sent while the next chunk is parsed), and when
 * anything else is asked of the store or at COMMIT. Whole-table scans (the frame) read with
 * COPY ... TO STDOUT of only the columns asked for. Text keys are ordered
 * COLLATE "C", byte order, as SQLite orders them, whatever the database's locale. */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres.h"
#include "store/sql_day.h"

#define MAX_COLUMNS 32
#define SQL_MAX 8192
#define COPY_FLUSH (256 * 1024)   /* bytes of rows sent to the server at once */
#define COPY_HOLD (64 << 20)      /* bytes of rows held while a chunk's merge runs, at most */
#define CHUNK_ROWS 131072         /* rows of a bulk load merged into their table at once */

static int entity_index(const dg_entity *e)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    for (size_t i = 0; i < n; i++)
        if (all[i] == e)
            return (int)i;
    return -1;
}

static bool is_text(const dg_column *col)
{
    return col->type == DG_TYPE_TEXT || col->type == DG_TYPE_ENUM;
}

void dg__pg_sql_add(char *sql, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(sql);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql + len, cap - len, fmt, ap);
    va_end(ap);
}

/* Appends printf-style text to sql (SQL_MAX bytes). */
#define add(sql, ...) dg__pg_sql_add(sql, SQL_MAX, __VA_ARGS__)

/* The value as parameter text into buf (numbers) or borrowed (text); NULL for SQL NULL. */
static const char *param_text(const dg_column *col, const dg_value *v, char *buf, size_t cap)
{
    if (v->is_null)
        return NULL;
    if (is_text(col))
        return v->u.s;
    if (col->type == DG_TYPE_REAL)
        snprintf(buf, cap, "%.17g", v->u.r);
    else
        snprintf(buf, cap, "%" PRId64, v->u.i);
    return buf;
}

/* "a = $1 AND b = $2" over the natural key, parameters from `first`. */
static void key_condition(char *sql, const dg_entity *e, int first)
{
    for (size_t c = 0; c < e->n_key; c++)
        add(sql, "%s%s = $%d", c ? " AND " : "", e->columns[c].name, first + (int)c);
}

/* ---- the bulk load: COPY into staging tables ----
 * The rows of the entity being loaded gather in copy_buf and go to its staging table through a
 * COPY opened on demand. Every CHUNK_ROWS rows the COPY is ended and the staged rows' merge into
 * the table is sent without waiting (PQsendQuery): the server writes them (the B-tree inserts,
 * the statement triggers of schema/pg/0028) while the importer parses the next rows into
 * copy_buf, so on a machine with a core free the load takes about the longer of the two, not
 * their sum. The next COPY opens once the merge is done; anything else asked of the store waits
 * for it first (dg__pg_copy_pause). All in the one transaction: a failure rolls back every chunk. */

static int put_copy_data(dg_pg *pg, dg_error *err)
{
    if (pg->copy_len && PQputCopyData(pg->conn, pg->copy_buf, (int)pg->copy_len) != 1)
        return dg__pg_error(pg, NULL, "streaming rows (COPY)", err);
    pg->copy_len = 0;
    return 0;
}

/* Runs sql on the connection as it is (no COPY ended, no staged rows written first) and checks
 * the state its last statement left: PGRES_COMMAND_OK, or a COPY's PGRES_COPY_IN or _OUT. */
static int exec_expect(dg_pg *pg, const char *sql, ExecStatusType state, const char *what,
                       dg_error *err)
{
    PGresult *res = PQexec(pg->conn, sql);
    int rc = 0;
    if (!res || PQresultStatus(res) != state)
        rc = dg__pg_error(pg, res, what, err);
    PQclear(res);
    return rc;
}

/* Reads the results after a COPY's data: its command status; the first error unless rc is one
 * already. */
static int copy_finish(dg_pg *pg, int rc, const char *what, dg_error *err)
{
    PGresult *r;
    while ((r = PQgetResult(pg->conn)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
            rc = dg__pg_error(pg, r, what, err);
        PQclear(r);
    }
    return rc;
}

static const char *const stage_prefix = "dg_stage_";

/* Opens the COPY into the staging table of the entity whose rows copy_buf gathers. */
static int copy_open(dg_pg *pg, dg_error *err)
{
    size_t n;
    const dg_entity *e = dg_entity_all(&n)[pg->copying];
    char sql[SQL_MAX] = "";
    add(sql, "COPY %s%s (", stage_prefix, e->name);
    for (size_t c = 0; c < e->n_columns; c++)
        add(sql, "%s%s", c ? ", " : "", e->columns[c].name);
    add(sql, ") FROM STDIN");
    int rc = exec_expect(pg, sql, PGRES_COPY_IN, "starting a COPY", err);
    pg->copy_open = rc == 0;
    return rc;
}

/* Ends the COPY under way, if any, after sending the rows it has not sent yet. */
static int copy_close(dg_pg *pg, dg_error *err)
{
    if (!pg->copy_open)
        return 0;
    pg->copy_open = false;
    int rc = put_copy_data(pg, err);
    if (PQputCopyEnd(pg->conn, NULL) != 1 && rc == 0)
        rc = dg__pg_error(pg, NULL, "ending a COPY", err);
    return copy_finish(pg, rc, "streaming rows (COPY)", err);
}

/* Is e's table empty (a first load)? Then its staged rows go in with a plain INSERT, without
 * the upsert's look-up of each key (false when it cannot tell). Asked once per transaction: the
 * later chunks of a first load are plain INSERTs too (a key an earlier chunk wrote makes the
 * INSERT fail with 23505, and that chunk falls back to the upsert). */
static bool first_load(dg_pg *pg, const dg_entity *e, int ei)
{
    if (pg->first_load[ei] == 0) {
        char sql[256];
        PGresult *res = NULL;
        dg_error ignored;
        snprintf(sql, sizeof sql, "SELECT NOT EXISTS (SELECT 1 FROM %s)", e->name);
        bool empty = dg__pg_run(pg, sql, 0, NULL, &res, "looking at a table", &ignored) == 0 &&
                     PQgetvalue(res, 0, 0)[0] == 't';
        PQclear(res);
        pg->first_load[ei] = empty ? 1 : -1;
    }
    return pg->first_load[ei] > 0;
}

/* The statement writing the staged rows of entity ei into its table, in a savepoint: one upsert
 * of the columns it writes (a plain INSERT in a first load); the fallback when the staging holds
 * one key twice (two files of one entity in one import, or one chunk of a first load repeating
 * a key of an earlier one): the later row wins, as it does row by row in SQLite. */
static void merge_sql(char *sql, dg_pg *pg, const dg_entity *e, int ei, bool fallback)
{
    char cols[SQL_MAX / 2] = "", keys[512] = "";
    bool plain = pg->first_load[ei] > 0 && !fallback;
    uint64_t others = pg->stage_columns[ei] & ~((UINT64_C(1) << e->n_key) - 1);
    for (size_t c = 0; c < e->n_columns; c++)
        snprintf(cols + strlen(cols), sizeof cols - strlen(cols), "%s%s", c ? ", " : "",
                 e->columns[c].name);
    for (size_t c = 0; c < e->n_key; c++)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", c ? ", " : "",
                 e->columns[c].name);
    sql[0] = '\0';
    add(sql, "SAVEPOINT dg_merge; INSERT INTO %s (%s) SELECT ", e->name, cols);
    if (fallback)
        add(sql, "DISTINCT ON (%s) ", keys);
    add(sql, "%s FROM %s%s", cols, stage_prefix, e->name);
    if (fallback)
        add(sql, " ORDER BY %s, ctid DESC", keys);
    if (!plain)
        add(sql, " ON CONFLICT (%s) DO %s", keys, others ? "UPDATE SET " : "NOTHING");
    bool first = true;
    for (size_t c = e->n_key; c < e->n_columns && !plain; c++)
        if (others >> c & 1) {
            add(sql, "%s%s = excluded.%s", first ? "" : ", ", e->columns[c].name,
                e->columns[c].name);
            first = false;
        }
    add(sql, "; RELEASE dg_merge");
}

/* The statement emptying ei's staging table once merged: TRUNCATE makes a new file, worth it
 * for a big batch; a few rows (a customer created on the fly between two runs of orders) are
 * deleted. */
static void empty_sql(char *sql, size_t cap, const dg_entity *e, int64_t rows)
{
    snprintf(sql, cap, "%s %s%s", rows > 10000 ? "TRUNCATE" : "DELETE FROM", stage_prefix,
             e->name);
}

/* Sends the merge of ei's staged rows (and the emptying of its staging table) without waiting
 * for it: merge_wait collects it. A distributed table's merge (cluster_rows.c) is done here. */
static int merge_send(dg_pg *pg, const dg_entity *e, int ei, dg_error *err)
{
    char sql[SQL_MAX + 256];
    int rc = 0;
    if (dg__pg_distributed(pg, e)) {
        char stage[256];
        snprintf(stage, sizeof stage, "%s%s", stage_prefix, e->name);
        uint64_t others = pg->stage_columns[ei] & ~((UINT64_C(1) << e->n_key) - 1);
        if ((rc = dg__pg_merge_distributed(pg, e, stage, others, err)) != 0)
            return rc;
        empty_sql(sql, sizeof sql, e, pg->stage_rows[ei]);
        pg->stage_rows[ei] = 0;
        return dg__pg_run(pg, sql, 0, NULL, NULL, "emptying a staging table", err);
    }
    first_load(pg, e, ei);
    merge_sql(sql, pg, e, ei, false);
    add(sql, "; ");
    empty_sql(sql + strlen(sql), sizeof sql - strlen(sql), e, pg->stage_rows[ei]);
    pg->stage_rows[ei] = 0;   /* from here on: the next chunk's rows */
    if (PQsendQuery(pg->conn, sql) != 1)
        return dg__pg_error(pg, NULL, "writing the imported rows", err);
    pg->merging = ei;
    return 0;
}

/* Waits for the merge merge_send sent and reads its results. A key twice (cardinality_violation;
 * in a plain INSERT, 23505, which a row another writer added gives too) rolls it back to its
 * savepoint and writes the rows again with the fallback upsert. */
static int merge_wait(dg_pg *pg, dg_error *err)
{
    int ei = pg->merging, rc = 0;
    if (ei < 0)
        return 0;
    pg->merging = -1;
    size_t n;
    const dg_entity *e = dg_entity_all(&n)[ei];
    bool twice = false;
    PGresult *r;
    while ((r = PQgetResult(pg->conn)) != NULL) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0 && !twice) {
            twice = state && (strcmp(state, "21000") == 0 ||
                              (pg->first_load[ei] > 0 && strcmp(state, "23505") == 0));
            if (!twice)
                rc = dg__pg_error(pg, r, "writing the imported rows", err);
        }
        PQclear(r);
    }
    if (rc != 0 || !twice)
        return rc;
    /* as is: the next chunk's rows, gathered meanwhile, are not in the staging table yet */
    char sql[SQL_MAX + 256] = "ROLLBACK TO SAVEPOINT dg_merge; ";
    merge_sql(sql + strlen(sql), pg, e, ei, true);
    add(sql, "; TRUNCATE %s%s", stage_prefix, e->name);
    return exec_expect(pg, sql, PGRES_COMMAND_OK, "writing the imported rows", err);
}

int dg__pg_copy_pause(dg_pg *pg, dg_error *err)
{
    int rc = merge_wait(pg, err);
    return rc == 0 ? copy_close(pg, err) : rc;
}

/* Sends every row gathered to its staging table and ends the COPY: copy_buf is free for
 * another entity's rows, or the staging table is complete for its merge. */
static int copy_end(dg_pg *pg, dg_error *err)
{
    int rc = merge_wait(pg, err);
    if (rc == 0 && pg->copying >= 0 && !pg->copy_open && pg->copy_len)
        rc = copy_open(pg, err);
    if (rc == 0)
        rc = copy_close(pg, err);
    pg->copying = -1;
    pg->copy_len = 0;
    return rc;
}

void dg__pg_forget_stage(dg_pg *pg)
{
    for (size_t i = 0; i < DG_PG_MAX_ENTITIES; i++) {
        pg->staged[i] = pg->pending[i] = false;
        pg->stage_rows[i] = 0;
        pg->first_load[i] = 0;
    }
    pg->copying = pg->merging = -1;
    pg->copy_open = false;
    pg->copy_len = 0;
}

/* Ends a COPY under way and writes the staged rows of the entities up to `last` in the
 * catalog's order, which puts every referenced entity before those referring to it (staff,
 * customers, products, orders, order lines, ...): the references are checked as each table is
 * written (schema/pg/0028), so a customer created on the fly is written before its orders. The
 * entities after `last` stay staged: a look-up of a customer while orders stream does not write
 * the orders, which would cost a merge per row; nor does it send them (a COPY per row): they
 * wait in copy_buf. */
static int sync_upto(dg_pg *pg, size_t last, dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = dg__pg_copy_pause(pg, err);
    for (size_t i = 0; i < n && i <= last && i < DG_PG_MAX_ENTITIES && rc == 0; i++)
        if (pg->pending[i]) {
            pg->pending[i] = false;   /* first: merge's own statements sync again */
            if (pg->copying == (int)i)
                rc = copy_end(pg, err);
            if (rc == 0)
                rc = merge_send(pg, all[i], (int)i, err);
            if (rc == 0)
                rc = merge_wait(pg, err);
        }
    return rc;
}

static int sync_entity(dg_pg *pg, const dg_entity *e, dg_error *err)
{
    int ei = entity_index(e);
    return ei >= 0 ? sync_upto(pg, (size_t)ei, err) : dg__pg_copy_pause(pg, err);
}

int dg__pg_sync(dg_pg *pg, dg_error *err)
{
    return sync_upto(pg, SIZE_MAX, err);
}

/* A chunk of CHUNK_ROWS rows staged: the entities before ei written (a customer created on the
 * fly before its orders), then the chunk's merge sent, while the rows after it gather in
 * copy_buf for the next chunk. */
static int merge_chunk(dg_pg *pg, const dg_entity *e, int ei, dg_error *err)
{
    int rc = copy_end(pg, err);
    if (rc == 0 && ei > 0)
        rc = sync_upto(pg, (size_t)ei - 1, err);
    if (rc == 0)
        rc = merge_send(pg, e, ei, err);
    pg->copying = ei;   /* the next rows are ei's still */
    return rc;
}

/* Sends the rows gathered in copy_buf: at once while the COPY is open; else, while a chunk's
 * merge runs, they wait in copy_buf until it is done (looked at without waiting, unless
 * copy_buf has grown past COPY_HOLD) and then open the next COPY. */
static int flush_rows(dg_pg *pg, dg_error *err)
{
    int rc = 0;
    if (pg->merging >= 0) {
        if (PQconsumeInput(pg->conn) != 1)
            return dg__pg_error(pg, NULL, "writing the imported rows", err);
        if (PQisBusy(pg->conn) && pg->copy_len < COPY_HOLD)
            return 0;
        rc = merge_wait(pg, err);
    }
    if (rc == 0 && !pg->copy_open)
        rc = copy_open(pg, err);
    return rc == 0 ? put_copy_data(pg, err) : rc;
}

/* Goes on with (or starts) gathering the rows of e for its staging table, writing `columns`. */
static int copy_begin(dg_pg *pg, const dg_entity *e, int ei, uint64_t columns, dg_error *err)
{
    char sql[SQL_MAX] = "";
    int rc;
    if (pg->copying == ei && pg->stage_columns[ei] == columns)
        return 0;
    if ((rc = copy_end(pg, err)) != 0)
        return rc;
    if (pg->pending[ei] && pg->stage_columns[ei] != columns && (rc = sync_entity(pg, e, err)) != 0)
        return rc;
    if (!pg->staged[ei]) {
        /* no constraints: the importer has validated every value, the upsert checks the rest */
        add(sql, "CREATE TEMPORARY TABLE IF NOT EXISTS %s%s ON COMMIT DROP AS SELECT * FROM %s "
            "WITH NO DATA", stage_prefix, e->name, e->name);
        if ((rc = dg__pg_run(pg, sql, 0, NULL, NULL, "making a staging table", err)) != 0)
            return rc;
        pg->staged[ei] = true;
    }
    pg->copying = ei;   /* the COPY opens when there are rows to send (flush_rows) */
    pg->pending[ei] = true;
    pg->stage_columns[ei] = columns;
    return 0;
}

static int reserve(dg_pg *pg, size_t more, dg_error *err)
{
    if (pg->copy_len + more <= pg->copy_cap)
        return 0;
    size_t cap = pg->copy_cap ? pg->copy_cap : COPY_FLUSH + 4096;
    while (cap < pg->copy_len + more)
        cap *= 2;
    char *buf = realloc(pg->copy_buf, cap);
    if (!buf)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    pg->copy_buf = buf;
    pg->copy_cap = cap;
    return 0;
}

/* Appends one row in COPY's text format: tab-separated, \N for NULL, backslash escapes. */
static int copy_row(dg_pg *pg, const dg_entity *e, const dg_value *row, dg_error *err)
{
    for (size_t c = 0; c < e->n_columns; c++) {
        const dg_value *v = &row[c];
        size_t need = v->is_null || !is_text(&e->columns[c]) ? 40 : 2 * strlen(v->u.s) + 2;
        if (reserve(pg, need, err) != 0)
            return DG_ENOMEM;
        char *p = pg->copy_buf + pg->copy_len;
        if (c)
            *p++ = '\t';
        if (v->is_null) {
            memcpy(p, "\\N", 2);
            p += 2;
        } else if (is_text(&e->columns[c])) {
            for (const char *s = v->u.s; *s; s++) {
                char esc = *s == '\\' ? '\\' : *s == '\t' ? 't' : *s == '\n' ? 'n'
                         : *s == '\r' ? 'r' : 0;
                if (esc) {
                    *p++ = '\\';
                    *p++ = esc;
                } else {
                    *p++ = *s;
                }
            }
        } else {
            char num[40];
            const char *t = param_text(&e->columns[c], v, num, sizeof num);
            size_t len = strlen(t);
            memcpy(p, t, len);
            p += len;
        }
        pg->copy_len = (size_t)(p - pg->copy_buf);
    }
    if (reserve(pg, 1, err) != 0)
        return DG_ENOMEM;
    pg->copy_buf[pg->copy_len++] = '\n';
    int ei = pg->copying;
    if (++pg->stage_rows[ei] >= CHUNK_ROWS && pg->copy_open && pg->merging < 0 &&
        !dg__pg_distributed(pg, e))
        return merge_chunk(pg, e, ei, err);
    return pg->copy_len >= COPY_FLUSH ? flush_rows(pg, err) : 0;
}

/* ---- rows one by one ---- */

int dg__pg_exists(dg_pg *pg, const dg_entity *e, const char *key, bool *found, dg_error *err)
{
    char sql[512] = "";
    PGresult *res = NULL;
    const char *params[] = { key };
    int rc = sync_entity(pg, e, err);
    if (rc != 0)
        return rc;
    assert(e->n_key == 1);
    add(sql, "SELECT 1 FROM %s WHERE %s = $1", e->name, e->columns[0].name);
    if ((rc = dg__pg_run(pg, sql, 1, params, &res, "looking up a key", err)) != 0)
        return rc;
    *found = PQntuples(res) > 0;
    PQclear(res);
    return 0;
}

int dg__pg_put(dg_pg *pg, const dg_entity *e, const dg_value *row, uint64_t columns,
               bool insert_only, dg_error *err)
{
    int ei = entity_index(e), rc;
    assert(ei >= 0 && ei < DG_PG_MAX_ENTITIES && e->n_columns <= MAX_COLUMNS);
    if (pg->readonly)
        return dg_error_set(err, DG_EINVAL, "%s: the store is open read-only", pg->name);
    if (pg->unchecked && !insert_only) {
        if ((rc = copy_begin(pg, e, ei, columns, err)) != 0)
            return rc;
        return copy_row(pg, e, row, err);
    }
    char sql[SQL_MAX] = "", nums[MAX_COLUMNS][40];
    const char *params[MAX_COLUMNS];
    uint64_t others = insert_only ? 0 : columns & ~((UINT64_C(1) << e->n_key) - 1);
    char what[256];
    snprintf(what, sizeof what, "cannot write %s \"%s\"", e->label,
             row[0].is_null ? "" : row[0].u.s);
    add(sql, "INSERT INTO %s (", e->name);
    for (size_t c = 0; c < e->n_columns; c++) {
        add(sql, "%s%s", c ? ", " : "", e->columns[c].name);
        params[c] = param_text(&e->columns[c], &row[c], nums[c], sizeof nums[c]);
    }
    bool none = false;
    if (dg__pg_distributed(pg, e)) {
        rc = dg__pg_put_distributed(pg, e, params, others, insert_only, &none, what, err);
        if (rc != 0)
            return rc;
        goto done;
    }
    add(sql, ") VALUES (");
    for (size_t c = 0; c < e->n_columns; c++)
        add(sql, "%s$%zu", c ? ", " : "", c + 1);
    add(sql, ") ON CONFLICT (");
    for (size_t c = 0; c < e->n_key; c++)
        add(sql, "%s%s", c ? ", " : "", e->columns[c].name);
    add(sql, ") DO %s", others ? "UPDATE SET " : "NOTHING");
    bool first = true;
    for (size_t c = e->n_key; c < e->n_columns; c++)
        if (others >> c & 1) {
            add(sql, "%s%s = excluded.%s", first ? "" : ", ", e->columns[c].name,
                e->columns[c].name);
            first = false;
        }
    PGresult *res = NULL;
    if ((rc = dg__pg_exec(pg, sql, (int)e->n_columns, params, &res, what, err)) != 0)
        return rc;
    none = strcmp(PQcmdTuples(res), "0") == 0;
    PQclear(res);
done:
    if (insert_only && none)
        return dg_error_set(err, DG_EEXIST, "%s \"%s\" exists already", e->label,
                            row[0].is_null ? "" : row[0].u.s);
    return 0;
}

int dg__pg_delete(dg_pg *pg, const dg_entity *e, const dg_value *key_row, dg_error *err)
{
    char sql[512] = "", nums[MAX_COLUMNS][40];
    const char *params[MAX_COLUMNS];
    if (pg->readonly)
        return dg_error_set(err, DG_EINVAL, "%s: the store is open read-only", pg->name);
    add(sql, "DELETE FROM %s WHERE ", e->name);
    key_condition(sql, e, 1);
    for (size_t c = 0; c < e->n_key; c++)
        params[c] = param_text(&e->columns[c], &key_row[c], nums[c], sizeof nums[c]);
    PGresult *res = NULL;
    int rc = dg__pg_sync(pg, err);
    if (rc == 0)
        rc = dg__pg_exec(pg, sql, (int)e->n_key, params, &res, "deleting", err);
    if (rc == DG_ESTORE && strstr(err ? err->message : "", "foreign key"))
        return dg_error_set(err, DG_EEXIST, "cannot delete %s \"%s\": other records refer to it",
                            e->label, key_row[0].u.s);
    if (rc != 0)
        return rc;
    bool none = strcmp(PQcmdTuples(res), "0") == 0;
    PQclear(res);
    return none ? dg_error_set(err, DG_ENOTFOUND, "no %s \"%s\"", e->label, key_row[0].u.s) : 0;
}

/* ---- scans ---- */

static const dg_scan_filter no_filter = { 0 };

/* filter's WHERE clause (parameters from $1) and its parameters into params; their number. */
static int append_filter(char *sql, const dg_entity *e, const dg_scan_filter *filter,
                         const char **params, char *pattern, size_t cap, dg_error *err)
{
    const char *where = " WHERE ";
    int n = 0;
    if (filter->key) {
        add(sql, "%s%s = $%d", where, e->columns[0].name, ++n);
        params[n - 1] = filter->key;
        where = " AND ";
    }
    if (filter->customer_id) {
        if (dg_entity_column(e, "customer_id") < 0)
            return dg_error_set(err, DG_EINVAL, "%s have no customer_id", e->name);
        add(sql, "%scustomer_id = $%d", where, ++n);
        params[n - 1] = filter->customer_id;
        where = " AND ";
    }
    if (filter->search) {
        if (strcmp(e->name, "customers") != 0)
            return dg_error_set(err, DG_EINVAL, "search applies to customers only");
        size_t o = 0;   /* LIKE's wildcards escaped by '\', wrapped in % ... % */
        pattern[o++] = '%';
        for (const char *p = filter->search; *p && o + 3 < cap; p++) {
            if (*p == '%' || *p == '_' || *p == '\\')
                pattern[o++] = '\\';
            pattern[o++] = *p;
        }
        pattern[o++] = '%';
        pattern[o] = '\0';
        params[n++] = pattern;
        /* ILIKE: SQLite's LIKE ignores the case of ASCII letters */
        add(sql, "%s(customer_id ILIKE $%d ESCAPE '\\'", where, n);
        for (size_t c = 0; !filter->search_no_personal && c < e->n_columns; c++)
            if (e->columns[c].personal != DG_PERSONAL_NONE)
                add(sql, " OR %s ILIKE $%d ESCAPE '\\'", e->columns[c].name, n);
        add(sql, ")");
    }
    return n;
}

static int time_column(const dg_entity *e)
{
    for (size_t c = 0; c < e->n_columns; c++)
        if (e->columns[c].type == DG_TYPE_DATE || e->columns[c].type == DG_TYPE_TIMESTAMP)
            return (int)c;
    return -1;
}

/* One field's text into v (text borrowed from the buffer). */
static void parse_value(const dg_column *col, const char *text, dg_value *v)
{
    if (is_text(col))
        *v = (dg_value){ .u.s = text };
    else if (col->type == DG_TYPE_REAL)
        *v = (dg_value){ .u.r = strtod(text, NULL) };
    else
        *v = (dg_value){ .u.i = strtoll(text, NULL, 10) };
}

/* Splits one COPY text line in place into n fields (unescaping them); false when it has
 * another number of fields. */
static bool split_line(char *line, char **fields, bool *null, size_t n)
{
    size_t f = 0;
    char *out = line;
    fields[0] = out;
    for (char *p = line;; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\0') {
            bool end = *p != '\t';
            *out++ = '\0';
            null[f] = strcmp(fields[f], "\\N") == 0;
            if (end || ++f >= n)
                return end && f == n - 1;
            fields[f] = out;
        } else if (*p == '\\' && p[1] && p[1] != 'N') {
            p++;
            *out++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p == 'b' ? '\b'
                   : *p == 'f' ? '\f' : *p == 'v' ? '\v' : *p;
        } else {
            *out++ = *p;
        }
    }
}

/* Runs a COPY (...) TO STDOUT of e's rows, calling fn with each line split into n fields. */
typedef int (*line_fn)(void *ctx, char **fields, bool *null);
static int copy_out(dg_pg *pg, const dg_entity *e, const char *sql, size_t n, line_fn fn,
                    void *ctx, dg_error *err)
{
    char *fields[MAX_COLUMNS];
    bool null[MAX_COLUMNS];
    int rc = sync_entity(pg, e, err);
    if (rc == 0)
        rc = exec_expect(pg, sql, PGRES_COPY_OUT, "reading records", err);
    if (rc != 0)
        return rc;
    char *line = NULL;
    int len;
    while ((len = PQgetCopyData(pg->conn, &line, 0)) > 0) {
        if (rc == 0 && !split_line(line, fields, null, n))
            rc = dg_error_set(err, DG_ESTORE, "%s: a COPY row has an unexpected shape", pg->name);
        if (rc == 0)
            rc = fn(ctx, fields, null);
        PQfreemem(line);
    }
    if (len == -2 && rc == 0)
        rc = dg__pg_error(pg, NULL, "reading records", err);
    return copy_finish(pg, rc, "reading records", err);
}

typedef struct {
    const dg_entity *e;
    dg_row_fn fn;
    void *ctx;
} scan_ctx;

static int on_scan_line(void *p, char **fields, bool *null)
{
    scan_ctx *x = p;
    dg_value row[MAX_COLUMNS];
    for (size_t c = 0; c < x->e->n_columns; c++) {
        if (null[c])
            row[c] = (dg_value){ .is_null = true };
        else
            parse_value(&x->e->columns[c], fields[c], &row[c]);
    }
    return x->fn(x->ctx, row);
}

int dg__pg_scan(dg_pg *pg, const dg_entity *e, const dg_scan_filter *filter, dg_row_fn fn,
                void *ctx, dg_error *err)
{
    char sql[SQL_MAX] = "", pattern[512];
    const char *params[4];
    if (!filter)
        filter = &no_filter;
    assert(e->n_columns <= MAX_COLUMNS);
    bool whole = !filter->key && !filter->customer_id && !filter->search && !filter->limit &&
                 !filter->offset;
    add(sql, "%sSELECT ", whole ? "COPY (" : "");
    for (size_t c = 0; c < e->n_columns; c++)   /* the columns not asked for are read as NULL */
        add(sql, "%s%s", c ? ", " : "",
            !filter->columns || filter->columns >> c & 1 ? e->columns[c].name : "NULL");
    add(sql, " FROM %s", e->name);
    int n = append_filter(sql, e, filter, params, pattern, sizeof pattern, err);
    if (n < 0)
        return n;
    int tc = time_column(e);
    if (!filter->unordered) {
        add(sql, " ORDER BY ");
        if (filter->newest_first && tc >= 0)
            add(sql, "%s DESC, ", e->columns[tc].name);
        for (size_t c = 0; c < e->n_key; c++)
            add(sql, "%s%s%s", c ? ", " : "", e->columns[c].name,
                is_text(&e->columns[c]) ? " COLLATE \"C\"" : "");
    }
    scan_ctx x = { e, fn, ctx };
    if (whole) {
        add(sql, ") TO STDOUT");
        return copy_out(pg, e, sql, e->n_columns, on_scan_line, &x, err);
    }
    if (filter->limit)
        add(sql, " LIMIT %zu", filter->limit);
    if (filter->offset)
        add(sql, " OFFSET %zu", filter->offset);
    /* a record looked up inside a write transaction is locked until it ends, as SQLite's BEGIN
     * IMMEDIATE holds the whole store: a read-change-write (a PATCH's merge) reads the newest
     * committed row and no other writer changes it before the write, so no update is lost */
    if (filter->key)
        add(sql, "%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    int rc = sync_entity(pg, e, err);
    if (rc == 0)
        rc = dg__pg_run(pg, sql, n, params, &res, "reading records", err);
    if (rc != 0)
        return rc;
    dg_value row[MAX_COLUMNS];
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        for (size_t c = 0; c < e->n_columns; c++) {
            if (PQgetisnull(res, r, (int)c))
                row[c] = (dg_value){ .is_null = true };
            else
                parse_value(&e->columns[c], PQgetvalue(res, r, (int)c), &row[c]);
        }
        rc = fn(ctx, row);
    }
    PQclear(res);
    return rc;
}

int dg__pg_count(dg_pg *pg, const dg_entity *e, const dg_scan_filter *filter, int64_t *count,
                 dg_error *err)
{
    char sql[SQL_MAX] = "", pattern[512];
    const char *params[4];
    if (!filter)
        filter = &no_filter;
    add(sql, "SELECT count(*) FROM %s", e->name);
    int n = append_filter(sql, e, filter, params, pattern, sizeof pattern, err);
    if (n < 0)
        return n;
    PGresult *res = NULL;
    int rc = sync_entity(pg, e, err);
    if (rc == 0)
        rc = dg__pg_run(pg, sql, n, params, &res, "counting records", err);
    if (rc != 0)
        return rc;
    *count = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return 0;
}

typedef struct {
    dg_key_fn fn;
    void *ctx;
} keys_ctx;

static int on_key_line(void *p, char **fields, bool *null)
{
    keys_ctx *x = p;
    (void)null;
    return x->fn(x->ctx, fields[0], strlen(fields[0]));
}

int dg__pg_keys(dg_pg *pg, const dg_entity *e, dg_key_fn fn, void *ctx, dg_error *err)
{
    char sql[512] = "";
    keys_ctx x = { fn, ctx };
    add(sql, "COPY (SELECT %s FROM %s) TO STDOUT", e->columns[0].name, e->name);
    return copy_out(pg, e, sql, 1, on_key_line, &x, err);
}

int dg__pg_stats(dg_pg *pg, dg_entity_stats *out, dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = dg__pg_sync(pg, err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const dg_entity *e = all[i];
        int tc = time_column(e);
        char sql[1024] = "";
        PGresult *res = NULL;
        if (tc >= 0) {
            const char *name = e->columns[tc].name;
            add(sql, "SELECT count(*), min(%s), max(%s) FROM %s", name, name, e->name);
        } else {
            add(sql, "SELECT count(*), NULL, NULL FROM %s", e->name);
        }
        if ((rc = dg__pg_exec(pg, sql, 0, NULL, &res, "counting records", err)) != 0)
            break;
        out[i] = (dg_entity_stats){ .entity = e, .count = strtoll(PQgetvalue(res, 0, 0), NULL, 10) };
        if (!PQgetisnull(res, 0, 1)) {
            out[i].has_range = true;
            out[i].first_day = dg__column_day(&e->columns[tc],
                                              strtoll(PQgetvalue(res, 0, 1), NULL, 10));
            out[i].last_day = dg__column_day(&e->columns[tc],
                                             strtoll(PQgetvalue(res, 0, 2), NULL, 10));
        }
        PQclear(res);
    }
    return rc;
}
