/* The follow-up tasks' rows on a PostgreSQL store (schema/pg/0013_followups.sql), so tasks can
 * be scheduled, listed and closed there as on SQLite (followups_sqlite.c hands these the calls
 * of a PostgreSQL store). The scheduler's inserts skip a task already there (ON CONFLICT DO
 * NOTHING on the UNIQUE (rule, order_id, product_id) key), so two schedulers at once create each
 * task once; a task's outcome is written only at the version read (UPDATE ... WHERE version),
 * which a second writer, waiting for the row, finds moved. Tasks are created in order and
 * product order (byte order), so they are numbered as on SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/followups_postgres.h"
#include "store/sql_day.h"

/* The rule's values, once: p.rule, p.channel, ... (the days are UTC days of orders.ordered_at) */
#define PARAMS "WITH p AS (SELECT $1::text AS rule, $2::text AS channel, $3::text AS category, " \
    "$4::text AS product, $5::bigint AS after, $6::bigint AS lasts, $7::bigint AS before, " \
    "$8::bigint AS as_of, $9::bigint AS lookback, $10::bigint AS now)"
#define DAY DG__SQL_DAY_OF("o.ordered_at")
#define WINDOW " o.ordered_at < (p.as_of + 1) * 86400 AND "
#define INSERT " INSERT INTO followup_tasks (rule, customer_id, order_id, product_id, channel, " \
    "due_on, created_at) "
/* A task already there is left out before the insert (as SQLite's INSERT OR IGNORE does not
 * spend a task id on it, neither may an identity value be spent here); ON CONFLICT stays for a
 * scheduler racing another. */
#define NOT_SCHEDULED(order, product) "AND NOT EXISTS (SELECT 1 FROM followup_tasks t " \
    "WHERE t.rule = p.rule AND t.order_id = " order " AND t.product_id = " product ") "
#define SKIP " ON CONFLICT (rule, order_id, product_id) DO NOTHING"

/* first_purchase: the customer's first order (earliest time, then lowest id). */
static const char first_purchase_sql[] = PARAMS INSERT
    "SELECT p.rule, o.customer_id, o.order_id, '', p.channel, " DAY " + p.after, p.now "
    "FROM p, orders o WHERE" WINDOW DAY " + p.after >= p.as_of - p.lookback "
    "AND NOT EXISTS (SELECT 1 FROM orders f WHERE f.customer_id = o.customer_id AND "
    "(f.ordered_at < o.ordered_at OR (f.ordered_at = o.ordered_at AND "
    "f.order_id COLLATE \"C\" < o.order_id COLLATE \"C\"))) "
    NOT_SCHEDULED("o.order_id", "''") "ORDER BY o.order_id COLLATE \"C\"" SKIP;

/* category: an order with a line of a product in the category. */
static const char category_sql[] = PARAMS INSERT
    "SELECT p.rule, o.customer_id, o.order_id, '', p.channel, " DAY " + p.after, p.now "
    "FROM p, orders o WHERE" WINDOW DAY " + p.after >= p.as_of - p.lookback "
    "AND EXISTS (SELECT 1 FROM order_lines l JOIN products r ON r.product_id = l.product_id "
    "WHERE l.order_id = o.order_id AND r.category = p.category) "
    NOT_SCHEDULED("o.order_id", "''") "ORDER BY o.order_id COLLATE \"C\"" SKIP;

/* consumable: each product (or each of the category) bought, due when the units bought run out
 * less before_days, unless the customer bought that product again before then (up to as_of).
 * The order's customer and time are grouped by too: on a cluster orders is partitioned, and a
 * partitioned table's key does not make its other columns functionally dependent on order_id. */
static const char consumable_sql[] = PARAMS ", bought AS (SELECT o.order_id, o.customer_id, "
    "o.ordered_at, l.product_id, " DAY " + p.lasts * greatest(sum(coalesce(l.quantity, 1)), 1) "
    "- p.before AS due FROM p, orders o JOIN order_lines l ON l.order_id = o.order_id "
    "JOIN products r ON r.product_id = l.product_id "
    "WHERE" WINDOW "(p.product IS NULL OR l.product_id = p.product) "
    "AND (p.category IS NULL OR r.category = p.category) "
    "GROUP BY o.order_id, o.customer_id, o.ordered_at, l.product_id, p.lasts, p.before)" INSERT
    "SELECT p.rule, b.customer_id, b.order_id, b.product_id, p.channel, b.due, p.now "
    "FROM p, bought b WHERE b.due >= p.as_of - p.lookback "
    "AND NOT EXISTS (SELECT 1 FROM orders n JOIN order_lines m ON m.order_id = n.order_id "
    "WHERE n.customer_id = b.customer_id AND m.product_id = b.product_id "
    "AND n.ordered_at > b.ordered_at AND n.ordered_at < (least(b.due, p.as_of) + 1) * 86400) "
    NOT_SCHEDULED("b.order_id", "b.product_id") "ORDER BY b.order_id COLLATE \"C\", b.product_id COLLATE \"C\"" SKIP;

static const char *text_param(const char *text)
{
    return text && *text ? text : NULL;
}

int dg__pg_followup_insert_rule(dg_pg *pg, const dg_followup_rule *rule, int32_t as_of,
                                int lookback_days, int64_t now, int64_t *created, dg_error *err)
{
    const char *sql = rule->trigger == DG_FOLLOWUP_FIRST_PURCHASE ? first_purchase_sql
                    : rule->trigger == DG_FOLLOWUP_CATEGORY ? category_sql : consumable_sql;
    dg__pg_number after, lasts, before, day, lookback, at;
    const char *params[] = {
        rule->name, dg_followup_channel_code(rule->channel), text_param(rule->category),
        text_param(rule->product), dg__pg_int(after, rule->after_days),
        dg__pg_int(lasts, rule->lasts_days), dg__pg_int(before, rule->before_days),
        dg__pg_int(day, as_of), dg__pg_int(lookback, lookback_days), dg__pg_int(at, now),
    };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, 10, params, &res, "scheduling follow-up tasks", err);
    if (rc == 0)
        *created = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

