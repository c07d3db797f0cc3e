/* The frame snapshot on a PostgreSQL store (snapshot_postgres.h; docs/postgresql.md, "The frame
 * snapshot"): the same tables as SQLite's (schema/pg/0003), the chunks as BYTEA read one by one.
 * Writers run side by side there, so "never stale" needs one more rule than SQLite's triggers:
 * every transaction that writes a record table holds, from its first such statement to its end,
 * a shared advisory lock (DG__PG_MARK_LOCK), and bumps the generation on that first statement when the
 * snapshot was claimed. A claim takes the same lock exclusively without waiting, so it happens
 * only when no writer is under way: a writer either committed before it (its rows are in the
 * frame read after the claim) or begins after it and bumps the generation, in its own
 * transaction, so a frame read without its rows is never saved under the generation its rows
 * commit with. Claims and saves never wait (NOWAIT, try-lock): a busy store is just not saved. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/snapshot.h"
#include "store/snapshot_postgres.h"

/* Run once per transaction (the setting is local to it), before the first statement that writes
 * a record table: its locks come before the statement's row locks. */
static const char mark_function[] =
    "CREATE OR REPLACE FUNCTION dg_frame_snapshot_mark() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
    "BEGIN\n"
    "  IF current_setting('dangol.frame_marked', true) IS DISTINCT FROM 'on' THEN\n"
    "    PERFORM pg_advisory_xact_lock_shared(" DG__PG_MARK_LOCK ");\n"
    "    UPDATE frame_snapshot_state SET generation = generation + 1, dirty = 1\n"
    "      WHERE id = 1 AND dirty = 0;\n"
    "    PERFORM set_config('dangol.frame_marked', 'on', true);\n"
    "  END IF;\n"
    "  RETURN NULL;\n"
    "END $f$";

#define HEADER_COLUMNS "variant, format, generation, chunks, bytes, customers, orders, lines, " \
                       "as_of, saved_at"

int dg__pg_snapshot_state(dg_pg *pg, int64_t *generation, bool *dirty, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, "SELECT generation, dirty FROM frame_snapshot_state WHERE id = 1",
                            0, NULL, &res, "reading the snapshot state", err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return dg_error_set(err, DG_ESTORE, "%s: the snapshot state row is missing", pg->name);
    *generation = dg__pg_int_at(res, 0);
    *dirty = dg__pg_int_at(res, 1) != 0;
    PQclear(res);
    return 0;
}

/* A transaction of its own that may write even on a read-only connection, with the state row
 * locked at once or DG_EBUSY; *generation and *dirty as locked. */
static int begin_locked(dg_pg *pg, int64_t *generation, bool *dirty, dg_error *err)
{
    if (pg->in_transaction || pg->in_read)
        return dg_error_set(err, DG_EBUSY, "%s: the snapshot is not written inside a transaction",
                            pg->name);
    PGresult *res = NULL;
    int rc = dg__pg_run(pg, "BEGIN READ WRITE", 0, NULL, NULL, "writing the snapshot", err);
    if (rc != 0)
        return rc;
    pg->in_transaction = true;
    rc = dg__pg_one_row(pg, "SELECT generation, dirty FROM frame_snapshot_state WHERE id = 1 "
                        "FOR UPDATE NOWAIT", 0, NULL, &res, "locking the snapshot state", err);
    if (rc == 0)
        rc = dg_error_set(err, DG_ESTORE, "%s: the snapshot state row is missing", pg->name);
    if (rc == 1) {
        *generation = dg__pg_int_at(res, 0);
        *dirty = dg__pg_int_at(res, 1) != 0;
        rc = 0;
    }
    PQclear(res);
    return rc;
}

static int end_locked(dg_pg *pg, int rc, dg_error *err)
{
    if (rc == 0)
        rc = dg__pg_run(pg, "COMMIT", 0, NULL, NULL, "writing the snapshot", err);
    if (rc != 0)
        dg__pg_rollback(pg);
    pg->in_transaction = false;
    return rc;
}

