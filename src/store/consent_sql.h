/* Private to the store: the SQL text of the consent reads that both backends run as it is
 * (consent_sqlite.c, consent_postgres.c). Parameters $1, $2, ... (SQLite reads them as named
 * parameters, numbered in order of first appearance); each backend adds its ORDER BY and locks. */
#ifndef DANGOL_STORE_CONSENT_SQL_H
#define DANGOL_STORE_CONSENT_SQL_H

/* The record's imported flag for the purpose in parameter P (NULL when the purpose has none),
 * on customers c. */
#define DG__CONSENT_RECORD_FLAG(P) "CASE " P " WHEN 'marketing_email' THEN c.consent_email " \
    "WHEN 'marketing_sms' THEN c.consent_sms WHEN 'marketing_phone' THEN c.consent_phone END"

/* The consent of customer $1 for purpose $2 on day $3: 1 granted, else 0 (none for an unknown
 * customer): the latest event on or before the day, by effective day then id; with none, the
 * record's flag; 0 for an erased customer. */
#define DG__CONSENT_STATE_SQL \
    "SELECT CASE WHEN coalesce((SELECT CASE WHEN action = 'grant' THEN 1 ELSE 0 END FROM " \
    "consent_events WHERE customer_id = $1 AND purpose = $2 AND effective_on <= $3 ORDER BY " \
    "effective_on DESC, event_id DESC LIMIT 1), " DG__CONSENT_RECORD_FLAG("$2") ", 0) <> 0 AND " \
    "NOT EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id = $1) THEN 1 ELSE 0 END " \
    "FROM customers c WHERE c.customer_id = $1"

/* The customers granted purpose $1 on day $2, as consent events (dg__consent_granted). */
#define DG__CONSENT_GRANTED_SQL \
    "WITH latest AS (SELECT customer_id, event_id, action, effective_on, source, actor, " \
    "recorded_at, row_number() OVER (PARTITION BY customer_id ORDER BY effective_on DESC, " \
    "event_id DESC) AS n FROM consent_events WHERE purpose = $1 AND effective_on <= $2) " \
    "SELECT coalesce(l.event_id, 0), c.customer_id, $1, 'grant', " \
    "coalesce(l.effective_on, c.acquired_on, 0), coalesce(l.source, 'import'), " \
    "coalesce(l.actor, ''), coalesce(l.recorded_at, 0) " \
    "FROM customers c LEFT JOIN latest l ON l.customer_id = c.customer_id AND l.n = 1 " \
    "WHERE (l.action = 'grant' OR (l.action IS NULL AND " DG__CONSENT_RECORD_FLAG("$1") " = 1)) " \
    "AND NOT EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id = c.customer_id)"

#define DG__CONSENT_EVENT_COLUMNS "event_id, customer_id, purpose, action, effective_on, " \
    "source, actor, recorded_at"

#endif
