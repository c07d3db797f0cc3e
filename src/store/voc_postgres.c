/* The VOC analytics' SQL on a PostgreSQL store (voc.h): the tickets of a period, the complainant
 * counts, the full-text search and the recovery counts, read from the same rows as on SQLite
 * (voc_sqlite.c hands these the calls of a PostgreSQL store). The search uses the GIN indexes of
 * schema/pg/0013 and 0018: the 'simple' text search configuration of each ticket's subject and
 * category and of its event texts, each query word a prefix, ranked by ts_rank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/voc_postgres.h"
#include "store/tickets_sql.h"

static int64_t int_at(const PGresult *res, int r, int c)
{
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

/* Each row of res (DG__VOC_COLUMNS, or the texts only: id, category, subject) to fn. */
static int each_ticket(const PGresult *res, bool texts_only, dg__voc_ticket_fn fn, void *ctx)
{
    int rc = 0;
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__voc_ticket t = { .ticket_id = int_at(res, r, 0), .customer_id = "", .kind = "",
                             .channel = "", .state = "" };
        if (texts_only) {
            t.category = PQgetvalue(res, r, 1);
            t.subject = PQgetvalue(res, r, 2);
        } else {
            t.customer_id = PQgetvalue(res, r, 1);
            t.kind = PQgetvalue(res, r, 2);
            t.channel = PQgetvalue(res, r, 3);
            t.category = PQgetvalue(res, r, 4);
            t.state = PQgetvalue(res, r, 5);
            t.subject = PQgetvalue(res, r, 6);
            int64_t *numbers[] = { &t.opened_at, &t.first_response_at, &t.resolved_at,
                                   &t.first_response_due, &t.resolution_due, &t.reopened };
            for (int i = 0; i < 6; i++)
                *numbers[i] = int_at(res, r, 7 + i);
        }
        rc = fn(ctx, &t);
    }
    return rc;
}

int dg__pg_voc_scan(dg_pg *pg, int64_t from, int64_t to, bool texts_only, dg__voc_ticket_fn fn,
                    void *ctx, dg_error *err)
{
    dg__pg_number a, b;
    const char *params[] = { dg__pg_int(a, from), dg__pg_int(b, to) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, texts_only
        ? "SELECT ticket_id, coalesce(category, ''), coalesce(subject, '') FROM tickets WHERE "
          "opened_at BETWEEN $1 AND $2 AND source_kind IS NULL ORDER BY ticket_id"
        : "SELECT " DG__VOC_COLUMNS("''") " FROM tickets t WHERE t.opened_at BETWEEN $1 AND $2 "
          "ORDER BY t.ticket_id", 2, params, &res, "reading tickets", err);
    if (rc == 0)
        rc = each_ticket(res, texts_only, fn, ctx);
    PQclear(res);
    return rc;
}

int dg__pg_voc_complainants(dg_pg *pg, int64_t from, int64_t to, int64_t *complainants,
                            int64_t *repeat, dg_error *err)
{
    dg__pg_number a, b;
    const char *params[] = { dg__pg_int(a, from), dg__pg_int(b, to) };
    PGresult *res = NULL;
    *complainants = *repeat = 0;
    int rc = dg__pg_one_row(pg, "SELECT count(*), count(*) FILTER (WHERE n > 1) FROM (SELECT "
                            "count(*) AS n FROM tickets WHERE kind = 'complaint' AND opened_at "
                            "BETWEEN $1 AND $2 GROUP BY customer_id) c", 2, params, &res,
                            "counting complainants", err);
    if (rc <= 0)
        return rc;
    *complainants = dg__pg_int_at(res, 0);
    *repeat = dg__pg_int_at(res, 1);
    PQclear(res);
    return 0;
}

/* The tsquery text of search's FTS5 query (voc_text.c's match_of: each word a quoted string,
 * quotes doubled, with a prefix star): each word a quoted lexeme (quotes doubled, backslashes
 * escaped) matched as a prefix, all of them required. NULL when out of memory. */
static char *tsquery_of(const char *match)
{
    char *q = malloc(2 * strlen(match) + 16), *o = q;
    if (!q)
        return NULL;
    for (const char *p = match; *p; p++) {
        if (*p != '"')
            continue;
        if (o != q)
            o += sprintf(o, " & ");
        *o++ = '\'';
        for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
            if (*p == '"')
                p++;   /* a doubled quote: one quote */
            if (*p == '\'' || *p == '\\')
                *o++ = *p;
            *o++ = *p;
        }
        o += sprintf(o, "':*");
        if (!*p)
            break;
    }
    *o = '\0';
    return q;
}