int dg__pg_snapshot_claim(dg_pg *pg, dg_error *err)
{
    int64_t generation;
    bool dirty, alone = false;
    int rc = begin_locked(pg, &generation, &dirty, err);
    if (rc == 0)
        rc = dg__pg_flag(pg, "SELECT pg_try_advisory_xact_lock(" DG__PG_MARK_LOCK ")", &alone,
                         "claiming the snapshot", err);
    if (rc == 0 && !alone)
        rc = dg_error_set(err, DG_EBUSY, "%s: claiming the snapshot: another process is writing "
                          "to the store", pg->name);
    if (rc == 0)
        rc = dg__pg_run(pg, "UPDATE frame_snapshot_state SET dirty = 0 WHERE id = 1", 0, NULL,
                        NULL, "claiming the snapshot", err);
    return end_locked(pg, rc, err);
}

/* sql with its n parameters, each text or binary as formats says. */
static int exec_binary(dg_pg *pg, const char *sql, int n, const char *const *values,
                       const int *lengths, const int *formats, const char *what, dg_error *err)
{
    PGresult *res = PQexecParams(pg->conn, sql, n, NULL, values, lengths, formats, 0);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : dg__pg_error(pg, res, what, err);
    PQclear(res);
    return rc;
}

static int write_snapshot(dg_pg *pg, const dg_store_snapshot *info, const unsigned char *data,
                          size_t len, size_t chunk_bytes, dg_error *err)
{
    static const char *const drops[] = {
        "DELETE FROM frame_snapshot WHERE variant = $1 OR variant IN "
        "(SELECT variant FROM frame_snapshot_header WHERE generation <> $2)",
        "DELETE FROM frame_snapshot_header WHERE variant = $1 OR generation <> $2",
    };
    dg__pg_number generation, number[8];
    const char *header[] = {
        info->variant, dg__pg_int(generation, info->generation),
        dg__pg_int(number[0], info->format), dg__pg_int(number[1], info->chunks),
        dg__pg_int(number[2], info->bytes), dg__pg_int(number[3], info->customers),
        dg__pg_int(number[4], info->orders), dg__pg_int(number[5], info->lines),
        dg__pg_int(number[6], info->as_of), dg__pg_int(number[7], info->saved_at),
    };
    int rc = 0;
    for (size_t i = 0; i < 2 && rc == 0; i++)
        rc = dg__pg_run(pg, drops[i], 2, header, NULL, "writing the snapshot", err);
    /* the delta segments up to this generation are in this frame (docs/snapshot.md) */
    if (rc == 0)
        rc = dg__pg_run(pg, "DELETE FROM frame_snapshot_delta WHERE generation <= $1", 1,
                        &header[1], NULL, "writing the snapshot", err);
    if (rc == 0)
        rc = dg__pg_run(pg, "INSERT INTO frame_snapshot_header (" HEADER_COLUMNS ") VALUES "
                        "($1, $3, $2, $4, $5, $6, $7, $8, $9, $10)", 10, header, NULL,
                        "writing the snapshot", err);
    for (int64_t k = 0; k < info->chunks && rc == 0; k++) {
        size_t off = (size_t)k * chunk_bytes, n = len - off < chunk_bytes ? len - off : chunk_bytes;
        dg__pg_number chunk, checksum;
        const char *values[] = {
            info->variant, dg__pg_int(chunk, k),
            dg__pg_int(checksum, (int64_t)dg__snapshot_checksum(data + off, n)),
            (const char *)data + off,
        };
        const int lengths[] = { 0, 0, 0, (int)n }, formats[] = { 0, 0, 0, 1 };
        rc = exec_binary(pg, "INSERT INTO frame_snapshot (variant, chunk, checksum, data) "
                         "VALUES ($1, $2, $3, $4)", 4, values, lengths, formats,
                         "writing a snapshot chunk", err);
    }
    return rc;
}

