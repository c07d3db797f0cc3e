/* Private to the library: the SQL of the tiers (src/store/tiers_sqlite.c, schema/0006_tiers.sql),
 * called by the evaluation (src/crm/tier.c), the reports (src/report/tiers.c) and the points earn
 * inside the transactions they open. Nothing here decides a rule: these read and write rows. */
#ifndef DANGOL_STORE_TIERS_H
#define DANGOL_STORE_TIERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"
#include "dangol/tier.h"

/* The last evaluated day into *as_of; DG_ENOTFOUND when nothing was evaluated. */
int dg__tier_last_run(dg_store *store, int32_t *as_of, dg_error *err);
/* The rules text kept in the store (caller frees *text with free()); DG_ENOTFOUND if none. */
int dg__tier_rules_text(dg_store *store, char **text, dg_error *err);
int dg__tier_rules_put(dg_store *store, const char *name, const char *text, int64_t now,
                       dg_error *err);

/* A run: inserted first (its id for the history rows), its counts set at the end. */
int dg__tier_run_insert(dg_store *store, int32_t as_of, const char *actor, int64_t now,
                        int64_t *run_id, dg_error *err);
int dg__tier_run_counts(dg_store *store, int64_t run_id, int64_t customers, int64_t upgrades,
                        int64_t downgrades, dg_error *err);

/* Every customer's stored tier (customers in the lowest tier may have none), in customer_id
 * order (byte order): tier_state on PostgreSQL, each customer's last history row on SQLite
 * (schema 32). */
typedef int (*dg__tier_state_fn)(void *ctx, const char *customer_id, const char *tier,
                                 int32_t since);
int dg__tier_states_scan(dg_store *store, dg__tier_state_fn fn, void *ctx, dg_error *err);
/* What adds to the measure, per customer in customer_id order and by day within each, for the
 * days from_day..to_day (from_day INT32_MIN: from the first). */
typedef int (*dg__tier_activity_fn)(void *ctx, const char *customer_id, int32_t day,
                                    int64_t value);
int dg__tier_activities_scan(dg_store *store, dg_tier_measure measure, const char *customer_id,
                             int32_t from_day, int32_t to_day, dg__tier_activity_fn fn,
                             void *ctx, dg_error *err);

/* A batch of changes: history rows appended to tier_history in their order, and each changed
 * customer's tier after the batch (once per customer) put into tier_state on PostgreSQL (SQLite
 * reads the tiers from the history, schema 32). The strings are the caller's, alive for the
 * call. One INSERT ... SELECT per table for the whole batch, read from the
 * arrays themselves (store/rows.h: SQLite's dg_rows; JSON on PostgreSQL), rather than a statement
 * run per row or a JSON text parsed again per field (bench/tier.sh). */
typedef struct dg__tier_history_change {
    const char *customer_id, *from_tier, *to_tier, *reason;
    int32_t changed_on;
    int64_t measure;
} dg__tier_history_change;
typedef struct dg__tier_state_change {
    const char *customer_id, *tier;
    int32_t since;
} dg__tier_state_change;
int dg__tier_changes_put(dg_store *store, int64_t run_id, const dg__tier_history_change *history,
                         size_t n_history, const dg__tier_state_change *states, size_t n_states,
                         dg_error *err);

/* The history of one customer (customer_id) or of everyone (NULL) up to day (INT32_MAX: all),
 * in customer_id order, then by day and id. */
typedef struct dg__tier_history_row {
    int64_t history_id;
    const char *customer_id, *from_tier, *to_tier, *reason;
    int32_t changed_on;
    int64_t measure, run_id;
} dg__tier_history_row;
typedef int (*dg__tier_history_fn)(void *ctx, const dg__tier_history_row *row);
int dg__tier_history_scan(dg_store *store, const char *customer_id, int32_t to_day,
                          dg__tier_history_fn fn, void *ctx, dg_error *err);

/* The tier of customer_id on day by the history (into tier, cap bytes; "" for none: the
 * lowest). */
int dg__tier_at(dg_store *store, const char *customer_id, int32_t day, char *tier, size_t cap,
                dg_error *err);

/* Customers in the store. */
int dg__tier_customer_count(dg_store *store, int64_t *n, dg_error *err);

#endif
