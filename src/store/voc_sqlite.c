/* The SQL of VOC analytics (src/store/voc.h): the tickets of a period, the FTS5 search of
 * ticket_search (schema/0013_followups.sql) and of ticket_event_search (0018), and the
 * recovery counts. Every statement binds its values. A PostgreSQL store's calls go to their
 * twins in voc_postgres.c. */
#include <string.h>

#include "store/snapshot.h"
#include "store/stmt.h"
#include "store/voc.h"
#include "store/tickets_sql.h"
#include "store/voc_postgres.h"

typedef struct row_ctx {
    dg__voc_ticket_fn fn;
    void *ctx;
} row_ctx;

static const char *text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

static int row(void *ctx, sqlite3_stmt *st)
{
    row_ctx *c = ctx;
    dg__voc_ticket t = {
        .ticket_id = sqlite3_column_int64(st, 0), .customer_id = text(st, 1),
        .kind = text(st, 2), .channel = text(st, 3), .category = text(st, 4),
        .state = text(st, 5), .subject = text(st, 6),
        .opened_at = sqlite3_column_int64(st, 7),
        .first_response_at = sqlite3_column_int64(st, 8),
        .resolved_at = sqlite3_column_int64(st, 9),
        .first_response_due = sqlite3_column_int64(st, 10),
        .resolution_due = sqlite3_column_int64(st, 11), .reopened = sqlite3_column_int64(st, 12),
    };
    return c->fn(c->ctx, &t);
}

/* The texts of a ticket only: three columns read, not thirteen (the term counts' scan). */
static int text_row(void *ctx, sqlite3_stmt *st)
{
    row_ctx *c = ctx;
    dg__voc_ticket t = {
        .ticket_id = sqlite3_column_int64(st, 0), .customer_id = "", .kind = "",
        .channel = "", .category = text(st, 1), .state = "", .subject = text(st, 2),
    };
    return c->fn(c->ctx, &t);
}