int dg__pg_snapshot_save(dg_pg *pg, dg_store_snapshot *info, const void *data, size_t len,
                         size_t chunk_bytes, dg_error *err)
{
    int64_t generation;
    bool dirty;
    int rc = begin_locked(pg, &generation, &dirty, err);
    if (rc == 0 && (dirty || generation != info->generation))
        rc = dg_error_set(err, DG_EABORTED, "%s: the store changed while its frame was read "
                          "(generation %lld, now %lld%s); the snapshot is not saved", pg->name,
                          (long long)info->generation, (long long)generation,
                          dirty ? ", dirty" : "");
    if (rc == 0)
        rc = write_snapshot(pg, info, data, len, chunk_bytes, err);
    return end_locked(pg, rc, err);
}

static void read_header(const PGresult *res, int row, dg_store_snapshot *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->variant, sizeof info->variant, "%s", PQgetvalue(res, row, 0));
    info->format = atoi(PQgetvalue(res, row, 1));
    info->generation = strtoll(PQgetvalue(res, row, 2), NULL, 10);
    info->chunks = strtoll(PQgetvalue(res, row, 3), NULL, 10);
    info->bytes = strtoll(PQgetvalue(res, row, 4), NULL, 10);
    info->customers = strtoll(PQgetvalue(res, row, 5), NULL, 10);
    info->orders = strtoll(PQgetvalue(res, row, 6), NULL, 10);
    info->lines = strtoll(PQgetvalue(res, row, 7), NULL, 10);
    info->as_of = atoi(PQgetvalue(res, row, 8));
    info->saved_at = strtoll(PQgetvalue(res, row, 9), NULL, 10);
}

int dg__pg_snapshot_list(dg_pg *pg, dg_store_snapshot *out, size_t cap, size_t *n,
                         dg_error *err)
{
    PGresult *res = NULL;
    *n = 0;
    int rc = dg__pg_exec(pg, "SELECT " HEADER_COLUMNS " FROM frame_snapshot_header "
                         "ORDER BY variant COLLATE \"C\"", 0, NULL, &res,
                         "reading the snapshot headers", err);
    for (int row = 0; rc == 0 && row < PQntuples(res) && *n < cap; row++)
        read_header(res, row, &out[(*n)++]);
    PQclear(res);
    return rc;
}

struct dg__pg_chunks {
    dg_pg *pg;
    char variant[32];
    PGresult *list;            /* chunk, checksum, octet_length(data), in chunk order */
    int row;                   /* the row dg__pg_chunks_next gave last */
    PGresult *data;            /* the bytes of the chunk read last */
};

