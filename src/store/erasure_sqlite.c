/* The erasure's SQL (src/store/consent.h, schema/0010_consent.sql): which columns it empties
 * (the entity catalog's personal columns of every customer-owned entity, and the few more
 * listed in `extra` below, which the schema's guard triggers name too), the secure_delete and
 * checkpoint pragmas, the guard check after a bulk load, the inactivity query of the retention
 * job, and the per-customer tables subject access lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/entity.h"
#include "store/consent.h"
#include "store/consent_postgres.h"
#include "store/snapshot.h"
#include "store/sql_day.h"
#include "store/stmt.h"

#define SQL_MAX 2048
#define MAX_TABLES 64

/* Columns erased beyond the catalog's personal ones: the birth year identifies with the rest,
 * and the notes are free text about the customer (shown unmasked, so never flagged). */
static const struct { const char *table, *column; } extra[] = {
    { "customers", "birth_year" },
    { "interactions", "note" },
    { "partner_activities", "note" },
};

/* The free texts about the customer in the service's own tables (not catalog entities), each
 * emptied by one statement on the customer's id (?1): ticket subjects and notes (schema 17),
 * the reasons of returns (schema 20). Ticket events that name an assignee or a priority change
 * hold no text about the customer and are kept. */
static const char *const service_texts[] = {
    "UPDATE tickets SET subject = NULL WHERE customer_id = ?1 AND subject IS NOT NULL",
    "UPDATE ticket_events SET detail = NULL WHERE detail IS NOT NULL AND action NOT IN "
    "('assign', 'escalate') AND ticket_id IN (SELECT ticket_id FROM tickets WHERE "
    "customer_id = ?1)",
    "UPDATE order_returns SET reason = NULL WHERE customer_id = ?1 AND reason IS NOT NULL",
};

/* "a = NULL, b = NULL" (assign) or "a IS NOT NULL OR b IS NOT NULL" of e's erased columns into
 * sql; false when e has none or no customer_id. */
static bool erased_columns(const dg_entity *e, bool assign, char *sql, size_t cap)
{
    size_t len = 0;
    sql[0] = '\0';
    if (dg_entity_column(e, "customer_id") < 0)
        return false;
    for (size_t c = 0; c < e->n_columns; c++) {
        bool erase = e->columns[c].personal != DG_PERSONAL_NONE;
        for (size_t x = 0; x < sizeof extra / sizeof extra[0]; x++)
            erase = erase || (strcmp(extra[x].table, e->name) == 0 &&
                              strcmp(extra[x].column, e->columns[c].name) == 0);
        if (erase)
            len += (size_t)snprintf(sql + len, cap - len, "%s%s%s", len ? (assign ? ", " : " OR ")
                                    : "", e->columns[c].name, assign ? " = NULL" : " IS NOT NULL");
    }
    return len > 0;
}

