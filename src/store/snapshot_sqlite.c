/* The frame snapshot in the SQLite store (schema/0003_frame_snapshot.sql, docs/snapshot.md): its
 * state row, its chunks and their checksums, and the triggers that keep it honest. Claims and
 * saves go through a connection of their own with no busy timeout, so a reader (even one that
 * opened the store read-only) never waits behind a writer to keep the cache warm: if the store
 * is busy or cannot be written, it simply is not saved. A save is one transaction: a crash
 * leaves the previous snapshot or none. A PostgreSQL store's calls go to snapshot_postgres.c;
 * the reader's checks are the same for both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/snapshot.h"
#include "store/snapshot_postgres.h"

#define CHUNK_BYTES (1 << 20)
#define MAX_TABLES 64

uint64_t dg__snapshot_checksum(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * 0x100000001B3u;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53u;
    return h ^ (h >> 33);
}

static int sql_error(sqlite3 *db, const char *path, const char *what, dg_error *err)
{
    int code = sqlite3_extended_errcode(db) & 0xFF;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return dg_error_set(err, DG_EBUSY, "%s: %s: another process is writing to the store",
                            path, what);
    return dg_error_set(err, DG_ESTORE, "%s: %s: %s", path, what, sqlite3_errmsg(db));
}

static int exec(sqlite3 *db, const char *path, const char *sql, dg_error *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_error(db, path, sql, err);
    return 0;
}

static int read_state(sqlite3 *db, const char *path, int64_t *generation, bool *dirty,
                      dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "SELECT generation, dirty FROM frame_snapshot_state WHERE id = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_error(db, path, "reading the snapshot state", err);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *generation = sqlite3_column_int64(st, 0);
        *dirty = sqlite3_column_int(st, 1) != 0;
    } else if (step == SQLITE_DONE) {
        rc = dg_error_set(err, DG_ESTORE, "%s: the snapshot state row is missing", path);
    } else {
        rc = sql_error(db, path, "reading the snapshot state", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int dg_store_snapshot_state(dg_store *s, int64_t *generation, bool *dirty, dg_error *err)
{
    if (dg__store_is_postgres(s))
        return dg__pg_snapshot_state(dg__store_pg(s), generation, dirty, err);
    return read_state(dg__store_db(s), dg__store_path(s), generation, dirty, err);
}

/* A second connection holding the write lock, or an error at once when another has it. */
static int open_writer(dg_store *s, sqlite3 **db, dg_error *err)
{
    const char *path = dg__store_path(s);
    *db = NULL;
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return dg_error_set(err, DG_ESTORE, "%s: cannot open the store for its snapshot: %s",
                            path, *db ? sqlite3_errmsg(*db) : "out of memory");
    sqlite3_extended_result_codes(*db, 1);
    int rc = exec(*db, path, "PRAGMA synchronous = NORMAL", err);
    if (rc == 0)
        rc = exec(*db, path, "BEGIN IMMEDIATE", err);
    return rc;
}

static void close_writer(sqlite3 *db, bool commit, const char *path, int *rc, dg_error *err)
{
    if (!db)
        return;
    if (commit && *rc == 0)
        *rc = exec(db, path, "COMMIT", err);
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
}

int dg_store_snapshot_claim(dg_store *s, dg_error *err)
{
    if (dg__store_is_postgres(s))
        return dg__pg_snapshot_claim(dg__store_pg(s), err);
    sqlite3 *db = NULL;
    const char *path = dg__store_path(s);
    int rc = open_writer(s, &db, err);
    if (rc == 0)
        rc = exec(db, path, "UPDATE frame_snapshot_state SET dirty = 0 WHERE id = 1", err);
    close_writer(db, true, path, &rc, err);
    return rc;
}

