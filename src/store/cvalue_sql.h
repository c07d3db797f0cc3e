/* Private to the store: the customer value answers' SQL that both backends run as it is
 * (cvalue_sqlite.c, cvalue_postgres.c). Parameters are $1, $2 in order of appearance; the
 * answers' order is finished by each backend with its byte order of text, C (nothing on SQLite,
 * COLLATE "C" on PostgreSQL). */
#ifndef DANGOL_STORE_CVALUE_SQL_H
#define DANGOL_STORE_CVALUE_SQL_H

/* A response: $1 id, $2 customer, $3 day, $4 when recorded; the upsert replaces one whole. */
#define DG__CVALUE_RESPONSE_INSERT_SQL "INSERT INTO value_responses (response_id, customer_id, " \
    "answered_on, recorded_at) VALUES ($1, $2, $3, $4)"
#define DG__CVALUE_RESPONSE_UPSERT_SQL DG__CVALUE_RESPONSE_INSERT_SQL " ON CONFLICT " \
    "(response_id) DO UPDATE SET customer_id = excluded.customer_id, answered_on = " \
    "excluded.answered_on, recorded_at = excluded.recorded_at"
/* Response $1's answers, removed before a replacement; one answer: $1 response, $2 item,
 * $3 customer, $4 answer. */
#define DG__CVALUE_ANSWERS_DELETE_SQL "DELETE FROM value_answers WHERE response_id = $1"
#define DG__CVALUE_ANSWER_INSERT_SQL "INSERT INTO value_answers (response_id, item, " \
    "customer_id, answer) VALUES ($1, $2, $3, $4)"

/* Every answer (WHERE: "" or "WHERE r.customer_id = $1 "), by response then item. */
#define DG__CVALUE_ANSWERS_SQL(WHERE, C) "SELECT r.response_id, r.customer_id, r.answered_on, " \
    "a.item, a.answer FROM value_responses r JOIN value_answers a ON a.response_id = " \
    "r.response_id " WHERE "ORDER BY r.response_id" C ", a.item" C
#define DG__CVALUE_OF_CUSTOMER "WHERE r.customer_id = $1 "

#endif
