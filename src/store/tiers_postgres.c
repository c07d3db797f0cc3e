/* The tiers' rows on a PostgreSQL store (schema/pg/0006_tiers.sql), so tiers can be evaluated
 * and their history, distribution and migration read there as on SQLite (tiers_sqlite.c hands
 * these the calls of a PostgreSQL store). An evaluation reads the last run under an advisory
 * lock held to its commit: a second evaluation at once waits, then finds the day done, as
 * under SQLite's one writer at a time. Customers are read in byte order (COLLATE "C"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/text.h"
#include "store/tiers_postgres.h"

#define EVALUATION_LOCK 0x7469657273LL   /* pg_advisory_xact_lock key of the evaluations */

static int64_t int_at(const PGresult *res, int r, int c)
{
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

int dg__pg_tier_last_run(dg_pg *pg, int32_t *as_of, dg_error *err)
{
    int rc = dg__pg_in_transaction(pg)
                 ? dg__pg_lock_job(pg, EVALUATION_LOCK, "waiting for another tier evaluation", err)
                 : 0;
    PGresult *res = NULL;
    if (rc == 0)
        rc = dg__pg_exec(pg, "SELECT max(as_of) FROM tier_runs", 0, NULL, &res,
                         "reading the tier runs", err);
    if (rc == 0 && PQgetisnull(res, 0, 0))
        rc = DG_ENOTFOUND;
    else if (rc == 0)
        *as_of = (int32_t)int_at(res, 0, 0);
    PQclear(res);
    return rc;
}

int dg__pg_tier_rules_text(dg_pg *pg, char **text, dg_error *err)
{
    PGresult *res = NULL;
    *text = NULL;
    int rc = dg__pg_one_row(pg, "SELECT body FROM tier_rules WHERE id = 1", 0, NULL, &res,
                            "reading the tier rules", err);
    if (rc <= 0)
        return rc == 0 ? DG_ENOTFOUND : rc;
    *text = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return *text ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
}

int dg__pg_tier_rules_put(dg_pg *pg, const char *name, const char *text, int64_t now,
                          dg_error *err)
{
    dg__pg_number at;
    const char *params[] = { name, text, dg__pg_int(at, now) };
    return dg__pg_exec(pg, "INSERT INTO tier_rules (id, name, body, recorded_at) VALUES (1, $1, "
                       "$2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = "
                       "excluded.body, recorded_at = excluded.recorded_at", 3, params, NULL,
                       "keeping the tier rules", err);
}

int dg__pg_tier_run_insert(dg_pg *pg, int32_t as_of, const char *actor, int64_t now,
                           int64_t *run_id, dg_error *err)
{
    dg__pg_number day, at;
    const char *params[] = { dg__pg_int(day, as_of), actor, dg__pg_int(at, now) };
    return dg__pg_scalar(pg, "INSERT INTO tier_runs (as_of, customers, upgrades, downgrades, "
                         "actor, recorded_at) VALUES ($1, 0, 0, 0, $2, $3) RETURNING run_id", 3,
                         params, run_id, "recording a tier run", err);
}

int dg__pg_tier_run_counts(dg_pg *pg, int64_t run_id, int64_t customers, int64_t upgrades,
                           int64_t downgrades, dg_error *err)
{
    dg__pg_number a, b, c, id;
    const char *params[] = { dg__pg_int(a, customers), dg__pg_int(b, upgrades),
                             dg__pg_int(c, downgrades), dg__pg_int(id, run_id) };
    return dg__pg_exec(pg, "UPDATE tier_runs SET customers = $1, upgrades = $2, downgrades = $3 "
                       "WHERE run_id = $4", 4, params, NULL, "recording a tier run", err);
}

int dg__pg_tier_states_scan(dg_pg *pg, dg__tier_state_fn fn, void *ctx, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT customer_id, tier, since FROM tier_state ORDER BY "
                         "customer_id COLLATE \"C\"", 0, NULL, &res, "reading the tiers", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++)
        rc = fn(ctx, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), (int32_t)int_at(res, r, 2));
    PQclear(res);
    return rc;
}