static int bind_step(sqlite3 *db, const char *path, sqlite3_stmt *st, const char *what,
                     dg_error *err)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sql_error(db, path, what, err);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int write_snapshot(sqlite3 *db, const char *path, const dg_store_snapshot *info,
                          const unsigned char *data, size_t len, dg_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM frame_snapshot WHERE variant = ?1 OR variant IN "
        "(SELECT variant FROM frame_snapshot_header WHERE generation <> ?2)",
        "DELETE FROM frame_snapshot_header WHERE variant = ?1 OR generation <> ?2",
        /* the delta segments up to this generation are in this frame (docs/snapshot.md) */
        "DELETE FROM frame_snapshot_delta WHERE generation <= ?2",
        "INSERT INTO frame_snapshot_header (variant, format, generation, chunks, bytes, "
        "customers, orders, lines, as_of, saved_at) "
        "VALUES (?1, ?3, ?2, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        "INSERT INTO frame_snapshot (variant, chunk, checksum, data) VALUES (?1, ?2, ?3, ?4)",
    };
    sqlite3_stmt *st = NULL;
    int rc = 0;
    for (size_t i = 0; i < 4 && rc == 0; i++) {
        if (sqlite3_prepare_v2(db, sql[i], -1, &st, NULL) != SQLITE_OK)
            return sql_error(db, path, "writing the snapshot", err);
        sqlite3_bind_text(st, 1, info->variant, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, info->generation);
        if (i == 3) {
            sqlite3_bind_int(st, 3, info->format);
            sqlite3_bind_int64(st, 4, info->chunks);
            sqlite3_bind_int64(st, 5, info->bytes);
            sqlite3_bind_int64(st, 6, info->customers);
            sqlite3_bind_int64(st, 7, info->orders);
            sqlite3_bind_int64(st, 8, info->lines);
            sqlite3_bind_int(st, 9, info->as_of);
            sqlite3_bind_int64(st, 10, info->saved_at);
        }
        rc = bind_step(db, path, st, "writing the snapshot", err);
        sqlite3_finalize(st);
    }
    if (rc != 0)
        return rc;
    if (sqlite3_prepare_v2(db, sql[4], -1, &st, NULL) != SQLITE_OK)
        return sql_error(db, path, "writing the snapshot", err);
    for (int64_t k = 0; k < info->chunks && rc == 0; k++) {
        size_t off = (size_t)k * CHUNK_BYTES, n = len - off < CHUNK_BYTES ? len - off : CHUNK_BYTES;
        sqlite3_bind_text(st, 1, info->variant, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, k);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)dg__snapshot_checksum(data + off, n));
        sqlite3_bind_blob64(st, 4, data + off, n, SQLITE_STATIC);
        rc = bind_step(db, path, st, "writing a snapshot chunk", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int dg_store_snapshot_save(dg_store *s, dg_store_snapshot *info, const void *data, size_t len,
                           dg_error *err)
{
    sqlite3 *db = NULL;
    const char *path = dg__store_path(s);
    int64_t generation;
    bool dirty;
    info->bytes = (int64_t)len;
    info->chunks = (int64_t)((len + CHUNK_BYTES - 1) / CHUNK_BYTES);
    info->saved_at = (int64_t)time(NULL);
    if (dg__store_is_postgres(s))
        return dg__pg_snapshot_save(dg__store_pg(s), info, data, len, CHUNK_BYTES, err);
    int rc = open_writer(s, &db, err);
    if (rc == 0)
        rc = read_state(db, path, &generation, &dirty, err);
    if (rc == 0 && (dirty || generation != info->generation))
        rc = dg_error_set(err, DG_EABORTED, "%s: the store changed while its frame was read "
                          "(generation %lld, now %lld%s); the snapshot is not saved", path,
                          (long long)info->generation, (long long)generation,
                          dirty ? ", dirty" : "");
    if (rc == 0)
        rc = write_snapshot(db, path, info, data, len, err);
    close_writer(db, true, path, &rc, err);
    return rc;
}

static void read_header(sqlite3_stmt *st, dg_store_snapshot *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->variant, sizeof info->variant, "%s", (const char *)sqlite3_column_text(st, 0));
    info->format = sqlite3_column_int(st, 1);
    info->generation = sqlite3_column_int64(st, 2);
    info->chunks = sqlite3_column_int64(st, 3);
    info->bytes = sqlite3_column_int64(st, 4);
    info->customers = sqlite3_column_int64(st, 5);
    info->orders = sqlite3_column_int64(st, 6);
    info->lines = sqlite3_column_int64(st, 7);
    info->as_of = sqlite3_column_int(st, 8);
    info->saved_at = sqlite3_column_int64(st, 9);
}

