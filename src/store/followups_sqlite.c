/* The SQL of follow-up tasks (src/store/followups.h, schema/0013_followups.sql). The scheduler's
 * statements are INSERT OR IGNORE against the UNIQUE (rule, order_id, product_id) key, so a
 * task is never created twice; every statement binds its values. Days are UTC days of
 * orders.ordered_at. A PostgreSQL store's calls go to their twins in followups_postgres.c. */
#include <stdio.h>
#include <string.h>

#include "store/followups.h"
#include "store/followups_postgres.h"
#include "store/sql_day.h"
#include "store/snapshot.h"
#include "store/stmt.h"

#define DAY DG__SQL_DAY_OF("o.ordered_at")
#define WINDOW " o.ordered_at < (:as_of + 1) * 86400 AND "
#define INSERT "INSERT OR IGNORE INTO followup_tasks (rule, customer_id, order_id, product_id, " \
               "channel, due_on, created_at) "

/* first_purchase: the customer's first order (earliest time, then lowest id). */
static const char first_purchase_sql[] = INSERT
    "SELECT :rule, o.customer_id, o.order_id, '', :channel, " DAY " + :after, :now "
    "FROM orders o WHERE" WINDOW DAY " + :after >= :as_of - :lookback "
    "AND NOT EXISTS (SELECT 1 FROM orders p WHERE p.customer_id = o.customer_id AND "
    "(p.ordered_at < o.ordered_at OR (p.ordered_at = o.ordered_at AND p.order_id < o.order_id)))";

/* category: an order with a line of a product in the category. */
static const char category_sql[] = INSERT
    "SELECT :rule, o.customer_id, o.order_id, '', :channel, " DAY " + :after, :now "
    "FROM orders o WHERE" WINDOW DAY " + :after >= :as_of - :lookback "
    "AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.product_id = l.product_id "
    "WHERE l.order_id = o.order_id AND p.category = :category)";

/* consumable: each product (or each of the category) bought, due when the units bought run out
 * less before_days, unless the customer bought that product again before then (up to as_of). */
static const char consumable_sql[] = INSERT
    "SELECT :rule, o.customer_id, o.order_id, l.product_id, :channel, "
    DAY " + :lasts * max(sum(coalesce(l.quantity, 1)), 1) - :before AS due, :now "
    "FROM orders o JOIN order_lines l ON l.order_id = o.order_id "
    "JOIN products p ON p.product_id = l.product_id "
    "WHERE" WINDOW "(:product IS NULL OR l.product_id = :product) "
    "AND (:category IS NULL OR p.category = :category) "
    "GROUP BY o.order_id, l.product_id HAVING due >= :as_of - :lookback "
    "AND NOT EXISTS (SELECT 1 FROM orders n JOIN order_lines m ON m.order_id = n.order_id "
    "WHERE n.customer_id = o.customer_id AND m.product_id = l.product_id "
    "AND n.ordered_at > o.ordered_at AND n.ordered_at < (min(due, :as_of) + 1) * 86400)";

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *text)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        dg__stmt_bind_text(st, i, text && *text ? text : NULL);
}

static void bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_int64(st, i, v);
}

int dg__followup_insert_rule(dg_store *s, const dg_followup_rule *rule, int32_t as_of,
                             int lookback_days, int64_t now, int64_t *created, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_followup_insert_rule(dg__store_pg(s), rule, as_of, lookback_days, now,
                                           created, err);
    const char *sql = rule->trigger == DG_FOLLOWUP_FIRST_PURCHASE ? first_purchase_sql
                    : rule->trigger == DG_FOLLOWUP_CATEGORY ? category_sql : consumable_sql;
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    bind_named_text(st, ":rule", rule->name);
    bind_named_text(st, ":channel", dg_followup_channel_code(rule->channel));
    bind_named_text(st, ":category", rule->category);
    bind_named_text(st, ":product", rule->product);
    bind_named_int(st, ":after", rule->after_days);
    bind_named_int(st, ":lasts", rule->lasts_days);
    bind_named_int(st, ":before", rule->before_days);
    bind_named_int(st, ":as_of", as_of);
    bind_named_int(st, ":lookback", lookback_days);
    bind_named_int(st, ":now", now);
    rc = dg__stmt_run(s, st, "scheduling follow-up tasks", err);
    dg__store_statement_done(s, st);
    if (rc == 0)
        *created = sqlite3_changes(dg__store_db(s));
    return rc;
}

#define TASK_COLUMNS "task_id, rule, customer_id, order_id, product_id, channel, due_on, state, " \
    "outcome, note, done_at, done_by, version, created_at"

static void read_task(sqlite3_stmt *st, dg__followup_task *t)
{
    memset(t, 0, sizeof *t);
    t->task_id = sqlite3_column_int64(st, 0);
    dg__stmt_copy_text(t->rule, sizeof t->rule, st, 1);
    dg__stmt_copy_text(t->customer_id, sizeof t->customer_id, st, 2);
    dg__stmt_copy_text(t->order_id, sizeof t->order_id, st, 3);
    dg__stmt_copy_text(t->product_id, sizeof t->product_id, st, 4);
    dg__stmt_copy_text(t->channel, sizeof t->channel, st, 5);
    t->due_on = sqlite3_column_int(st, 6);
    dg__stmt_copy_text(t->state, sizeof t->state, st, 7);
    dg__stmt_copy_text(t->outcome, sizeof t->outcome, st, 8);
    dg__stmt_copy_text(t->note, sizeof t->note, st, 9);
    t->done_at = sqlite3_column_int64(st, 10);
    dg__stmt_copy_text(t->done_by, sizeof t->done_by, st, 11);
    t->version = sqlite3_column_int64(st, 12);
    t->created_at = sqlite3_column_int64(st, 13);
}

