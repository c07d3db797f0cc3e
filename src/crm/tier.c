/* Tier evaluation (include/dangol/tier.h). dg_tier_replay is the rule, on one customer's
 * activities: it walks the days that can change a tier — the days with activity (the measure
 * only grows on them, so an upgrade happens on one) and the review dates (the only days a
 * downgrade may happen) — keeping the measure of the rolling window with two cursors, so a
 * customer costs O(activities + reviews). dg_tier_evaluate feeds it every customer in one
 * BEGIN IMMEDIATE transaction: the stored tiers in customer order, the activities of the days
 * after the last evaluated one (and the window before them) in the same order, and writes the
 * changes with the run. The orders of a spend or orders measure come from the frame (already
 * grouped by customer, in customer-id order, by day, with their totals: one pass over columns)
 * when the frame is exactly the store the transaction sees (the snapshot's generation, clean);
 * otherwise, and for points earned, from SQL in the same order. The run's as_of is checked and written in that transaction, so a second
 * evaluation of the same day — also from another process at the same time — writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit_write.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/store.h"
#include "dangol/tier.h"
#include "store/snapshot.h"
#include "store/tiers.h"

#define ID_MAX 256

int dg_tier_replay(const dg_tier_rules *rules, size_t *tier, int32_t *since, int32_t from_day,
                   int32_t to_day, const dg_tier_activity *acts, size_t n, dg_tier_change *changes,
                   size_t cap, size_t *n_changes, dg_error *err)
{
    *n_changes = 0;
    size_t next = 0, lo = 0, hi = 0;      /* next activity after the day; the window [lo, hi) */
    while (next < n && acts[next].day <= from_day)
        next++;
    int64_t measure = 0;
    int32_t review = INT32_MIN;           /* the next review date, once a tier can fall */
    for (;;) {
        int32_t act_day = next < n ? acts[next].day : INT32_MAX;
        if (*tier > 0 && review == INT32_MIN)
            review = dg_tier_next_review(rules, from_day);
        if (*tier == 0)                   /* the lowest tier cannot fall: reviews do nothing */
            review = INT32_MIN;
        int32_t day = review != INT32_MIN && review < act_day ? review : act_day;
        if (day > to_day || day == INT32_MAX)
            break;
        while (hi < n && acts[hi].day <= day)
            measure += acts[hi++].value;
        while (lo < hi && acts[lo].day <= day - rules->window_days)
            measure -= acts[lo++].value;
        size_t qualified = dg_tier_qualified(rules, measure), to = *tier;
        dg_tier_reason reason = DG_TIER_REASON_UPGRADE;
        if (qualified > *tier) {
            to = qualified;
        } else if (day == review && qualified < *tier && *since <= day - rules->grace_days) {
            bool one_step = rules->downgrade == DG_TIER_DOWNGRADE_ONE_STEP;
            to = one_step && qualified < *tier - 1 ? *tier - 1 : qualified;
            reason = one_step ? DG_TIER_REASON_DOWNGRADE_ONE_STEP
                              : DG_TIER_REASON_DOWNGRADE_RECOMPUTE;
        }
        if (to != *tier) {
            if (*n_changes == cap)
                return dg_error_set(err, DG_ERANGE, "more tier changes than room for them");
            changes[(*n_changes)++] = (dg_tier_change){ day, *tier, to, measure, reason };
            *tier = to;
            *since = day;
        }
        if (day == act_day)
            next = hi;
        if (day == review || (review == INT32_MIN && *tier > 0))
            review = dg_tier_next_review(rules, day);
        from_day = day;
    }
    return 0;
}

/* ---- evaluation over the store ---- */

typedef struct stored_tier {
    const char *customer_id;              /* in the evaluation's state_ids, once all are read */
    size_t id_at;                         /* where in state_ids (which moves as it grows) */
    size_t tier;
    int32_t since;
    bool seen;                            /* had activities in this run */
} stored_tier;