#define TASK_COLUMNS "task_id, rule, customer_id, order_id, product_id, channel, due_on, state, " \
    "outcome, note, done_at, done_by, version, created_at"

static void read_task(const PGresult *res, int r, dg__followup_task *t)
{
    memset(t, 0, sizeof *t);
    struct { char *to; size_t cap; int column; } texts[] = {
        { t->rule, sizeof t->rule, 1 }, { t->customer_id, sizeof t->customer_id, 2 },
        { t->order_id, sizeof t->order_id, 3 }, { t->product_id, sizeof t->product_id, 4 },
        { t->channel, sizeof t->channel, 5 }, { t->state, sizeof t->state, 7 },
        { t->outcome, sizeof t->outcome, 8 }, { t->note, sizeof t->note, 9 },
        { t->done_by, sizeof t->done_by, 11 },
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        snprintf(texts[i].to, texts[i].cap, "%s", PQgetvalue(res, r, texts[i].column));
    t->task_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
    t->due_on = (int32_t)strtol(PQgetvalue(res, r, 6), NULL, 10);
    t->done_at = strtoll(PQgetvalue(res, r, 10), NULL, 10);
    t->version = strtoll(PQgetvalue(res, r, 12), NULL, 10);
    t->created_at = strtoll(PQgetvalue(res, r, 13), NULL, 10);
}

int dg__pg_followup_get(dg_pg *pg, int64_t task_id, dg__followup_task *task, dg_error *err)
{
    dg__pg_number id;
    const char *param = dg__pg_int(id, task_id);
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, "SELECT " TASK_COLUMNS " FROM followup_tasks WHERE task_id = $1",
                            1, &param, &res, "reading a follow-up task", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no follow-up task %lld", (long long)task_id);
    if (rc < 0)
        return rc;
    read_task(res, 0, task);
    PQclear(res);
    return 0;
}

int dg__pg_followup_mark_done(dg_pg *pg, const dg__followup_task *t, dg_error *err)
{
    dg__pg_number at, id, version;
    const char *params[] = { t->outcome, text_param(t->note), dg__pg_int(at, t->done_at),
                             t->done_by, dg__pg_int(id, t->task_id),
                             dg__pg_int(version, t->version) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "UPDATE followup_tasks SET state = 'done', outcome = $1, note = $2, "
                         "done_at = $3, done_by = $4, version = version + 1 WHERE task_id = $5 "
                         "AND version = $6 AND state = 'open'", 6, params, &res,
                         "recording a follow-up outcome", err);
    if (rc == 0 && strcmp(PQcmdTuples(res), "1") != 0)
        rc = dg_error_set(err, DG_ECONFLICT, "follow-up task %lld changed meanwhile",
                          (long long)t->task_id);
    PQclear(res);
    return rc;
}

int dg__pg_followup_scan(dg_pg *pg, const char *state, const char *customer_id,
                         const char *channel, int32_t due_by, dg__followup_task_fn fn, void *ctx,
                         dg_error *err)
{
    dg__pg_number due;
    const char *params[] = { state, customer_id, channel, dg__pg_int(due, due_by) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT " TASK_COLUMNS " FROM followup_tasks WHERE ($1::text IS "
                         "NULL OR state = $1) AND ($2::text IS NULL OR customer_id = $2) AND "
                         "($3::text IS NULL OR channel = $3) AND due_on <= $4 ORDER BY due_on, "
                         "task_id", 4, params, &res, "reading follow-up tasks", err);
    dg__followup_task task;
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        read_task(res, r, &task);
        rc = fn(ctx, &task);
    }
    PQclear(res);
    return rc;
}

int dg__pg_followup_request_get(dg_pg *pg, const char *key, char *fingerprint, size_t cap,
                                int64_t *task_id, int64_t *version, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_request_row(pg, "followup_requests", "task_id, version", key, fingerprint,
                                cap, &res, err);
    if (rc != 0)
        return rc;
    *task_id = dg__pg_int_at(res, 1);
    *version = dg__pg_int_at(res, 2);
    PQclear(res);
    return 0;
}

int dg__pg_followup_request_put(dg_pg *pg, const char *key, const char *fingerprint,
                                int64_t task_id, int64_t version, int64_t now, dg_error *err)
{
    dg__pg_number task, v, at;
    const char *params[] = { key, fingerprint, dg__pg_int(task, task_id), dg__pg_int(v, version),
                             dg__pg_int(at, now) };
    return dg__pg_exec(pg, "INSERT INTO followup_requests (idempotency_key, fingerprint, task_id, "
                       "version, recorded_at) VALUES ($1, $2, $3, $4, $5)", 5, params, NULL,
                       "remembering an idempotency key", err);
}

int dg__pg_followup_contact(dg_pg *pg, const char *customer_id, char *name, char *phone,
                            char *email, size_t cap, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_one_row(pg, "SELECT coalesce(name, ''), coalesce(phone, ''), "
                            "coalesce(email, '') FROM customers WHERE customer_id = $1", 1,
                            &customer_id, &res, "reading a customer's contact", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    if (rc < 0)
        return rc;
    snprintf(name, cap, "%s", PQgetvalue(res, 0, 0));
    snprintf(phone, cap, "%s", PQgetvalue(res, 0, 1));
    snprintf(email, cap, "%s", PQgetvalue(res, 0, 2));
    PQclear(res);
    return 0;
}