#define HEADER_COLUMNS "variant, format, generation, chunks, bytes, customers, orders, lines, " \
                       "as_of, saved_at"

int dg_store_snapshot_list(dg_store *s, dg_store_snapshot *out, size_t cap, size_t *n,
                           dg_error *err)
{
    if (dg__store_is_postgres(s))
        return dg__pg_snapshot_list(dg__store_pg(s), out, cap, n, err);
    sqlite3 *db = dg__store_db(s);
    sqlite3_stmt *st = NULL;
    int step;
    *n = 0;
    if (sqlite3_prepare_v2(db, "SELECT " HEADER_COLUMNS " FROM frame_snapshot_header "
                           "ORDER BY variant", -1, &st, NULL) != SQLITE_OK)
        return dg__store_error(s, err, "reading the snapshot headers");
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if (*n < cap)
            read_header(st, &out[(*n)++]);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? 0 : dg__store_error(s, err, "reading the snapshot headers");
}

struct dg_store_snapshot_reader {
    dg_store *store;
    dg_store_snapshot info;
    sqlite3_stmt *chunks;      /* rowid, chunk, checksum, length(data), in chunk order */
    dg__pg_chunks *pg_chunks;  /* the same on a PostgreSQL store */
    unsigned char *buf;        /* the current chunk */
    size_t cap;
    int64_t next_chunk;        /* number of the chunk expected next */
    size_t done;               /* bytes read so far */
};

static int open_header(dg_store *s, const char *variant, dg_store_snapshot *info, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dg__store_db(s), "SELECT " HEADER_COLUMNS " FROM frame_snapshot_header "
                           "WHERE variant = ?", -1, &st, NULL) != SQLITE_OK)
        return dg__store_error(s, err, "reading the snapshot header");
    sqlite3_bind_text(st, 1, variant, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        read_header(st, info);
    sqlite3_finalize(st);
    if (step == SQLITE_DONE)
        return dg_error_set(err, DG_ENOTFOUND, "%s: no snapshot %s", dg__store_path(s), variant);
    return step == SQLITE_ROW ? 0 : dg__store_error(s, err, "reading the snapshot header");
}

int dg_store_snapshot_open(dg_store *s, const char *variant, dg_store_snapshot *info,
                           dg_store_snapshot_reader **out, dg_error *err)
{
    *out = NULL;
    dg__pg_chunks *pg_chunks = NULL;
    int rc = dg__store_is_postgres(s)
                 ? dg__pg_snapshot_open(dg__store_pg(s), variant, info, &pg_chunks, err)
                 : open_header(s, variant, info, err);
    if (rc == 0 && (info->bytes < 0 || info->chunks < 0))
        rc = dg_error_set(err, DG_ESTORE, "%s: snapshot %s: a negative size",
                          dg__store_path(s), variant);
    dg_store_snapshot_reader *r = rc == 0 ? calloc(1, sizeof *r) : NULL;
    if (rc == 0 && !r)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory reading snapshot %s", variant);
    if (rc != 0) {
        dg__pg_chunks_close(pg_chunks);
        return rc;
    }
    r->store = s;
    r->info = *info;
    r->pg_chunks = pg_chunks;
    if (pg_chunks) {
        *out = r;
        return 0;
    }
    if (sqlite3_prepare_v2(dg__store_db(s), "SELECT rowid, chunk, checksum, length(data) FROM frame_snapshot "
                           "WHERE variant = ? ORDER BY chunk", -1, &r->chunks, NULL) != SQLITE_OK) {
        dg_store_snapshot_reader_close(r);
        return dg__store_error(s, err, "reading the snapshot");
    }
    sqlite3_bind_text(r->chunks, 1, r->info.variant, -1, SQLITE_STATIC);
    dg__store_scan_cache(s, true);   /* the chunks are read once: no 64 MiB of cached pages */
    *out = r;
    return 0;
}