typedef struct evaluation {
    dg_store *store;
    const dg_frame *frame;                /* the orders, or NULL: read them by SQL */
    const dg_tier_rules *rules;
    int32_t from_day, to_day;
    int64_t run_id;
    stored_tier *states;
    size_t n_states, cap_states;
    char *state_ids;                      /* the stored customers' ids, one after another */
    size_t state_ids_len, cap_state_ids;
    char customer[ID_MAX];                /* whose activities are being gathered */
    dg_tier_activity *acts;
    size_t n_acts, cap_acts;
    dg_tier_change *changes;
    size_t cap_changes;
    dg_tier_evaluation *out;
    dg_error *err;
    int rc;                               /* a failure inside a callback */
    /* the changes not written yet; each changed customer's id kept in ids at id_at[i] (the SQL
     * path reuses its customer buffer, and the arena may move): the rows point at it when the
     * batch is written */
    dg__tier_history_change *history;
    dg__tier_state_change *tiers;
    size_t *id_at, *rows_of;              /* per changed customer: its id, its history rows */
    size_t n_history, cap_history, n_tiers, cap_tiers, cap_id_at, cap_rows_of;
    char *ids;
    size_t ids_len, cap_ids;
} evaluation;

#define BATCH_CUSTOMERS 8192   /* customers whose changes are written in one call */

static int grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t grown = *cap ? *cap : 64;
    while (grown < need)
        grown *= 2;
    void *p = realloc(*items, grown * size);
    if (!p)
        return DG_ENOMEM;
    *items = p;
    *cap = grown;
    return 0;
}

/* Writes the batch, its rows pointed at their customers' ids, and empties it. */
static int batch_write(evaluation *e)
{
    if (e->n_tiers == 0)
        return 0;
    for (size_t c = 0, row = 0; c < e->n_tiers; c++) {
        const char *id = e->ids + e->id_at[c];
        e->tiers[c].customer_id = id;
        for (size_t end = row + e->rows_of[c]; row < end; row++)
            e->history[row].customer_id = id;
    }
    int rc = dg__tier_changes_put(e->store, e->run_id, e->history, e->n_history, e->tiers,
                                  e->n_tiers, e->err);
    e->n_history = e->n_tiers = e->ids_len = 0;
    return rc;
}

/* Room in the batch for one more customer with n history rows, its id kept in the arena. */
static int batch_room(evaluation *e, const char *customer_id, size_t n)
{
    size_t len = strlen(customer_id) + 1, c = e->n_tiers;
    if (grow((void **)&e->ids, &e->cap_ids, e->ids_len + len, 1) != 0 ||
        grow((void **)&e->history, &e->cap_history, e->n_history + n, sizeof *e->history) != 0 ||
        grow((void **)&e->tiers, &e->cap_tiers, c + 1, sizeof *e->tiers) != 0 ||
        grow((void **)&e->id_at, &e->cap_id_at, c + 1, sizeof *e->id_at) != 0 ||
        grow((void **)&e->rows_of, &e->cap_rows_of, c + 1, sizeof *e->rows_of) != 0)
        return dg_error_set(e->err, DG_ENOMEM, "out of memory");
    memcpy(e->ids + e->ids_len, customer_id, len);
    e->id_at[c] = e->ids_len;
    e->rows_of[c] = n;
    e->ids_len += len;
    return 0;
}

static int add_state(void *ctx, const char *customer_id, const char *tier, int32_t since)
{
    evaluation *e = ctx;
    int level = dg_tier_find(e->rules, tier);
    if (level < 0 || strcmp(e->rules->levels[level].code, tier) != 0)
        return e->rc = dg_error_set(e->err, DG_ECONFLICT, "customer \"%s\" is in tier \"%s\", "
                                    "which the rules do not have; keep the tier codes of the "
                                    "rules the store was evaluated with", customer_id, tier);
    size_t len = strlen(customer_id) + 1;
    if (grow((void **)&e->states, &e->cap_states, e->n_states + 1, sizeof *e->states) != 0 ||
        grow((void **)&e->state_ids, &e->cap_state_ids, e->state_ids_len + len, 1) != 0)
        return e->rc = dg_error_set(e->err, DG_ENOMEM, "out of memory");
    memcpy(e->state_ids + e->state_ids_len, customer_id, len);
    e->states[e->n_states++] = (stored_tier){ NULL, e->state_ids_len, (size_t)level, since,
                                              false };
    e->state_ids_len += len;
    return 0;
}