int dg__followup_get(dg_store *s, int64_t task_id, dg__followup_task *task, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_followup_get(dg__store_pg(s), task_id, task, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT " TASK_COLUMNS " FROM followup_tasks WHERE "
                                 "task_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, task_id);
    rc = dg__stmt_step(s, st, "reading a follow-up task", err);
    if (rc == 1) {
        read_task(st, task);
        rc = 0;
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no follow-up task %lld", (long long)task_id);
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__followup_mark_done(dg_store *s, const dg__followup_task *t, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_followup_mark_done(dg__store_pg(s), t, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "UPDATE followup_tasks SET state = 'done', outcome = ?, "
                                 "note = ?, done_at = ?, done_by = ?, version = version + 1 "
                                 "WHERE task_id = ? AND version = ? AND state = 'open'", &st,
                                 err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, t->outcome, -1, SQLITE_STATIC);
    dg__stmt_bind_text(st, 2, t->note[0] ? t->note : NULL);
    sqlite3_bind_int64(st, 3, t->done_at);
    sqlite3_bind_text(st, 4, t->done_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, t->task_id);
    sqlite3_bind_int64(st, 6, t->version);
    rc = dg__stmt_run(s, st, "recording a follow-up outcome", err);
    dg__store_statement_done(s, st);
    if (rc == 0 && sqlite3_changes(dg__store_db(s)) != 1)
        rc = dg_error_set(err, DG_ECONFLICT, "follow-up task %lld changed meanwhile",
                          (long long)t->task_id);
    return rc;
}

typedef struct scan_ctx {
    dg__followup_task_fn fn;
    void *ctx;
    dg__followup_task task;
} scan_ctx;

static int scan_row(void *ctx, sqlite3_stmt *st)
{
    scan_ctx *c = ctx;
    read_task(st, &c->task);
    return c->fn(c->ctx, &c->task);
}

int dg__followup_scan(dg_store *s, const char *state, const char *customer_id,
                      const char *channel, int32_t due_by, dg__followup_task_fn fn, void *ctx,
                      dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_followup_scan(dg__store_pg(s), state, customer_id, channel, due_by, fn, ctx,
                                    err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT " TASK_COLUMNS " FROM followup_tasks WHERE "
                                 "(?1 IS NULL OR state = ?1) AND (?2 IS NULL OR customer_id = ?2) "
                                 "AND (?3 IS NULL OR channel = ?3) AND due_on <= ?4 "
                                 "ORDER BY due_on, task_id", &st, err);
    if (rc != 0)
        return rc;
    dg__stmt_bind_text(st, 1, state);
    dg__stmt_bind_text(st, 2, customer_id);
    dg__stmt_bind_text(st, 3, channel);
    sqlite3_bind_int(st, 4, due_by);
    scan_ctx c = { .fn = fn, .ctx = ctx };
    rc = dg__stmt_each(s, st, scan_row, &c, "reading follow-up tasks", err);
    dg__store_statement_done(s, st);
    return rc;
}

typedef struct request_ctx {
    int64_t *task_id, *version;
} request_ctx;

static int request_row(void *ctx, sqlite3_stmt *st)
{
    request_ctx *c = ctx;
    *c->task_id = sqlite3_column_int64(st, 1);
    *c->version = sqlite3_column_int64(st, 2);
    return 0;
}

int dg__followup_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                             int64_t *task_id, int64_t *version, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_followup_request_get(dg__store_pg(s), key, fingerprint, cap, task_id,
                                           version, err);
    request_ctx c = { task_id, version };
    return dg__stmt_request_get(s, "SELECT fingerprint, task_id, version FROM "
                                "followup_requests WHERE idempotency_key = ?", key, fingerprint,
                                cap, request_row, &c, err);
}

int dg__followup_request_put(dg_store *s, const char *key, const char *fingerprint,
                             int64_t task_id, int64_t version, int64_t now, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_followup_request_put(dg__store_pg(s), key, fingerprint, task_id, version,
                                           now, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO followup_requests (idempotency_key, "
                                 "fingerprint, task_id, version, recorded_at) VALUES "
                                 "(?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, task_id);
    sqlite3_bind_int64(st, 4, version);
    sqlite3_bind_int64(st, 5, now);
    rc = dg__stmt_run(s, st, "remembering an idempotency key", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__followup_contact(dg_store *s, const char *customer_id, char *name, char *phone,
                         char *email, size_t cap, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_followup_contact(dg__store_pg(s), customer_id, name, phone, email, cap, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT name, phone, email FROM customers WHERE "
                                 "customer_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading a customer's contact", err);
    if (rc == 1) {
        dg__stmt_copy_text(name, cap, st, 0);
        dg__stmt_copy_text(phone, cap, st, 1);
        dg__stmt_copy_text(email, cap, st, 2);
        rc = 0;
    } else if (rc == 0) {
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    }
    dg__store_statement_done(s, st);
    return rc;
}