int dg__pg_tier_activities_scan(dg_pg *pg, dg_tier_measure measure, const char *customer_id,
                                int64_t from, int64_t to, dg__tier_activity_fn fn, void *ctx,
                                dg_error *err)
{
    /* $1..$2 bound the time column (seconds or days); $3 one customer or NULL for all */
    static const char *const sql[] = {
        "SELECT customer_id, ordered_at, total FROM orders WHERE ordered_at BETWEEN $1 AND $2 "
        "AND ($3::text IS NULL OR customer_id = $3) ORDER BY customer_id COLLATE \"C\", "
        "ordered_at",
        "SELECT customer_id, ordered_at, 1 FROM orders WHERE ordered_at BETWEEN $1 AND $2 "
        "AND ($3::text IS NULL OR customer_id = $3) ORDER BY customer_id COLLATE \"C\", "
        "ordered_at",
        "SELECT customer_id, occurred_on, points FROM points_movements WHERE kind IN ('earn', "
        "'reverse') AND occurred_on BETWEEN $1 AND $2 AND ($3::text IS NULL OR customer_id = $3) "
        "ORDER BY customer_id COLLATE \"C\", occurred_on, movement_id",
    };
    bool seconds = measure != DG_TIER_MEASURE_POINTS;
    dg__pg_number lo, hi;
    const char *params[] = { dg__pg_int(lo, from), dg__pg_int(hi, to), customer_id };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql[measure], 3, params, &res, "reading the tier measure", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        int64_t when = int_at(res, r, 1);
        rc = fn(ctx, PQgetvalue(res, r, 0), seconds ? dg_day_of(when) : (int32_t)when,
                int_at(res, r, 2));
    }
    PQclear(res);
    return rc;
}

/* One INSERT ... SELECT of a batch's rows, sent as one JSON array ($1) with the run's id ($2). */
static int insert_json(dg_pg *pg, const char *sql, const dg__rows *rows, int64_t run_id,
                       const char *what, dg_error *err)
{
    char *text = NULL;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    if (out)
        dg__rows_json(out, rows);
    int rc = out && fclose(out) == 0 ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
    dg__pg_number run;
    const char *params[] = { text, dg__pg_int(run, run_id) };
    if (rc == 0)
        rc = dg__pg_exec(pg, sql, 2, params, NULL, what, err);
    free(text);
    return rc;
}

int dg__pg_tier_changes_put(dg_pg *pg, int64_t run_id, const dg__rows *history,
                            const dg__rows *states, dg_error *err)
{
    int rc = insert_json(pg, "INSERT INTO tier_history (customer_id, from_tier, to_tier, "
                         "changed_on, measure, reason, run_id) SELECT v->>0, v->>1, v->>2, "
                         "(v->>3)::bigint, (v->>4)::bigint, v->>5, $2 FROM "
                         "json_array_elements($1::json) WITH ORDINALITY AS c(v, n) ORDER BY n",
                         history, run_id, "writing the tier history", err);
    return rc != 0 ? rc : insert_json(pg, "INSERT INTO tier_state (customer_id, tier, since, "
                                      "run_id) SELECT v->>0, v->>1, (v->>2)::bigint, $2 FROM "
                                      "json_array_elements($1::json) AS c(v) ON CONFLICT "
                                      "(customer_id) DO UPDATE SET tier = excluded.tier, since "
                                      "= excluded.since, run_id = excluded.run_id", states,
                                      run_id, "writing the tiers", err);
}

int dg__pg_tier_history_scan(dg_pg *pg, const char *customer_id, int32_t to_day,
                             dg__tier_history_fn fn, void *ctx, dg_error *err)
{
    dg__pg_number day;
    const char *params[] = { dg__pg_int(day, to_day), customer_id };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT history_id, customer_id, from_tier, to_tier, changed_on, "
                         "measure, coalesce(reason, ''), run_id FROM tier_history WHERE "
                         "changed_on <= $1 AND ($2::text IS NULL OR customer_id = $2) ORDER BY "
                         "customer_id COLLATE \"C\", changed_on, history_id", 2, params, &res,
                         "reading the tier history", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__tier_history_row row = {
            .history_id = int_at(res, r, 0), .customer_id = PQgetvalue(res, r, 1),
            .from_tier = PQgetvalue(res, r, 2), .to_tier = PQgetvalue(res, r, 3),
            .changed_on = (int32_t)int_at(res, r, 4), .measure = int_at(res, r, 5),
            .reason = PQgetvalue(res, r, 6), .run_id = int_at(res, r, 7),
        };
        rc = fn(ctx, &row);
    }
    PQclear(res);
    return rc;
}

int dg__pg_tier_at(dg_pg *pg, const char *customer_id, int32_t day, char *tier, size_t cap,
                   dg_error *err)
{
    dg__pg_number d;
    const char *params[] = { customer_id, dg__pg_int(d, day) };
    PGresult *res = NULL;
    tier[0] = '\0';
    int rc = dg__pg_one_row(pg, "SELECT to_tier FROM tier_history WHERE customer_id = $1 AND "
                            "changed_on <= $2 ORDER BY changed_on DESC, history_id DESC LIMIT 1",
                            2, params, &res, "reading a tier", err);
    if (rc <= 0)
        return rc;
    snprintf(tier, cap, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

int dg__pg_tier_customer_count(dg_pg *pg, int64_t *n, dg_error *err)
{
    return dg__pg_scalar(pg, "SELECT count(*) FROM customers", 0, NULL, n, "counting customers",
                         err);
}