void dg_store_snapshot_reader_close(dg_store_snapshot_reader *r)
{
    if (!r)
        return;
    if (r->chunks)
        dg__store_scan_cache(r->store, false);
    sqlite3_finalize(r->chunks);
    dg__pg_chunks_close(r->pg_chunks);
    free(r->buf);
    free(r);
}

/* Chunk k's bytes into r->buf by incremental blob I/O: from the pages straight into the buffer. */
static int read_blob(dg_store_snapshot_reader *r, int64_t rowid, size_t n, dg_error *err)
{
    if (n > r->cap) {
        unsigned char *grown = realloc(r->buf, n);
        if (!grown)
            return dg_error_set(err, DG_ENOMEM, "out of memory reading the snapshot");
        r->buf = grown;
        r->cap = n;
    }
    sqlite3_blob *blob = NULL;
    sqlite3 *db = dg__store_db(r->store);
    int got = sqlite3_blob_open(db, "main", "frame_snapshot", "data", rowid, 0, &blob);
    if (got == SQLITE_OK && n > 0)
        got = sqlite3_blob_read(blob, r->buf, (int)n, 0);
    sqlite3_blob_close(blob);
    return got == SQLITE_OK ? 0 : dg__store_error(r->store, err, "reading a snapshot chunk");
}

int dg_store_snapshot_next(dg_store_snapshot_reader *r, size_t skip, const void **data,
                           size_t *len, dg_error *err)
{
    const char *path = dg__store_path(r->store);
    size_t total = (size_t)r->info.bytes;
    *data = NULL;
    *len = 0;
    int64_t chunk = 0, n = 0, rowid = 0;
    uint64_t checksum = 0;
    int step = r->pg_chunks ? (dg__pg_chunks_next(r->pg_chunks, &chunk, &checksum, &n)
                                   ? SQLITE_ROW : SQLITE_DONE)
                            : sqlite3_step(r->chunks);
    if (step == SQLITE_ROW && !r->pg_chunks) {
        rowid = sqlite3_column_int64(r->chunks, 0);
        chunk = sqlite3_column_int64(r->chunks, 1);
        checksum = (uint64_t)sqlite3_column_int64(r->chunks, 2);
        n = sqlite3_column_int64(r->chunks, 3);
    }
    if (step == SQLITE_DONE) {
        if (r->next_chunk != r->info.chunks || r->done != total)
            return dg_error_set(err, DG_ESTORE, "%s: snapshot %s: %lld of %lld chunks, %zu of %zu "
                                "bytes", path, r->info.variant, (long long)r->next_chunk,
                                (long long)r->info.chunks, r->done, total);
        return 0;
    }
    if (step != SQLITE_ROW)
        return dg__store_error(r->store, err, "reading the snapshot");
    if (chunk != r->next_chunk || n <= 0 || (uint64_t)n > total - r->done)
        return dg_error_set(err, DG_ESTORE, "%s: snapshot %s: chunk %lld is missing, empty or too "
                            "long", path, r->info.variant, (long long)r->next_chunk);
    if ((size_t)n <= skip) {   /* passed over unread */
        r->next_chunk++;
        r->done += (size_t)n;
        *len = (size_t)n;
        return 0;
    }
    const void *bytes = NULL;
    int rc = r->pg_chunks ? dg__pg_chunks_read(r->pg_chunks, &bytes, n, err)
                          : read_blob(r, rowid, (size_t)n, err);
    if (rc != 0)
        return rc;
    if (!r->pg_chunks)
        bytes = r->buf;
    if (dg__snapshot_checksum(bytes, (size_t)n) != checksum)
        return dg_error_set(err, DG_ESTORE, "%s: snapshot %s: chunk %lld does not match its "
                            "checksum", path, r->info.variant, (long long)chunk);
    r->next_chunk++;
    r->done += (size_t)n;
    *data = bytes;
    *len = (size_t)n;
    return 0;
}