int dg__pg_snapshot_open(dg_pg *pg, const char *variant, dg_store_snapshot *info,
                         dg__pg_chunks **out, dg_error *err)
{
    PGresult *res = NULL;
    *out = NULL;
    int rc = dg__pg_one_row(pg, "SELECT " HEADER_COLUMNS " FROM frame_snapshot_header "
                            "WHERE variant = $1", 1, &variant, &res,
                            "reading the snapshot header", err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "%s: no snapshot %s", pg->name, variant);
    read_header(res, 0, info);
    PQclear(res);
    dg__pg_chunks *c = calloc(1, sizeof *c);
    if (!c)
        return dg_error_set(err, DG_ENOMEM, "out of memory reading snapshot %s", variant);
    c->pg = pg;
    c->row = -1;
    snprintf(c->variant, sizeof c->variant, "%s", variant);
    rc = dg__pg_exec(pg, "SELECT chunk, checksum, octet_length(data) FROM frame_snapshot "
                     "WHERE variant = $1 ORDER BY chunk", 1, &variant, &c->list,
                     "reading the snapshot", err);
    if (rc != 0) {
        dg__pg_chunks_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

int dg__pg_chunks_next(dg__pg_chunks *c, int64_t *chunk, uint64_t *checksum, int64_t *len)
{
    if (c->row + 1 >= PQntuples(c->list))
        return 0;
    c->row++;
    *chunk = strtoll(PQgetvalue(c->list, c->row, 0), NULL, 10);
    *checksum = (uint64_t)strtoll(PQgetvalue(c->list, c->row, 1), NULL, 10);
    *len = strtoll(PQgetvalue(c->list, c->row, 2), NULL, 10);
    return 1;
}

int dg__pg_chunks_read(dg__pg_chunks *c, const void **data, int64_t len, dg_error *err)
{
    const char *params[] = { c->variant, PQgetvalue(c->list, c->row, 0) };
    PQclear(c->data);
    c->data = PQexecParams(c->pg->conn, "SELECT data FROM frame_snapshot WHERE variant = $1 "
                           "AND chunk = $2", 2, NULL, params, NULL, NULL, 1);
    if (PQresultStatus(c->data) != PGRES_TUPLES_OK)
        return dg__pg_error(c->pg, c->data, "reading a snapshot chunk", err);
    if (PQntuples(c->data) != 1 || PQgetlength(c->data, 0, 0) != len)
        return dg_error_set(err, DG_ESTORE, "%s: snapshot %s: chunk %s changed while it was read",
                            c->pg->name, c->variant, params[1]);
    *data = PQgetvalue(c->data, 0, 0);
    return 0;
}

void dg__pg_chunks_close(dg__pg_chunks *c)
{
    if (!c)
        return;
    PQclear(c->list);
    PQclear(c->data);
    free(c);
}

/* ---- the triggers ---- */

#define UNMARKED_TABLES \
    "SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace " \
    "WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'p') " \
    /* nor settings, which the frame does not read: on PostgreSQL it holds the audit trail's \
     * counter (audit_postgres.c), which every audited write moves */ \
    "AND c.relname NOT IN ('schema_version', 'settings') AND " DG__SNAPSHOT_TRACKED("c.relname") \
    "AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid " \
    "AND g.tgname = 'frame_snapshot_mark') ORDER BY c.relname"

int dg__pg_snapshot_triggers(dg_pg *pg, bool migrated, dg_error *err)
{
    PGresult *res = NULL;
    bool kept = false;
    int rc = dg__pg_flag(pg, "SELECT to_regclass('frame_snapshot_state') IS NOT NULL", &kept,
                         "looking for the snapshot state", err);
    if (rc == 0 && kept)
        rc = dg__pg_exec(pg, UNMARKED_TABLES, 0, NULL, &res, "listing the tables", err);
    if (rc != 0 || !kept || (PQntuples(res) == 0 && !migrated)) {
        PQclear(res);
        return rc;
    }
    PQclear(res);
    res = NULL;
    /* again under the migrations' lock: two processes opening at once create them once */
    rc = dg__pg_run(pg, "BEGIN; SELECT pg_advisory_xact_lock(" DG__PG_MIGRATION_LOCK "); "
                    "SELECT pg_advisory_xact_lock_shared(" DG__PG_MARK_LOCK ")", 0, NULL, NULL,
                    "creating the snapshot triggers", err);
    pg->in_transaction = rc == 0;
    if (rc == 0)
        rc = dg__pg_run(pg, mark_function, 0, NULL, NULL, "creating the snapshot triggers", err);
    if (rc == 0)
        rc = dg__pg_run(pg, UNMARKED_TABLES, 0, NULL, &res, "listing the tables", err);
    for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "CREATE TRIGGER frame_snapshot_mark BEFORE INSERT OR UPDATE OR "
                 "DELETE OR TRUNCATE ON \"%s\" FOR EACH STATEMENT EXECUTE FUNCTION "
                 "dg_frame_snapshot_mark()", PQgetvalue(res, i, 0));
        rc = dg__pg_run(pg, sql, 0, NULL, NULL, "creating the snapshot triggers", err);
    }
    PQclear(res);
    if (rc == 0)
        rc = dg__pg_run(pg, "UPDATE frame_snapshot_state SET generation = generation + 1, "
                        "dirty = 1 WHERE id = 1", 0, NULL, NULL, "marking the snapshot", err);
    return end_locked(pg, rc, err);
}
