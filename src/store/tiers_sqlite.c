/* The tiers' SQL (src/store/tiers.h, schema/0006_tiers.sql; the history in the narrow rows of
 * 0032_tier_history_narrow.sql, each customer's tier its last row). Every statement binds its
 * values and comes from the connection's statement cache; the callers hold the transaction. The
 * measures read the orders and the points ledger by customer and day, so one pass over the
 * customers' rows in customer order feeds the evaluation. A PostgreSQL store's calls go to
 * their twins in tiers_postgres.c. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dangol/text.h"
#include "store/snapshot.h"
#include "store/sqlite_rows.h"
#include "store/tier_codes_sqlite.h"
#include "store/tiers.h"
#include "store/tiers_postgres.h"

#define SECONDS_PER_DAY 86400LL

/* Steps st to its end; fn (may be NULL) with each row until it returns nonzero (returned). */
typedef int (*row_fn)(void *ctx, sqlite3_stmt *st);
static int steps(dg_store *s, sqlite3_stmt *st, row_fn fn, void *ctx, const char *what,
                 dg_error *err)
{
    int step, rc = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if (fn && (rc = fn(ctx, st)) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = dg__store_error(s, err, what);
    dg__store_statement_done(s, st);
    return rc;
}

static const char *text_at(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static void copy_text(char *out, size_t cap, const char *text)
{
    snprintf(out, cap, "%s", text);
}

/* ---- runs and rules ---- */

static int read_day(void *ctx, sqlite3_stmt *st)
{
    int32_t *day = ctx;
    if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        return 0;
    *day = sqlite3_column_int(st, 0);
    return 1;
}

int dg__tier_last_run(dg_store *s, int32_t *as_of, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_last_run(dg__store_pg(s), as_of, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "SELECT max(as_of) FROM tier_runs", &st, err);
    if (rc != 0)
        return rc;
    rc = steps(s, st, read_day, as_of, "reading the tier runs", err);
    return rc == 1 ? 0 : rc == 0 ? DG_ENOTFOUND : rc;
}

static int read_copy(void *ctx, sqlite3_stmt *st)
{
    char **text = ctx;
    *text = strdup(text_at(st, 0));
    return *text ? 1 : DG_ENOMEM;
}

int dg__tier_rules_text(dg_store *s, char **text, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_rules_text(dg__store_pg(s), text, err);
    sqlite3_stmt *st;
    *text = NULL;
    int rc = dg__store_statement(s, "SELECT body FROM tier_rules WHERE id = 1", &st, err);
    if (rc != 0)
        return rc;
    rc = steps(s, st, read_copy, text, "reading the tier rules", err);
    if (rc == DG_ENOMEM)
        return dg_error_set(err, rc, "out of memory");
    return rc == 1 ? 0 : rc == 0 ? DG_ENOTFOUND : rc;
}

int dg__tier_rules_put(dg_store *s, const char *name, const char *text, int64_t now,
                       dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_rules_put(dg__store_pg(s), name, text, now, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "INSERT OR REPLACE INTO tier_rules (id, name, body, "
                                 "recorded_at) VALUES (1, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return steps(s, st, NULL, NULL, "keeping the tier rules", err);
}

int dg__tier_run_insert(dg_store *s, int32_t as_of, const char *actor, int64_t now,
                        int64_t *run_id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_run_insert(dg__store_pg(s), as_of, actor, now, run_id, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "INSERT INTO tier_runs (as_of, customers, upgrades, "
                                 "downgrades, actor, recorded_at) VALUES (?, 0, 0, 0, ?, ?)",
                                 &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, as_of);
    sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    rc = steps(s, st, NULL, NULL, "recording a tier run", err);
    *run_id = sqlite3_last_insert_rowid(dg__store_db(s));
    return rc;
}

int dg__tier_run_counts(dg_store *s, int64_t run_id, int64_t customers, int64_t upgrades,
                        int64_t downgrades, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_run_counts(dg__store_pg(s), run_id, customers, upgrades, downgrades,
                                      err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "UPDATE tier_runs SET customers = ?, upgrades = ?, "
                                 "downgrades = ? WHERE run_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, customers);
    sqlite3_bind_int64(st, 2, upgrades);
    sqlite3_bind_int64(st, 3, downgrades);
    sqlite3_bind_int64(st, 4, run_id);
    return steps(s, st, NULL, NULL, "recording a tier run", err);
}

/* ---- states ---- */

/* Each customer's last change (schema 32: tier_state is a view of it), read in the order of
 * tier_changes_customer, which covers these columns: the customer's rows are consecutive, the
 * last one their tier. The customer's id is copied once per customer, when the next begins. */
typedef struct state_ctx {
    dg__tier_state_fn fn;
    void *ctx;
    const dg__tier_codes *codes;
    char *id;                /* the customer whose rows are being read ("" before the first) */
    size_t cap;
    int64_t code;
    int32_t since;
} state_ctx;

static int state_emit(state_ctx *c)
{
    return c->id && c->id[0] ? c->fn(c->ctx, c->id, dg__tier_code_of(c->codes, c->code),
                                     c->since)
                             : 0;
}

static int state_row(void *ctx, sqlite3_stmt *st)
{
    state_ctx *c = ctx;
    const char *id = text_at(st, 0);
    if (!c->id || strcmp(id, c->id) != 0) {
        int rc = state_emit(c);
        size_t len = strlen(id) + 1;
        if (rc == 0 && len > c->cap) {
            char *grown = realloc(c->id, len);
            if (!grown)
                return DG_ENOMEM;
            c->id = grown;
            c->cap = len;
        }
        if (rc != 0)
            return rc;
        memcpy(c->id, id, len);
    }
    c->code = sqlite3_column_int64(st, 1);
    c->since = sqlite3_column_int(st, 2);
    return 0;
}

int dg__tier_states_scan(dg_store *s, dg__tier_state_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_states_scan(dg__store_pg(s), fn, ctx, err);
    dg__tier_codes codes;
    int rc = dg__tier_codes_read(s, &codes, err);
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = dg__store_statement(s, "SELECT customer_id, to_code, changed_on FROM tier_changes "
                                 "ORDER BY customer_id, changed_on, history_id", &st, err);
    state_ctx c = { fn, ctx, &codes, NULL, 0, 0, 0 };
    if (rc == 0)
        rc = steps(s, st, state_row, &c, "reading the tiers", err);
    if (rc == 0)
        rc = state_emit(&c);
    free(c.id);
    dg__tier_codes_free(&codes);
    return rc == DG_ENOMEM ? dg_error_set(err, rc, "out of memory") : rc;
}

/* ---- measures ---- */

typedef struct activity_ctx {
    dg__tier_activity_fn fn;
    void *ctx;
    bool seconds;        /* column 1 is a timestamp (orders), not a day */
} activity_ctx;

static int activity_row(void *ctx, sqlite3_stmt *st)
{
    activity_ctx *c = ctx;
    int64_t when = sqlite3_column_int64(st, 1);
    int32_t day = c->seconds ? dg_day_of(when) : (int32_t)when;
    return c->fn(c->ctx, text_at(st, 0), day, sqlite3_column_int64(st, 2));
}

int dg__tier_activities_scan(dg_store *s, dg_tier_measure measure, const char *customer_id,
                             int32_t from_day, int32_t to_day, dg__tier_activity_fn fn,
                             void *ctx, dg_error *err)
{
    /* ?1..?2 bound the time column (seconds or days); ?3 one customer or NULL for all */
    static const char *const sql[] = {
        "SELECT customer_id, ordered_at, total FROM orders WHERE ordered_at BETWEEN ?1 AND ?2 "
        "AND (?3 IS NULL OR customer_id = ?3) ORDER BY customer_id, ordered_at",
        "SELECT customer_id, ordered_at, 1 FROM orders WHERE ordered_at BETWEEN ?1 AND ?2 "
        "AND (?3 IS NULL OR customer_id = ?3) ORDER BY customer_id, ordered_at",
        "SELECT customer_id, occurred_on, points FROM points_movements WHERE kind IN ('earn', "
        "'reverse') AND occurred_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR customer_id = ?3) "
        "ORDER BY customer_id, occurred_on, movement_id",
    };
    bool seconds = measure != DG_TIER_MEASURE_POINTS;
    int64_t lo = from_day == INT32_MIN ? INT64_MIN : seconds ? from_day * SECONDS_PER_DAY
                                                             : from_day;
    int64_t hi = seconds ? ((int64_t)to_day + 1) * SECONDS_PER_DAY - 1 : to_day;
    if (dg__store_pg(s))
        return dg__pg_tier_activities_scan(dg__store_pg(s), measure, customer_id, lo, hi, fn,
                                           ctx, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, sql[measure], &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    if (customer_id)
        sqlite3_bind_text(st, 3, customer_id, -1, SQLITE_STATIC);
    activity_ctx c = { fn, ctx, seconds };
    return steps(s, st, activity_row, &c, "reading the tier measure", err);
}

/* ---- changes and history ---- */

/* A history row as tier_changes holds it (schema 32): the codes as integers of tier_codes, the
 * reason as its dg_tier_reason. */
typedef struct narrow_change {
    const char *customer_id;
    int64_t from_code, to_code, reason, measure;
    int32_t changed_on;
} narrow_change;

static const dg__rows_column history_columns[] = {
    { offsetof(dg__tier_history_change, customer_id), DG__ROWS_TEXT },
    { offsetof(dg__tier_history_change, from_tier), DG__ROWS_TEXT },
    { offsetof(dg__tier_history_change, to_tier), DG__ROWS_TEXT },
    { offsetof(dg__tier_history_change, changed_on), DG__ROWS_INT32 },
    { offsetof(dg__tier_history_change, measure), DG__ROWS_INT64 },
    { offsetof(dg__tier_history_change, reason), DG__ROWS_TEXT },
};
static const dg__rows_column narrow_columns[] = {
    { offsetof(narrow_change, customer_id), DG__ROWS_TEXT },
    { offsetof(narrow_change, from_code), DG__ROWS_INT64 },
    { offsetof(narrow_change, to_code), DG__ROWS_INT64 },
    { offsetof(narrow_change, changed_on), DG__ROWS_INT32 },
    { offsetof(narrow_change, measure), DG__ROWS_INT64 },
    { offsetof(narrow_change, reason), DG__ROWS_INT64 },
};
static const dg__rows_column state_columns[] = {
    { offsetof(dg__tier_state_change, customer_id), DG__ROWS_TEXT },
    { offsetof(dg__tier_state_change, tier), DG__ROWS_TEXT },
    { offsetof(dg__tier_state_change, since), DG__ROWS_INT32 },
};

/* The dg_tier_reason of a reason's code; -1 for none (refused by tier_changes' CHECK). */
static int64_t reason_of(const char *code)
{
    for (int r = DG_TIER_REASON_UPGRADE; r <= DG_TIER_REASON_DOWNGRADE_RECOMPUTE; r++)
        if (strcmp(dg_tier_reason_code((dg_tier_reason)r), code) == 0)
            return r;
    return -1;
}

/* The batch's rows with their codes as integers (a code new to the store added to it). */
static int narrow(dg_store *s, const dg__tier_history_change *history, size_t n,
                  narrow_change *out, dg_error *err)
{
    dg__tier_codes codes;
    int rc = dg__tier_codes_read(s, &codes, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const dg__tier_history_change *h = &history[i];
        out[i] = (narrow_change){ h->customer_id, 0, 0, reason_of(h->reason), h->measure,
                                  h->changed_on };
        rc = dg__tier_code_id(s, &codes, h->from_tier, &out[i].from_code, err);
        if (rc == 0)
            rc = dg__tier_code_id(s, &codes, h->to_tier, &out[i].to_code, err);
    }
    dg__tier_codes_free(&codes);
    return rc;
}

/* The batch's history appended to tier_changes, in its order, by one INSERT ... SELECT over
 * dg_rows. The customers' tiers are the history's last rows (schema 32), so the states are
 * PostgreSQL's alone. */
int dg__tier_changes_put(dg_store *s, int64_t run_id, const dg__tier_history_change *history,
                         size_t n_history, const dg__tier_state_change *states, size_t n_states,
                         dg_error *err)
{
    if (dg__store_pg(s)) {
        dg__rows history_rows = { history, n_history, sizeof *history, history_columns,
                                  sizeof history_columns / sizeof *history_columns };
        dg__rows state_rows = { states, n_states, sizeof *states, state_columns,
                                sizeof state_columns / sizeof *state_columns };
        return dg__pg_tier_changes_put(dg__store_pg(s), run_id, &history_rows, &state_rows,
                                       err);
    }
    narrow_change *rows = n_history ? malloc(n_history * sizeof *rows) : NULL;
    if (n_history && !rows)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = narrow(s, history, n_history, rows, err);
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = dg__store_statement(s, "INSERT INTO tier_changes (customer_id, from_code, to_code, "
                                 "changed_on, measure, reason, run_id) SELECT c0, c1, c2, c3, "
                                 "c4, c5, ?2 FROM dg_rows(?1)", &st, err);
    dg__rows batch = { rows, n_history, sizeof *rows, narrow_columns,
                       sizeof narrow_columns / sizeof *narrow_columns };
    if (rc == 0 && dg__rows_bind(st, 1, &batch) != SQLITE_OK)
        rc = dg__store_error(s, err, "writing the tier history");
    if (rc == 0) {
        sqlite3_bind_int64(st, 2, run_id);
        rc = steps(s, st, NULL, NULL, "writing the tier history", err);
    } else if (st) {
        dg__store_statement_done(s, st);
    }
    free(rows);
    return rc;
}

typedef struct history_ctx {
    dg__tier_history_fn fn;
    void *ctx;
    const dg__tier_codes *codes;
} history_ctx;

static int history_row(void *ctx, sqlite3_stmt *st)
{
    history_ctx *c = ctx;
    dg__tier_history_row row = {
        .history_id = sqlite3_column_int64(st, 0), .customer_id = text_at(st, 1),
        .from_tier = dg__tier_code_of(c->codes, sqlite3_column_int64(st, 2)),
        .to_tier = dg__tier_code_of(c->codes, sqlite3_column_int64(st, 3)),
        .changed_on = sqlite3_column_int(st, 4), .measure = sqlite3_column_int64(st, 5),
        .reason = dg_tier_reason_code((dg_tier_reason)sqlite3_column_int(st, 6)),
        .run_id = sqlite3_column_int64(st, 7),
    };
    return c->fn(c->ctx, &row);
}

/* From tier_changes itself, its codes turned back into text here rather than by the view
 * tier_history's two subqueries a row (which made the sqlite3 shell's walk of bench/tier.sh's
 * 1.2 M rows 1.03 s of CPU instead of the 0.68 s of the old table; this one is as fast as that). */
int dg__tier_history_scan(dg_store *s, const char *customer_id, int32_t to_day,
                          dg__tier_history_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_history_scan(dg__store_pg(s), customer_id, to_day, fn, ctx, err);
    dg__tier_codes codes;
    int rc = dg__tier_codes_read(s, &codes, err);
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = dg__store_statement(s, "SELECT history_id, customer_id, from_code, to_code, "
                                 "changed_on, measure, reason, run_id FROM tier_changes "
                                 "WHERE changed_on <= ?1 AND (?2 IS NULL OR customer_id = ?2) "
                                 "ORDER BY customer_id, changed_on, history_id", &st, err);
    if (rc == 0) {
        sqlite3_bind_int(st, 1, to_day);
        if (customer_id)
            sqlite3_bind_text(st, 2, customer_id, -1, SQLITE_STATIC);
        history_ctx c = { fn, ctx, &codes };
        rc = steps(s, st, history_row, &c, "reading the tier history", err);
    }
    dg__tier_codes_free(&codes);
    return rc;
}

typedef struct tier_at_ctx {
    char *tier;
    size_t cap;
} tier_at_ctx;

static int tier_at_row(void *ctx, sqlite3_stmt *st)
{
    tier_at_ctx *c = ctx;
    copy_text(c->tier, c->cap, text_at(st, 0));
    return 1;
}

int dg__tier_at(dg_store *s, const char *customer_id, int32_t day, char *tier, size_t cap,
                dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_at(dg__store_pg(s), customer_id, day, tier, cap, err);
    sqlite3_stmt *st;
    tier[0] = '\0';
    int rc = dg__store_statement(s, "SELECT to_tier FROM tier_history WHERE customer_id = ? AND "
                                 "changed_on <= ? ORDER BY changed_on DESC, history_id DESC "
                                 "LIMIT 1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, day);
    tier_at_ctx c = { tier, cap };
    rc = steps(s, st, tier_at_row, &c, "reading a tier", err);
    return rc == 1 ? 0 : rc;
}

static int read_count(void *ctx, sqlite3_stmt *st)
{
    *(int64_t *)ctx = sqlite3_column_int64(st, 0);
    return 1;
}

int dg__tier_customer_count(dg_store *s, int64_t *n, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_tier_customer_count(dg__store_pg(s), n, err);
    sqlite3_stmt *st;
    *n = 0;
    int rc = dg__store_statement(s, "SELECT count(*) FROM customers", &st, err);
    if (rc != 0)
        return rc;
    rc = steps(s, st, read_count, n, "counting customers", err);
    return rc == 1 ? 0 : rc;
}
