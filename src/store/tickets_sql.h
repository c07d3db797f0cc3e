/* Private to the store: the SQL text of the tickets that both backends run as it is
 * (tickets_sqlite.c, tickets_postgres.c, voc_sqlite.c, voc_postgres.c): the columns read and
 * the incidents without a ticket. Its parameters are $1, $2 (SQLite reads them as named
 * parameters, numbered in order of appearance). */
#ifndef DANGOL_STORE_TICKETS_SQL_H
#define DANGOL_STORE_TICKETS_SQL_H

#define DG__TICKET_COLUMNS "ticket_id, customer_id, kind, channel, priority, state, category, " \
    "subject, order_id, staff_id, assignee, opened_at, first_response_at, resolved_at, " \
    "closed_at, first_response_due, resolution_due, escalated_at, incident_at, reopened, " \
    "version, updated_at, source_kind, source_id"

/* A ticket as the VOC analyses read it (t), with subject the SQL of its subject column. */
#define DG__VOC_COLUMNS(subject) "t.ticket_id, t.customer_id, t.kind, coalesce(t.channel, ''), " \
    "coalesce(t.category, ''), t.state, " subject ", t.opened_at, " \
    "coalesce(t.first_response_at, 0), CASE WHEN t.state IN ('resolved', 'closed') THEN " \
    "coalesce(t.resolved_at, 0) ELSE 0 END, t.first_response_due, t.resolution_due, t.reopened"

/* Feedback of kind complaint or rated 1-2 received by $1 (seconds), survey answers with NPS 0-6
 * or CSAT 1-2 answered by $2 (a day), without a ticket, of customers not erased: source_kind,
 * source_id, customer_id, channel, staff_id, what, at, at_day (dg__ticket_incident). */
#define DG__TICKET_INCIDENTS_SQL \
    "SELECT 'feedback' AS source_kind, f.feedback_id AS source_id, f.customer_id, f.channel, " \
    "  f.staff_id, CASE WHEN f.kind = 'complaint' THEN 'complaint' " \
    "  ELSE 'rating ' || f.rating END, f.received_at, CAST(NULL AS BIGINT) FROM feedback f " \
    "WHERE (f.kind = 'complaint' OR f.rating IN (1, 2)) AND f.received_at <= $1 " \
    "  AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.source_kind = 'feedback' " \
    "                  AND t.source_id = f.feedback_id) " \
    "  AND f.customer_id NOT IN (SELECT customer_id FROM customer_erasures) " \
    "UNION ALL " \
    "SELECT 'survey', v.response_id, v.customer_id, NULL, NULL, " \
    "  trim(CASE WHEN v.nps BETWEEN 0 AND 6 THEN 'NPS ' || v.nps ELSE '' END || ' ' || " \
    "       CASE WHEN v.csat IN (1, 2) THEN 'CSAT ' || v.csat ELSE '' END), " \
    "  NULL, v.answered_on FROM surveys v " \
    "WHERE (v.nps BETWEEN 0 AND 6 OR v.csat IN (1, 2)) AND v.answered_on <= $2 " \
    "  AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.source_kind = 'survey' " \
    "                  AND t.source_id = v.response_id) " \
    "  AND v.customer_id NOT IN (SELECT customer_id FROM customer_erasures)"

#endif