int dg_store_snapshot_load(dg_store *s, const char *variant, dg_store_snapshot *info,
                           void **data, size_t *len, dg_error *err)
{
    dg_store_snapshot_reader *r = NULL;
    unsigned char *buf = NULL;
    *data = NULL;
    *len = 0;
    int rc = dg_store_snapshot_open(s, variant, info, &r, err);
    if (rc == 0 && !(buf = malloc(info->bytes > 0 ? (size_t)info->bytes : 1)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory reading snapshot %s", variant);
    size_t off = 0, n = 0;
    do {
        const void *chunk;
        if (rc == 0 && (rc = dg_store_snapshot_next(r, 0, &chunk, &n, err)) == 0 && n > 0) {
            memcpy(buf + off, chunk, n);
            off += n;
        }
    } while (rc == 0 && n > 0);
    dg_store_snapshot_reader_close(r);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = off;
    return 0;
}

/* Names of the tables that lack one of their three snapshot triggers. */
static int untracked_tables(sqlite3 *db, const char *path, char *names[MAX_TABLES], size_t *n,
                            dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int step, rc = 0;
    *n = 0;
    if (sqlite3_prepare_v2(db,
            "SELECT t.name FROM sqlite_master t WHERE t.type = 'table' "
            "AND " DG__SNAPSHOT_TRACKED("t.name")
            "AND (SELECT count(*) FROM sqlite_master g WHERE g.type = 'trigger' "
            "     AND g.tbl_name = t.name AND g.name LIKE 'frame\\_snapshot\\_%' ESCAPE '\\') < 3",
            -1, &st, NULL) != SQLITE_OK)
        return sql_error(db, path, "listing the tables", err);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == MAX_TABLES)
            rc = dg_error_set(err, DG_ESTORE, "%s: more than %d tables", path, MAX_TABLES);
        else if (!(names[*n] = strdup((const char *)sqlite3_column_text(st, 0))))
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        else
            (*n)++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_error(db, path, "listing the tables", err);
    sqlite3_finalize(st);
    return rc;
}

static int create_triggers(sqlite3 *db, const char *path, const char *table, dg_error *err)
{
    static const char *const events[] = { "insert", "update", "delete" };
    static const char *const keywords[] = { "INSERT", "UPDATE", "DELETE" };
    int rc = 0;
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        char *sql = sqlite3_mprintf(
            "CREATE TRIGGER IF NOT EXISTS \"frame_snapshot_%s_%w\" AFTER %s ON \"%w\" BEGIN "
            "UPDATE frame_snapshot_state SET generation = generation + 1, dirty = 1 "
            "WHERE id = 1 AND dirty = 0; END", events[i], table, keywords[i], table);
        if (!sql)
            return dg_error_set(err, DG_ENOMEM, "out of memory");
        rc = exec(db, path, sql, err);
        sqlite3_free(sql);
    }
    return rc;
}

int dg__sqlite_snapshot_triggers(sqlite3 *db, const char *path, bool changed, dg_error *err)
{
    char *names[MAX_TABLES];
    size_t n = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                           "name = 'frame_snapshot_state'", -1, &st, NULL) != SQLITE_OK)
        return sql_error(db, path, "looking for the snapshot state", err);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found)
        return 0;
    int rc = untracked_tables(db, path, names, &n, err);
    if (rc == 0 && (n > 0 || changed)) {
        rc = exec(db, path, "BEGIN IMMEDIATE", err);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = create_triggers(db, path, names[i], err);
        if (rc == 0)
            rc = exec(db, path, "UPDATE frame_snapshot_state SET generation = generation + 1, "
                      "dirty = 1 WHERE id = 1", err);
        if (rc == 0)
            rc = exec(db, path, "COMMIT", err);
        if (rc != 0)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return rc;
}