int dg__erasure_get(dg_store *s, const char *customer_id, bool *erased, int64_t *erased_at,
                    dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_erasure_get(dg__store_pg(s), customer_id, erased, erased_at, err);
    sqlite3_stmt *st = NULL;
    *erased = false;
    int rc = dg__store_statement(s, "SELECT erased_at FROM customer_erasures WHERE "
                                 "customer_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading an erasure", err);
    if (rc == 1) {
        *erased = true;
        *erased_at = sqlite3_column_int64(st, 0);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

/* Empties e's erased columns of the customer; *changed: rows changed. */
static int erase_entity(dg_store *s, const dg_entity *e, const char *customer_id,
                        int64_t *changed, dg_error *err)
{
    char set[SQL_MAX / 2], any[SQL_MAX / 2], sql[SQL_MAX];
    *changed = 0;
    if (!erased_columns(e, true, set, sizeof set))
        return 0;
    erased_columns(e, false, any, sizeof any);
    snprintf(sql, sizeof sql, "UPDATE %s SET %s WHERE customer_id = ? AND (%s)", e->name, set,
             any);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    rc = dg__stmt_run(s, st, "erasing personal fields", err);
    dg__store_statement_done(s, st);
    if (rc == 0)
        *changed = sqlite3_changes(dg__store_db(s));
    return rc;
}

/* Follow-up notes (schema/0013_followups.sql) are free text about the customer: emptied. And
 * the full-text indexes of tickets and of their event texts (0018) are merged whole
 * ('optimize'), so the terms of a ticket subject or comment emptied above leave their segments
 * too (secure_delete zeroes the freed pages). */
static int erase_followups(dg_store *s, const char *customer_id, int64_t *texts, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "UPDATE followup_tasks SET note = NULL WHERE customer_id = ? "
                                 "AND note IS NOT NULL", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    rc = dg__stmt_run(s, st, "erasing follow-up notes", err);
    dg__store_statement_done(s, st);
    if (rc == 0)
        *texts += sqlite3_changes(dg__store_db(s));
    if (rc == 0)
        rc = dg__stmt_exec(s, "INSERT INTO ticket_search (ticket_search) VALUES ('optimize')",
                           "merging the ticket search index", err);
    if (rc == 0)
        rc = dg__stmt_exec(s, "INSERT INTO ticket_event_search (ticket_event_search) VALUES "
                           "('optimize')", "merging the ticket event search index", err);
    return rc;
}

int dg__erasure_apply(dg_store *s, const char *customer_id, const char *kind,
                      const char *reason, const char *actor, int64_t now, int64_t *texts,
                      dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = 0;
    *texts = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int64_t changed = 0;
        rc = erase_entity(s, all[i], customer_id, &changed, err);
        if (strcmp(all[i]->name, "customers") != 0)
            *texts += changed;
    }
    sqlite3_stmt *st = NULL;
    if (rc == 0 && (rc = dg__store_statement(s, "INSERT INTO customer_erasures (customer_id, "
                                             "erased_at, kind, reason, actor) VALUES "
                                             "(?, ?, ?, ?, ?)", &st, err)) == 0) {
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, actor, -1, SQLITE_STATIC);
        rc = dg__stmt_run(s, st, "recording an erasure", err);
        dg__store_statement_done(s, st);
    }
    /* after the erasure's record, which the ticket events' trigger asks for */
    for (size_t i = 0; i < sizeof service_texts / sizeof *service_texts && rc == 0; i++) {
        if ((rc = dg__store_statement(s, service_texts[i], &st, err)) != 0)
            break;
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
        rc = dg__stmt_run(s, st, "erasing service texts", err);
        dg__store_statement_done(s, st);
        if (rc == 0)
            *texts += sqlite3_changes(dg__store_db(s));
    }
    /* the frame snapshots hold the birth years: dropped (zeroed under secure_delete) and
     * rebuilt from the rows at the next analysis */
    if (rc == 0)
        rc = dg__stmt_exec(s, "DELETE FROM frame_snapshot", "dropping the frame snapshots", err);
    if (rc == 0)
        rc = dg__stmt_exec(s, "DELETE FROM frame_snapshot_header", "dropping the frame "
                           "snapshots", err);
    if (rc == 0)
        rc = dg__stmt_exec(s, "UPDATE frame_snapshot_state SET generation = generation + 1, "
                           "dirty = 1 WHERE id = 1", "marking the snapshot out of date", err);
    if (rc == 0)
        rc = erase_followups(s, customer_id, texts, err);
    return rc;
}

int dg__erasure_secure(dg_store *s, bool on, dg_error *err)
{
    if (dg__store_is_postgres(s))
        return dg__store_unavailable(s, "erasure", err);
    const char *sql = on ? "PRAGMA secure_delete = ON" : "PRAGMA secure_delete = FAST";
    if (sqlite3_exec(dg__store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
        return dg__store_error(s, err, sql);
    return 0;
}

int dg__erasure_checkpoint(dg_store *s, bool *truncated, dg_error *err)
{
    if (dg__store_is_postgres(s))
        return dg__store_unavailable(s, "erasure", err);
    int log = -1, done = -1;
    int step = sqlite3_wal_checkpoint_v2(dg__store_db(s), NULL, SQLITE_CHECKPOINT_TRUNCATE, &log,
                                         &done);
    *truncated = step == SQLITE_OK && log == 0;
    if (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED)
        return 0;
    return dg__store_error(s, err, "checkpointing the write-ahead log");
}

int dg__erasure_guard(dg_store *s, dg_error *err)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char any[SQL_MAX / 2], sql[SQL_MAX];
        if (!erased_columns(all[i], false, any, sizeof any))
            continue;
        snprintf(sql, sizeof sql, "SELECT customer_id FROM %s WHERE (%s) AND customer_id IN "
                 "(SELECT customer_id FROM customer_erasures) LIMIT 1", all[i]->name, any);
        sqlite3_stmt *st = NULL;
        if ((rc = dg__store_statement(s, sql, &st, err)) != 0)
            return rc;
        rc = dg__stmt_step(s, st, "checking erased customers", err);
        if (rc == 1)
            rc = dg_error_set(err, DG_ECONFLICT, "customer \"%s\" was erased; the %s cannot hold "
                              "their personal fields again (leave them empty for this customer)",
                              (const char *)sqlite3_column_text(st, 0), all[i]->name);
        dg__store_statement_done(s, st);
    }
    return rc;
}

