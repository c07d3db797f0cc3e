/* Private to the store: the erasure's SQL that both backends run as it is (erasure_sqlite.c,
 * erasure_postgres.c), so an erasure empties the same fields on SQLite and PostgreSQL. The
 * customer's id is $1 (SQLite reads it as a named parameter). What differs stays in each file:
 * SQLite zeroes the old bytes (secure_delete), merges its full-text indexes and truncates its
 * write-ahead log; PostgreSQL rewrites the tables afterwards (DG__ERASURE_VACUUM_SQL). */
#ifndef DANGOL_STORE_ERASURE_SQL_H
#define DANGOL_STORE_ERASURE_SQL_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/entity.h"
#include "store/sql_day.h"

/* "a = NULL, b = NULL" (assign) or "a IS NOT NULL OR b IS NOT NULL" of e's erased columns (the
 * catalog's personal columns and the few more erasure_sqlite.c lists) into sql; false when e
 * has none or no customer_id. */
bool dg__erasure_columns(const dg_entity *e, bool assign, char *sql, size_t cap);

#define DG__ERASURE_RECORD_SQL "INSERT INTO customer_erasures (customer_id, erased_at, kind, " \
    "reason, actor) VALUES ($1, $2, $3, $4, $5)"

/* The free texts about the customer in the service's own tables (not catalog entities), each
 * emptied by one statement on the customer's id, after the erasure's record (which the ticket
 * events' trigger asks for): ticket subjects and notes (schema 17), the reasons of returns
 * (schema 20), follow-up notes (schema 13). Ticket events that name an assignee or a priority
 * change hold no text about the customer and are kept. */
static const char *const dg__erasure_texts[] = {
    "UPDATE tickets SET subject = NULL WHERE customer_id = $1 AND subject IS NOT NULL",
    "UPDATE ticket_events SET detail = NULL WHERE detail IS NOT NULL AND action NOT IN "
    "('assign', 'escalate') AND ticket_id IN (SELECT ticket_id FROM tickets WHERE "
    "customer_id = $1)",
    "UPDATE order_returns SET reason = NULL WHERE customer_id = $1 AND reason IS NOT NULL",
    "UPDATE followup_tasks SET note = NULL WHERE customer_id = $1 AND note IS NOT NULL",
};

/* The frame snapshots hold the birth years: dropped and rebuilt from the rows at the next
 * analysis. */
static const char *const dg__erasure_snapshot_drop[] = {
    "DELETE FROM frame_snapshot",
    "DELETE FROM frame_snapshot_header",
    "UPDATE frame_snapshot_state SET generation = generation + 1, dirty = 1 WHERE id = 1",
};

/* PostgreSQL keeps a changed row's old version in the table file until VACUUM, and VACUUM
 * only marks it free: VACUUM (FULL) writes each table anew without it (and rebuilds its
 * indexes, the ticket search's GIN ones too). Every table whose fields an erasure empties,
 * the frame snapshot's; not the orders, which hold only the customer's id. */
#define DG__ERASURE_TABLES "customers, feedback, interactions, partner_activities, tickets, " \
    "ticket_events, order_returns, followup_tasks, frame_snapshot, frame_snapshot_header"

/* The customers not erased with their last active day (NULL: none dated): their acquisition,
 * last order, feedback, survey, interaction, partner activity, points movement or consent
 * event. Each backend adds its ORDER BY of the id (PostgreSQL's in byte order, as SQLite's). */
#define DG__ERASURE_INACTIVE_SQL \
    "WITH a (customer_id, day) AS (" \
    "SELECT customer_id, acquired_on FROM customers WHERE acquired_on IS NOT NULL " \
    "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("max(ordered_at)") \
    " FROM orders GROUP BY 1 " \
    "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("max(received_at)") \
    " FROM feedback GROUP BY 1 " \
    "UNION ALL SELECT customer_id, max(answered_on) FROM surveys GROUP BY 1 " \
    "UNION ALL SELECT customer_id, " DG__SQL_DAY_OF("max(occurred_at)") \
    " FROM interactions GROUP BY 1 " \
    "UNION ALL SELECT customer_id, max(occurred_on) FROM partner_activities GROUP BY 1 " \
    "UNION ALL SELECT customer_id, max(occurred_on) FROM points_movements GROUP BY 1 " \
    "UNION ALL SELECT customer_id, max(effective_on) FROM consent_events GROUP BY 1) " \
    "SELECT c.customer_id, max(a.day) FROM customers c LEFT JOIN a ON a.customer_id = " \
    "c.customer_id WHERE NOT EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id " \
    "= c.customer_id) GROUP BY c.customer_id"

#endif