/* The tickets whose subject and category, or one of whose event texts (those erasure empties:
 * ticket_event_texts), match, each once, by its best rank over both, ties by id. */
#define TICKET_TEXT "to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(category, ''))"
#define EVENT_TEXT "to_tsvector('simple', detail)"
static const char search_sql[] =
    "WITH q AS (SELECT to_tsquery('simple', $1) AS q) "
    "SELECT " DG__VOC_COLUMNS("coalesce(t.subject, '')") " FROM (SELECT id, max(r) AS r FROM "
    "(SELECT ticket_id AS id, ts_rank(" TICKET_TEXT ", q.q) AS r FROM tickets, q WHERE "
    TICKET_TEXT " @@ q.q UNION ALL SELECT ticket_id, ts_rank(" EVENT_TEXT ", q.q) FROM "
    "ticket_events, q WHERE detail IS NOT NULL AND action NOT IN ('assign', 'escalate') AND "
    EVENT_TEXT " @@ q.q) m GROUP BY id) m JOIN tickets t ON t.ticket_id = m.id "
    "ORDER BY m.r DESC, t.ticket_id LIMIT $2";

int dg__pg_voc_search(dg_pg *pg, const char *match, int limit, dg__voc_ticket_fn fn, void *ctx,
                      dg_error *err)
{
    char *query = tsquery_of(match);
    if (!query)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    dg__pg_number n;
    const char *params[] = { query, dg__pg_int(n, limit) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, search_sql, 2, params, &res, "searching tickets", err);
    free(query);
    if (rc == 0)
        rc = each_ticket(res, false, fn, ctx);
    PQclear(res);
    return rc;
}

/* As SQLite's (voc_sqlite.c): each complainant's first complaint opened by the cut-off (the
 * earliest, the lowest id among ties), its group at as_of, and whether an order followed within
 * the window; the customers without a complaint up to as_of, from their last order by the
 * cut-off. $1 the cut-off, $2 as_of, $3 the window in seconds. */
static const char recovery_sql[] =
    "WITH first AS (SELECT DISTINCT ON (customer_id) customer_id, opened_at, state, "
    "resolved_at, resolution_due FROM tickets WHERE kind = 'complaint' AND opened_at <= $1 "
    "ORDER BY customer_id, opened_at, ticket_id), "
    "grouped AS (SELECT CASE WHEN state IN ('resolved', 'closed') AND resolved_at <= $2 "
    "THEN (resolved_at > resolution_due)::int ELSE 2 END AS g, EXISTS (SELECT 1 FROM orders o "
    "WHERE o.customer_id = first.customer_id AND o.ordered_at > first.opened_at AND "
    "o.ordered_at <= first.opened_at + $3) AS bought FROM first "
    "UNION ALL SELECT 3, EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = a.customer_id "
    "AND o.ordered_at > a.anchor AND o.ordered_at <= a.anchor + $3) FROM "
    "(SELECT customer_id, max(ordered_at) AS anchor FROM orders WHERE ordered_at <= $1 "
    "GROUP BY customer_id) a WHERE a.customer_id NOT IN (SELECT customer_id FROM tickets "
    "WHERE kind = 'complaint' AND opened_at <= $2)) "
    "SELECT g, count(*), count(*) FILTER (WHERE bought) FROM grouped GROUP BY g";

int dg__pg_voc_recovery(dg_pg *pg, int64_t as_of, int window_days, int64_t customers[4],
                        int64_t repurchased[4], dg_error *err)
{
    memset(customers, 0, 4 * sizeof *customers);
    memset(repurchased, 0, 4 * sizeof *repurchased);
    int64_t window = (int64_t)window_days * 86400;
    dg__pg_number cut, at, w;
    const char *params[] = { dg__pg_int(cut, as_of - window), dg__pg_int(at, as_of),
                             dg__pg_int(w, window) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, recovery_sql, 3, params, &res,
                         "counting repurchases after complaints", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        int64_t g = int_at(res, r, 0);
        if (g >= 0 && g < 4) {
            customers[g] = int_at(res, r, 1);
            repurchased[g] = int_at(res, r, 2);
        }
    }
    PQclear(res);
    return rc;
}