int dg__erasure_inactive(dg_store *s, int32_t before, dg__inactive_fn fn, void *ctx,
                         int64_t *undated, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    *undated = 0;
    int rc = dg__store_statement(s,
        "WITH a (customer_id, day) AS ("
        "SELECT customer_id, acquired_on FROM customers WHERE acquired_on IS NOT NULL "
        "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("max(ordered_at)")
        " FROM orders GROUP BY 1 "
        "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("max(received_at)")
        " FROM feedback GROUP BY 1 "
        "UNION ALL SELECT customer_id, max(answered_on) FROM surveys GROUP BY 1 "
        "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("max(occurred_at)")
        " FROM interactions GROUP BY 1 "
        "UNION ALL SELECT customer_id, max(occurred_on) FROM partner_activities GROUP BY 1 "
        "UNION ALL SELECT customer_id, max(occurred_on) FROM points_movements GROUP BY 1 "
        "UNION ALL SELECT customer_id, max(effective_on) FROM consent_events GROUP BY 1) "
        "SELECT c.customer_id, max(a.day) FROM customers c LEFT JOIN a ON a.customer_id = "
        "c.customer_id WHERE NOT EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id "
        "= c.customer_id) GROUP BY c.customer_id ORDER BY c.customer_id", &st, err);
    if (rc != 0)
        return rc;
    while ((rc = dg__stmt_step(s, st, "finding inactive customers", err)) == 1) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            (*undated)++;
            continue;
        }
        int32_t last = sqlite3_column_int(st, 1);
        if (last < before && (rc = fn(ctx, (const char *)sqlite3_column_text(st, 0), last)) != 0)
            break;
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__customer_tables(dg_store *s, const char *customer_id, dg__customer_table_fn fn,
                        void *ctx, dg_error *err)
{
    if (dg__store_is_postgres(s))
        return dg__store_unavailable(s, "subject access", err);
    char *names[MAX_TABLES];
    size_t n = 0;
    sqlite3 *db = dg__store_db(s);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' "
                                 "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE "
                                 "p.name = 'customer_id') ORDER BY m.name", &st, err);
    if (rc != 0)
        return rc;
    while ((rc = dg__stmt_step(s, st, "listing the tables", err)) == 1) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (dg_entity_find(name) || n == MAX_TABLES)
            continue;
        if (!(names[n] = strdup(name))) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
            break;
        }
        n++;
    }
    dg__store_statement_done(s, st);
    /* and the one table that reaches the customer through a parent: their tickets' events */
    if (rc == 0 && n < MAX_TABLES && !(names[n++] = strdup("ticket_events")))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *sql = strcmp(names[i], "ticket_events") == 0
            ? sqlite3_mprintf("SELECT * FROM ticket_events WHERE ticket_id IN (SELECT ticket_id "
                              "FROM tickets WHERE customer_id = ?) ORDER BY event_id")
            : sqlite3_mprintf("SELECT * FROM \"%w\" WHERE customer_id = ?", names[i]);
        if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            rc = sql ? dg__store_error(s, err, "reading a table") : dg_error_set(err, DG_ENOMEM,
                                                                             "out of memory");
        sqlite3_free(sql);
        if (rc != 0)
            break;
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
        rc = fn(ctx, names[i], st);
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return rc;
}