int dg__voc_scan(dg_store *s, int64_t from, int64_t to, bool texts_only, dg__voc_ticket_fn fn,
                 void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_voc_scan(dg__store_pg(s), from, to, texts_only, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, texts_only
        ? "SELECT ticket_id, category, subject FROM tickets WHERE opened_at BETWEEN ? AND ? "
          "AND source_kind IS NULL"
        : "SELECT " DG__VOC_COLUMNS("''") " FROM tickets t WHERE t.opened_at BETWEEN ? AND ?",
        &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    row_ctx c = { fn, ctx };
    dg__store_scan_cache(s, true);
    rc = dg__stmt_each(s, st, texts_only ? text_row : row, &c, "reading tickets", err);
    dg__store_statement_done(s, st);
    dg__store_scan_cache(s, false);
    return rc;
}

/* Counted in customer order on the partial index of complaints (schema/0018), where a
 * dictionary of customer ids built per ticket cost a fifth of the stats report. */
int dg__voc_complainants(dg_store *s, int64_t from, int64_t to, int64_t *complainants,
                         int64_t *repeat, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_voc_complainants(dg__store_pg(s), from, to, complainants, repeat, err);
    sqlite3_stmt *st = NULL;
    *complainants = *repeat = 0;
    int rc = dg__store_statement(s, "SELECT count(*), coalesce(sum(n > 1), 0) FROM (SELECT "
                                 "count(*) AS n FROM tickets WHERE kind = 'complaint' AND "
                                 "opened_at BETWEEN ? AND ? GROUP BY customer_id)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    rc = dg__stmt_step(s, st, "counting complainants", err);
    if (rc == 1) {
        *complainants = sqlite3_column_int64(st, 0);
        *repeat = sqlite3_column_int64(st, 1);
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

/* The tickets whose subject or category (ticket_search, schema/0013) or one of whose event
 * texts (ticket_event_search, schema/0018) match, each once, by its best bm25 rank (FTS5's rank:
 * lower is better) over both indexes. */
static const char search_sql[] =
    "SELECT " DG__VOC_COLUMNS("coalesce(t.subject, '')") " FROM (SELECT id, min(r) AS r FROM "
    "(SELECT rowid AS id, rank AS r FROM ticket_search WHERE ticket_search MATCH ?1 "
    "UNION ALL SELECT e.ticket_id, s.rank FROM ticket_event_search s JOIN ticket_events e "
    "ON e.event_id = s.rowid WHERE ticket_event_search MATCH ?1) GROUP BY id) m "
    "JOIN tickets t ON t.ticket_id = m.id ORDER BY m.r, t.ticket_id LIMIT ?2";

int dg__voc_search(dg_store *s, const char *match, int limit, dg__voc_ticket_fn fn, void *ctx,
                   dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_voc_search(dg__store_pg(s), match, limit, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, search_sql, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    row_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, row, &c, "searching tickets", err);
    dg__store_statement_done(s, st);
    return rc;
}

/* Each complainant's first complaint (opened by the cut-off), its group at as_of, and whether
 * an order followed within the window; customers without a complaint (up to as_of) from their
 * last order by the cut-off. */
/* Each complainant's first complaint opened by the cut-off (SQLite's min() gives the bare
 * columns of the row it picks: the earliest, the lowest id among ties in the scan order), its
 * group at as_of, and whether an order followed within the window; the customers without a
 * complaint up to as_of, from their last order by the cut-off. */
static const char recovery_sql[] =
    "WITH first AS (SELECT customer_id, min(opened_at) AS opened_at, state, resolved_at, "
    "resolution_due FROM tickets WHERE kind = 'complaint' AND opened_at <= :cut "
    "GROUP BY customer_id), "
    "grouped AS (SELECT CASE WHEN state IN ('resolved', 'closed') AND resolved_at <= :as_of "
    "THEN (resolved_at > resolution_due) ELSE 2 END AS g, EXISTS (SELECT 1 FROM orders o "
    "WHERE o.customer_id = first.customer_id AND o.ordered_at > first.opened_at AND "
    "o.ordered_at <= first.opened_at + :window) AS bought FROM first "
    "UNION ALL SELECT 3, EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = a.customer_id "
    "AND o.ordered_at > a.anchor AND o.ordered_at <= a.anchor + :window) FROM "
    "(SELECT customer_id, max(ordered_at) AS anchor FROM orders WHERE ordered_at <= :cut "
    "GROUP BY customer_id) a WHERE a.customer_id NOT IN (SELECT customer_id FROM tickets "
    "WHERE kind = 'complaint' AND opened_at <= :as_of)) "
    "SELECT g, count(*), sum(bought) FROM grouped GROUP BY g";

typedef struct recovery_ctx {
    int64_t *customers, *repurchased;
} recovery_ctx;

static int recovery_row(void *ctx, sqlite3_stmt *st)
{
    recovery_ctx *c = ctx;
    int g = sqlite3_column_int(st, 0);
    if (g >= 0 && g < 4) {
        c->customers[g] = sqlite3_column_int64(st, 1);
        c->repurchased[g] = sqlite3_column_int64(st, 2);
    }
    return 0;
}

int dg__voc_recovery(dg_store *s, int64_t as_of, int window_days, int64_t customers[4],
                     int64_t repurchased[4], dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_voc_recovery(dg__store_pg(s), as_of, window_days, customers, repurchased,
                                   err);
    memset(customers, 0, 4 * sizeof *customers);
    memset(repurchased, 0, 4 * sizeof *repurchased);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, recovery_sql, &st, err);
    if (rc != 0)
        return rc;
    int64_t window = (int64_t)window_days * 86400;
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":cut"), as_of - window);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":as_of"), as_of);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":window"), window);
    recovery_ctx c = { customers, repurchased };
    rc = dg__stmt_each(s, st, recovery_row, &c, "counting repurchases after complaints", err);
    dg__store_statement_done(s, st);
    return rc;
}