/* The stored tiers, their ids in one arena (a strdup each was a tenth of a review day). */
static int read_states(evaluation *e)
{
    int rc = dg__tier_states_scan(e->store, add_state, e, e->err);
    for (size_t i = 0; rc == 0 && i < e->n_states; i++)
        e->states[i].customer_id = e->state_ids + e->states[i].id_at;
    return rc;
}

static int compare_state(const void *key, const void *item)
{
    return strcmp(key, ((const stored_tier *)item)->customer_id);
}

/* Replays one customer from the state (or the lowest tier) and writes the changes. */
static int settle(evaluation *e, const char *customer_id, stored_tier *state)
{
    size_t tier = state ? state->tier : 0;
    int32_t since = state ? state->since : e->from_day;
    int32_t start = e->from_day;
    if (start == INT32_MIN)
        start = e->n_acts ? e->acts[0].day - 1 : e->to_day;
    size_t need = e->n_acts + (size_t)(((int64_t)e->to_day - start) / 28 + 2);
    if (grow((void **)&e->changes, &e->cap_changes, need, sizeof *e->changes) != 0)
        return dg_error_set(e->err, DG_ENOMEM, "out of memory");
    size_t n = 0;
    int rc = dg_tier_replay(e->rules, &tier, &since, start, e->to_day, e->acts, e->n_acts,
                            e->changes, e->cap_changes, &n, e->err);
    if (rc != 0 || n == 0)
        return rc;
    if ((rc = batch_room(e, customer_id, n)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const dg_tier_change *c = &e->changes[i];
        e->history[e->n_history++] = (dg__tier_history_change){
            NULL, e->rules->levels[c->from].code, e->rules->levels[c->to].code,
            dg_tier_reason_code(c->reason), c->day, c->measure };
        if (c->reason == DG_TIER_REASON_UPGRADE)
            e->out->upgrades++;
        else
            e->out->downgrades++;
    }
    /* the customer's tier after the run: once */
    e->tiers[e->n_tiers++] = (dg__tier_state_change){ NULL, e->rules->levels[tier].code,
                                                       since };
    e->out->customers++;
    return e->n_tiers == BATCH_CUSTOMERS ? batch_write(e) : 0;
}

static int flush(evaluation *e)
{
    if (!e->customer[0])
        return 0;
    stored_tier *state = e->n_states == 0 ? NULL   /* bsearch takes no NULL array */
                         : bsearch(e->customer, e->states, e->n_states, sizeof *e->states,
                                   compare_state);
    if (state)
        state->seen = true;
    int rc = settle(e, e->customer, state);
    e->customer[0] = '\0';
    e->n_acts = 0;
    return rc;
}

static int add_activity(void *ctx, const char *customer_id, int32_t day, int64_t value)
{
    evaluation *e = ctx;
    if (strcmp(customer_id, e->customer) != 0) {
        if ((e->rc = flush(e)) != 0)
            return e->rc;
        snprintf(e->customer, sizeof e->customer, "%s", customer_id);
    }
    if (grow((void **)&e->acts, &e->cap_acts, e->n_acts + 1, sizeof *e->acts) != 0)
        return e->rc = dg_error_set(e->err, DG_ENOMEM, "out of memory");
    e->acts[e->n_acts++] = (dg_tier_activity){ day, value };
    return 0;
}

/* The frame's customers and the stored tiers, both in customer-id order, merged: each customer
 * with orders in [window_from, to_day] or a tier to review is replayed, in id order as the SQL
 * path does. */
static int evaluate_frame(evaluation *e, int32_t window_from)
{
    const dg_frame *f = e->frame;
    bool spend = e->rules->measure == DG_TIER_MEASURE_SPEND;
    size_t s = 0;
    int rc = 0;
    for (size_t c = 0; rc == 0 && c < f->n_customers; c++) {
        const char *id = f->customer_id[c];
        stored_tier *state = NULL;
        while (rc == 0 && s < e->n_states) {
            int cmp = strcmp(e->states[s].customer_id, id);
            if (cmp > 0)
                break;
            if (cmp == 0) {
                state = &e->states[s++];
                break;
            }
            if (e->states[s].tier > 0)   /* a stored customer the frame does not hold */
                rc = settle(e, e->states[s].customer_id, &e->states[s]);
            s++;
        }
        e->n_acts = 0;
        for (size_t o = f->order_offset[c]; rc == 0 && o < f->order_offset[c + 1]; o++) {
            int32_t day = f->order_day[o];
            if (day > e->to_day)
                break;
            if (day < window_from)
                continue;
            if (grow((void **)&e->acts, &e->cap_acts, e->n_acts + 1, sizeof *e->acts) != 0)
                return dg_error_set(e->err, DG_ENOMEM, "out of memory");
            e->acts[e->n_acts++] = (dg_tier_activity){ day, spend ? f->order_amount_minor[o]
                                                                  : 1 };
        }
        if (rc == 0 && (e->n_acts > 0 || (state && state->tier > 0)))
            rc = settle(e, id, state);
    }
    for (; rc == 0 && s < e->n_states; s++)
        if (e->states[s].tier > 0)
            rc = settle(e, e->states[s].customer_id, &e->states[s]);
    return rc;
}

/* Everything after the transaction began: the states, the run, the replay of everyone. */
static int evaluate_in(evaluation *e, const char *rules_text, const char *rules_name,
                       const char *actor)
{
    int64_t now = (int64_t)time(NULL);
    int rc = read_states(e);
    if (rc == 0)
        rc = dg__tier_run_insert(e->store, e->to_day, actor, now, &e->run_id, e->err);
    if (rc == 0)
        rc = dg__tier_rules_put(e->store, rules_name, rules_text, now, e->err);
    int32_t window_from = e->from_day == INT32_MIN ? INT32_MIN
                                                   : e->from_day + 2 - e->rules->window_days;
    if (rc == 0 && e->frame)
        rc = evaluate_frame(e, window_from);
    if (rc == 0 && !e->frame)
        rc = dg__tier_activities_scan(e->store, e->rules->measure, NULL, window_from, e->to_day,
                                      add_activity, e, e->err);
    if (rc == 0 && !e->frame)
        rc = flush(e);
    for (size_t i = 0; rc == 0 && !e->frame && i < e->n_states; i++)
        if (!e->states[i].seen && e->states[i].tier > 0)
            rc = settle(e, e->states[i].customer_id, &e->states[i]);
    if (rc == 0)
        rc = batch_write(e);
    if (rc == 0)
        rc = dg__tier_run_counts(e->store, e->run_id, e->out->customers, e->out->upgrades,
                                 e->out->downgrades, e->err);
    return rc != 0 && e->rc != 0 ? e->rc : rc;
}

/* The day evaluated last (INT32_MIN for none), inside the caller's read or transaction. */
static int last_run(dg_store *store, int32_t *previous, dg_error *err)
{
    int rc = dg__tier_last_run(store, previous, err);
    if (rc == DG_ENOTFOUND) {
        rc = 0;
        *previous = INT32_MIN;
    }
    return rc;
}

/* Is the store the transaction sees the one the frame was read from (generation, clean)? */
static bool frame_current(dg_store *store, int64_t generation)
{
    int64_t now;
    bool dirty = true;
    dg_error ignored;
    return generation >= 0 && dg_store_snapshot_state(store, &now, &dirty, &ignored) == 0 &&
           !dirty && now == generation;
}

int dg_tier_evaluate_frame(dg_store *store, const dg_frame *frame, int64_t generation,
                           const char *rules_text, const char *rules_name, int32_t as_of,
                           const char *actor, const dg_audit_actor *audit,
                           dg_tier_evaluation *out, dg_error *err)
{
    memset(out, 0, sizeof *out);
    out->as_of = as_of;
    out->previous = INT32_MIN;
    if (!rules_text) {
        rules_text = dg_tier_rules_default_text();
        rules_name = "built-in";
    }
    dg_tier_rules rules;
    dg_tier_rules_default(&rules);
    int rc = dg_tier_rules_parse(&rules, rules_text, rules_name, err);
    if (rc != 0)
        return rc;
    /* references unchecked: every customer written was read in this transaction (the SQL
     * path) or is in the frame of the store's current generation, and the run is written in it */
    if ((rc = dg_store_begin_unchecked(store, err)) != 0)
        return rc;
    rc = last_run(store, &out->previous, err);
    if (rc == 0 && out->previous != INT32_MIN && as_of <= out->previous) {
        dg_store_rollback(store);
        out->already = true;
        return 0;
    }
    if (frame && (rules.measure == DG_TIER_MEASURE_POINTS || !frame_current(store, generation)))
        frame = NULL;
    evaluation e = { .store = store, .frame = frame, .rules = &rules, .from_day = out->previous,
                     .to_day = as_of, .out = out, .err = err };
    dg__store_write_cache(store, true);
    if (rc == 0)
        rc = evaluate_in(&e, rules_text, rules_name, actor && *actor ? actor : "system");
    if (rc == 0)
        rc = dg__audit_write(store, audit, "tier.evaluate", NULL, 0,
                             json_pack("{s:i, s:s, s:I, s:I, s:I}", "as_of", (int)as_of,
                                       "rules", rules_name ? rules_name : "",
                                       "customers", (json_int_t)out->customers,
                                       "upgrades", (json_int_t)out->upgrades,
                                       "downgrades", (json_int_t)out->downgrades), err);
    free(e.states);
    free(e.state_ids);
    free(e.acts);
    free(e.changes);
    free(e.history);
    free(e.tiers);
    free(e.id_at);
    free(e.rows_of);
    free(e.ids);
    if (rc == 0)
        rc = dg_store_commit(store, err);
    else
        dg_store_rollback(store);
    dg__store_write_cache(store, false);
    if (rc != 0)
        out->customers = out->upgrades = out->downgrades = 0;
    return rc;
}

int dg_tier_evaluate(dg_store *store, const char *rules_text, const char *rules_name,
                     int32_t as_of, const char *actor, const dg_audit_actor *audit,
                     dg_tier_evaluation *out, dg_error *err)
{
    dg_tier_rules rules;
    dg_tier_rules_default(&rules);
    dg_error ignored;
    bool orders = dg_tier_rules_parse(&rules, rules_text ? rules_text
                                                         : dg_tier_rules_default_text(),
                                      rules_name, &ignored) == 0 &&
                  rules.measure != DG_TIER_MEASURE_POINTS;
    int32_t previous = INT32_MIN;
    if (orders && dg_store_read_begin(store, &ignored) == 0) {   /* a day done: no frame needed */
        orders = last_run(store, &previous, &ignored) == 0 &&
                 (previous == INT32_MIN || as_of > previous);
        dg_store_read_end(store);
    }
    dg_frame *frame = NULL;
    int64_t generation = -1;
    if (orders && dg_frame_snapshot_current(store, DG_DAY_NONE) &&
        dg_frame_from_store_at(&frame, store, NULL, &generation, &ignored) != 0)
        frame = NULL;   /* the SQL path reads the orders itself */
    int rc = dg_tier_evaluate_frame(store, frame, generation, rules_text, rules_name, as_of,
                                    actor, audit, out, err);
    dg_frame_free(frame);
    return rc;
}

int dg_tier_rules_stored(dg_store *store, dg_tier_rules *rules, dg_error *err)
{
    dg_tier_rules_default(rules);
    char *text = NULL;
    int rc = dg__tier_rules_text(store, &text, err);
    if (rc == DG_ENOTFOUND)
        return 0;
    if (rc == 0)
        rc = dg_tier_rules_parse(rules, text, "the store's tier rules", err);
    free(text);
    return rc;
}

int dg_tier_rules_stored_text(dg_store *store, char **text, dg_error *err)
{
    int rc = dg__tier_rules_text(store, text, err);
    return rc == DG_ENOTFOUND ? 0 : rc;
}

int dg_tier_of(dg_store *store, const char *customer_id, int32_t day, dg_tier_rules *rules,
               size_t *tier, dg_error *err)
{
    *tier = 0;
    bool found = false;
    int rc = dg_store_exists(store, dg_entity_find("customers"), customer_id, &found, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    if (rc == 0)
        rc = dg_tier_rules_stored(store, rules, err);
    char code[DG_TIER_CODE_MAX + 1];
    if (rc == 0)
        rc = dg__tier_at(store, customer_id, day, code, sizeof code, err);
    if (rc == 0 && code[0]) {
        int level = dg_tier_find(rules, code);
        if (level < 0)
            return dg_error_set(err, DG_ECONFLICT, "customer \"%s\" is in tier \"%s\", which "
                                "the stored rules do not have", customer_id, code);
        *tier = (size_t)level;
    }
    return rc;
}
