/* The points ledger's writes (include/dangol/points.h): earn, burn, adjust, reverse and the
 * expiry job. Each is one BEGIN IMMEDIATE transaction (dg_store_begin) that reads the lots,
 * decides and writes, so a concurrent writer waits for it and then sees its result: two burns of
 * the last points cannot both pass the balance check. An idempotency key is looked up and
 * remembered inside the same transaction, so a retried request finds the first one's result.
 * Debits are spread over the lots not expired on their day, earliest expiry first; every debit
 * writes its ledger row and its allocations, never a bare balance change. The SQL is in
 * src/store/points_sqlite.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_write.h"
#include "dangol/audit.h"
#include "dangol/points.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/tier.h"
#include "crm/returns.h"
#include "store/points.h"

#define FINGERPRINT_MAX 512
#define ID_MAX 256

int32_t dg_points_today(void)
{
    return dg_day_of((int64_t)time(NULL));
}

static int32_t day_of_request(const dg_points_request *r)
{
    return r->day == DG_POINTS_TODAY ? dg_points_today() : r->day;
}

static const char *actor_of(const dg_points_request *r)
{
    return r->actor && *r->actor ? r->actor : "system";
}

static int check_customer(dg_store *store, const char *customer_id, dg_error *err)
{
    if (!customer_id || !*customer_id)
        return dg_error_set(err, DG_EINVAL, "a customer id is required");
    bool found = false;
    int rc = dg_store_exists(store, dg_entity_find("customers"), customer_id, &found, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    return rc;
}

static int check_amount(int64_t points, bool allow_negative, dg_error *err)
{
    if (points == 0 || points > DG_POINTS_MAX_AMOUNT || points < -DG_POINTS_MAX_AMOUNT ||
        (points < 0 && !allow_negative))
        return dg_error_set(err, DG_ERANGE, "%lld points: expected a whole number from 1 to "
                            "%lld%s", (long long)points, DG_POINTS_MAX_AMOUNT,
                            allow_negative ? " (negative to debit)" : "");
    return 0;
}

/* Takes points from lots (the customer's open lots on the debit's day, earliest expiry first)
 * for the debit movement_id, skipping exclude_lot; *taken is what was there, at most points. */
static int take_from(dg_store *store, const char *customer_id, const dg__points_lot *lots,
                     size_t n, int64_t movement_id, int64_t points, int64_t exclude_lot,
                     int64_t *taken, dg_error *err)
{
    int rc = 0;
    *taken = 0;
    for (size_t i = 0; rc == 0 && i < n && *taken < points; i++) {
        if (lots[i].lot_id == exclude_lot)
            continue;
        int64_t part = lots[i].remaining < points - *taken ? lots[i].remaining : points - *taken;
        rc = dg__points_allocate(store, customer_id, movement_id, lots[i].lot_id, part, false,
                                 err);
        *taken += part;
    }
    return rc;
}

/* The same, reading the customer's open lots on day first. */
static int take_fifo(dg_store *store, const char *customer_id, int32_t day, int64_t movement_id,
                     int64_t points, int64_t exclude_lot, int64_t *taken, dg_error *err)
{
    dg__points_lot *lots = NULL;
    size_t n = 0;
    *taken = 0;
    int rc = dg__points_open_lots(store, customer_id, day, &lots, &n, err);
    if (rc == 0)
        rc = take_from(store, customer_id, lots, n, movement_id, points, exclude_lot, taken, err);
    free(lots);
    return rc;
}

/* Points available to customer_id on day. */
static int available(dg_store *store, const char *customer_id, int32_t day, int64_t *points,
                     dg_error *err)
{
    *points = 0;
    return dg__points_available(store, customer_id, day, points, err);
}

/* One write: what it does inside the transaction, given the request. */
typedef int (*apply_fn)(dg_store *store, const dg_points_rules *rules,
                        const dg_points_request *request, dg_points_result *result,
                        dg_error *err);

/* The write's audit entry, inside its transaction: points.OPERATION, the customer, the balance
 * before and after and the movement written. */
static int audit_write(dg_store *store, const char *operation, const dg_points_request *r,
                       const dg_points_result *result, dg_error *err)
{
    char action[32], detail[512], found[ID_MAX];
    snprintf(action, sizeof action, "points.%s",
             strcmp(operation, "earn_order") == 0 ? "earn" : operation);
    const char *customer = r->customer_id;
    if ((!customer || !*customer) && result->movement_id > 0) {   /* an order's customer */
        int rc = dg__points_movement_customer(store, result->movement_id, found, sizeof found,
                                              err);
        if (rc != 0)
            return rc;
        customer = found;
    }
    char *reason = NULL;
    size_t reason_len = 0;
    FILE *out = open_memstream(&reason, &reason_len);
    if (!out)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    dg__json_write_string(out, r->reason ? r->reason : "");
    if (fclose(out) != 0) {
        free(reason);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    snprintf(detail, sizeof detail, "{\"before\":{\"balance\":%lld},\"after\":{\"balance\":%lld,"
             "\"movement_id\":%lld,\"points\":%lld,\"absorbed\":%lld},\"reason\":%s}",
             (long long)(result->balance - result->points), (long long)result->balance,
             (long long)result->movement_id, (long long)result->points,
             (long long)result->absorbed, reason_len < 300 ? reason : "\"\"");
    free(reason);
    dg_audit_event ev = { .action = action, .customers = customer ? &customer : NULL,
                          .n_customers = customer ? 1 : 0, .detail = detail };
    return dg_audit_append(store, r->audit, &ev, NULL, err);
}

/* Runs apply in one write transaction, answering from (and remembering) the idempotency key. */
static int write_once(dg_store *store, const dg_points_rules *rules, const char *operation,
                      const dg_points_request *request, apply_fn apply, dg_points_result *result,
                      dg_error *err)
{
    memset(result, 0, sizeof *result);
    char fingerprint[FINGERPRINT_MAX];
    snprintf(fingerprint, sizeof fingerprint, "%s|%s|%lld|%d|%s|%s|%s|%lld", operation,
             request->customer_id ? request->customer_id : "", (long long)request->points,
             (int)request->day, dg_points_source_code(request->source),
             request->source_id ? request->source_id : "", request->reason ? request->reason : "",
             (long long)request->multiplier_per_mille);
    const char *key = request->idempotency_key && *request->idempotency_key
                          ? request->idempotency_key : NULL;
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    if (key) {
        char seen[FINGERPRINT_MAX];
        rc = dg__points_request_get(store, key, seen, sizeof seen, &result->movement_id,
                                    &result->points, &result->balance, err);
        if (rc == 0) {
            dg_store_rollback(store);
            if (strcmp(seen, fingerprint) != 0)
                return dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for "
                                    "another request; use a new key for a new request", key);
            result->replayed = true;
            return 0;
        }
        if (rc != DG_ENOTFOUND)
            goto fail;
    }
    /* an order's earn and reversal are the order's writes; the others the customer's */
    bool of_order = strcmp(operation, "earn_order") == 0 || strcmp(operation, "reverse") == 0;
    rc = dg__points_lock(store, request->customer_id, of_order ? request->source_id : NULL, err);
    if (rc == 0)
        rc = apply(store, rules, request, result, err);
    if (rc == 0 && request->audit)
        rc = audit_write(store, operation, request, result, err);
    if (rc == 0 && key && result->movement_id > 0)
        rc = dg__points_request_put(store, key, fingerprint, result->movement_id,
                                    result->points, result->balance, (int64_t)time(NULL), err);
    if (rc == 0)
        return dg_store_commit(store, err);
fail:
    dg_store_rollback(store);
    return rc;
}

/* A credit of request->points for request's customer (checked) on day. */
static int credit(dg_store *store, const dg_points_rules *rules, const dg_points_request *r,
                  dg_points_kind kind, int32_t day, dg_points_result *result, dg_error *err)
{
    dg__points_row row = {
        .customer_id = r->customer_id, .kind = dg_points_kind_code(kind), .points = r->points,
        .occurred_on = day, .expires_on = day + rules->expiry_days, .reason = r->reason,
        .actor = actor_of(r), .source_kind = dg_points_source_code(r->source),
        .source_id = r->source_id, .recorded_at = (int64_t)time(NULL),
    };
    int rc = dg__points_insert(store, &row, &result->movement_id, err);
    result->points = r->points;
    if (rc == 0)
        rc = available(store, r->customer_id, day, &result->balance, err);
    return rc;
}

/* A debit of request->points (positive) from the customer's lots, all or nothing (DG_ENOTFOUND for
 * an unknown customer, DG_ECONFLICT for too few points). */
static int debit(dg_store *store, const dg_points_request *r, dg_points_kind kind,
                 int64_t points, dg_points_result *result, dg_error *err)
{
    int32_t day = day_of_request(r);
    dg__points_lot *lots = NULL;
    size_t n = 0;
    int64_t have = 0;
    int rc = dg__points_open_lots(store, r->customer_id, day, &lots, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        have += lots[i].remaining;
    if (rc == 0 && have < points) {
        char date[16];
        free(lots);
        /* a customer with open lots exists (their foreign key): only a shortfall looks */
        if ((rc = check_customer(store, r->customer_id, err)) != 0)
            return rc;
        return dg_error_set(err, DG_ECONFLICT, "customer \"%s\" has %lld points available on %s; "
                            "cannot %s %lld", r->customer_id, (long long)have,
                            dg_date_format(day, date), kind == DG_POINTS_BURN ? "burn" : "debit",
                            (long long)points);
    }
    dg__points_row row = {
        .customer_id = r->customer_id, .kind = dg_points_kind_code(kind), .points = -points,
        .occurred_on = day, .expires_on = DG_POINTS_TODAY, .reason = r->reason,
        .actor = actor_of(r), .source_kind = dg_points_source_code(r->source),
        .source_id = r->source_id, .recorded_at = (int64_t)time(NULL),
    };
    int64_t taken = 0;
    if (rc == 0)
        rc = dg__points_insert(store, &row, &result->movement_id, err);
    if (rc == 0)
        rc = take_from(store, r->customer_id, lots, n, result->movement_id, points, 0, &taken,
                       err);
    free(lots);
    if (rc == 0 && taken != points)   /* the balance was read in this transaction */
        rc = dg_error_set(err, DG_ESTORE, "points lots of \"%s\" do not add up to their balance",
                          r->customer_id);
    result->points = -points;
    result->balance = have - points;
    return rc;
}

static int apply_burn(dg_store *store, const dg_points_rules *rules, const dg_points_request *r,
                      dg_points_result *result, dg_error *err)
{
    (void)rules;
    return debit(store, r, DG_POINTS_BURN, r->points, result, err);   /* checks the customer */
}

int dg_points_burn(dg_store *store, const dg_points_request *request, dg_points_result *result,
                   dg_error *err)
{
    int rc = check_amount(request->points, false, err);
    return rc != 0 ? rc : write_once(store, NULL, "burn", request, apply_burn, result, err);
}

static int apply_earn(dg_store *store, const dg_points_rules *rules, const dg_points_request *r,
                      dg_points_result *result, dg_error *err)
{
    int rc = check_customer(store, r->customer_id, err);
    return rc != 0 ? rc : credit(store, rules, r, DG_POINTS_EARN, day_of_request(r), result, err);
}

int dg_points_earn(dg_store *store, const dg_points_rules *rules, const dg_points_request *request,
                   dg_points_result *result, dg_error *err)
{
    int rc = check_amount(request->points, false, err);
    if (rc == 0 && request->source == DG_POINTS_SOURCE_ORDER)
        rc = dg_error_set(err, DG_EINVAL, "an order's points are earned from the order "
                          "(dg_points_earn_order), not as a given amount");
    return rc != 0 ? rc : write_once(store, rules, "earn", request, apply_earn, result, err);
}

static int apply_adjust(dg_store *store, const dg_points_rules *rules, const dg_points_request *r,
                        dg_points_result *result, dg_error *err)
{
    int rc = check_customer(store, r->customer_id, err);
    if (rc != 0)
        return rc;
    if (r->points > 0)
        return credit(store, rules, r, DG_POINTS_ADJUST, day_of_request(r), result, err);
    return debit(store, r, DG_POINTS_ADJUST, -r->points, result, err);
}

int dg_points_adjust(dg_store *store, const dg_points_rules *rules,
                     const dg_points_request *request, dg_points_result *result, dg_error *err)
{
    int rc = check_amount(request->points, true, err);
    if (rc == 0 && (!request->reason || !*request->reason))
        rc = dg_error_set(err, DG_EINVAL, "an adjustment needs a reason");
    return rc != 0 ? rc : write_once(store, rules, "adjust", request, apply_adjust, result, err);
}

/* Order points: (total x base + category amounts x their bonus) x multiplier, in per mille
 * twice, rounded down; DG_ERANGE if a product overflows. */
typedef struct earn_sum {
    const dg_points_rules *rules;
    int64_t per_mille_sum;      /* sum of amount x per_mille */
    bool overflow;
} earn_sum;

static int add_category(void *ctx, const char *category, int64_t amount)
{
    earn_sum *sum = ctx;
    for (size_t i = 0; i < sum->rules->n_bonuses; i++) {
        if (strcmp(sum->rules->bonuses[i].category, category) != 0)
            continue;
        int64_t part;
        if (__builtin_mul_overflow(amount, sum->rules->bonuses[i].per_mille, &part) ||
            __builtin_add_overflow(sum->per_mille_sum, part, &sum->per_mille_sum))
            sum->overflow = true;
    }
    return 0;
}

/* The campaign bonuses of the rules that apply to customer_id's order of day (its window holds
 * the day; the customer is in the campaign's treatment group, launched by then): their extra
 * rates added to *rate, their multipliers' excess over x1 to *multiplier, their ids listed in
 * names ("campaign bonus: A, B"; empty when none applies). */
static int campaign_bonuses(dg_store *store, const dg_points_rules *rules,
                            const char *customer_id, int32_t day, int64_t *rate,
                            int64_t *multiplier, char *names, size_t cap, dg_error *err)
{
    names[0] = '\0';
    for (size_t i = 0; i < rules->n_campaigns; i++) {
        const dg_points_campaign_bonus *b = &rules->campaigns[i];
        bool treated = false;
        if (day < b->from || day > b->until)
            continue;
        int rc = dg__points_campaign_treated(store, b->campaign_id, customer_id, day, &treated,
                                             err);
        if (rc != 0)
            return rc;
        if (!treated)
            continue;
        *rate += b->extra_per_mille;
        *multiplier += b->multiplier_per_mille - 1000;
        size_t used = strlen(names);
        snprintf(names + used, cap - used, "%s%s", used ? ", " : "campaign bonus: ",
                 b->campaign_id);
    }
    return 0;
}

static int apply_earn_order(dg_store *store, const dg_points_rules *rules,
                            const dg_points_request *r, dg_points_result *result, dg_error *err)
{
    char customer_id[ID_MAX];
    int32_t order_day;
    int64_t total, base;
    earn_sum sum = { rules, 0, false };
    int rc = dg__points_order(store, r->source_id, customer_id, sizeof customer_id, &order_day,
                              &total, add_category, &sum, err);
    if (rc != 0)
        return rc;
    if (r->customer_id && strcmp(r->customer_id, customer_id) != 0)
        return dg_error_set(err, DG_EINVAL, "order \"%s\" is customer \"%s\"'s, not \"%s\"'s",
                            r->source_id, customer_id, r->customer_id);
    int64_t multiplier = r->multiplier_per_mille;
    if (multiplier == 0) {   /* the earn multiplier of the customer's tier on the order's day */
        dg_tier_rules tiers;
        size_t tier;
        if ((rc = dg_tier_of(store, customer_id, order_day, &tiers, &tier, err)) != 0)
            return rc;
        multiplier = tiers.levels[tier].earn_per_mille;
    }
    int64_t rate = rules->base_per_mille;
    char campaigns[DG_POINTS_MAX_CAMPAIGN_BONUSES * 72];
    if ((rc = campaign_bonuses(store, rules, customer_id, order_day, &rate, &multiplier,
                               campaigns, sizeof campaigns, err)) != 0)
        return rc;
    int64_t scaled = 0;
    if (__builtin_mul_overflow(total, rate, &base) ||
        __builtin_add_overflow(sum.per_mille_sum, base, &sum.per_mille_sum) || sum.overflow ||
        __builtin_mul_overflow(sum.per_mille_sum / 1000, multiplier, &scaled))
        return dg_error_set(err, DG_ERANGE, "order \"%s\": its points overflow", r->source_id);
    /* the exact floor of S x m / 10^6 with S = 1000 q + r and scaled = q x m = 1000 a + b:
     * a + (1000 b + r m) / 10^6, where the last sum is below 10^9 + 10^6 */
    int64_t points = scaled / 1000 +
                     ((scaled % 1000) * 1000 + (sum.per_mille_sum % 1000) * multiplier) / 1000000;
    if (sum.per_mille_sum <= 0 || points <= 0)
        return dg_error_set(err, DG_ERANGE, "order \"%s\" (total %lld) earns no points at %lld "
                            "per 1000", r->source_id, (long long)total, (long long)rate);
    if (points > DG_POINTS_MAX_AMOUNT)
        return dg_error_set(err, DG_ERANGE, "order \"%s\" would earn %lld points; at most %lld "
                            "in one movement", r->source_id, (long long)points,
                            DG_POINTS_MAX_AMOUNT);
    dg_points_request earn = *r;
    earn.customer_id = customer_id;
    earn.points = points;
    earn.source = DG_POINTS_SOURCE_ORDER;
    if (!earn.reason && campaigns[0])
        earn.reason = campaigns;
    rc = credit(store, rules, &earn, DG_POINTS_EARN,
                r->day == DG_POINTS_TODAY ? order_day : r->day, result, err);
    if (rc == DG_EEXIST)
        rc = dg_error_set(err, DG_EEXIST, "order \"%s\" has earned its points already",
                          r->source_id);
    return rc;
}

int dg_points_earn_order(dg_store *store, const dg_points_rules *rules,
                         const dg_points_request *request, dg_points_result *result,
                         dg_error *err)
{
    if (!request->source_id || !*request->source_id)
        return dg_error_set(err, DG_EINVAL, "an order id is required");
    if (request->multiplier_per_mille < 0 || request->multiplier_per_mille > 1000000)
        return dg_error_set(err, DG_ERANGE, "multiplier %lld per mille: expected 0 to 1000000",
                            (long long)request->multiplier_per_mille);
    return write_once(store, rules, "earn_order", request, apply_earn_order, result, err);
}

int dg__points_reverse_apply(dg_store *store, const dg_points_rules *rules,
                             const dg_points_request *r, dg_points_result *result, dg_error *err)
{
    char customer_id[ID_MAX];
    dg__points_row earn;
    dg__points_lot lot;
    bool reversed;
    int rc = dg__points_order_earn(store, r->source_id, &earn, customer_id, sizeof customer_id,
                                   &reversed, err);
    if (rc == 0 && r->customer_id && strcmp(r->customer_id, customer_id) != 0)
        rc = dg_error_set(err, DG_EINVAL, "order \"%s\" is customer \"%s\"'s, not \"%s\"'s",
                          r->source_id, customer_id, r->customer_id);
    if (rc == 0 && reversed)
        rc = dg_error_set(err, DG_EEXIST, "order \"%s\"'s earn (movement %lld) was reversed "
                          "already", r->source_id, (long long)earn.movement_id);
    if (rc == 0)
        rc = dg__points_lot_get(store, earn.movement_id, &lot, err);
    if (rc != 0)
        return rc;
    int32_t day = day_of_request(r);
    int64_t spent = lot.points - lot.remaining - lot.expired, recoverable = 0;
    if (rules->reverse_spent == DG_POINTS_REVERSE_RECOVER && spent > 0) {
        if ((rc = available(store, customer_id, day, &recoverable, err)) != 0)
            return rc;
        int64_t own = lot.expires_on > day ? lot.remaining : 0;  /* counted in available */
        recoverable = recoverable - own < spent ? recoverable - own : spent;
    }
    result->absorbed = spent - recoverable;
    int64_t points = lot.remaining + recoverable;
    if (points == 0) {   /* spent and absorbed, or expired: nothing left to take back */
        return available(store, customer_id, day, &result->balance, err);
    }
    dg__points_row row = {
        .customer_id = customer_id, .kind = dg_points_kind_code(DG_POINTS_REVERSE),
        .points = -points, .occurred_on = day, .expires_on = DG_POINTS_TODAY,
        .reason = r->reason, .actor = actor_of(r), .source_kind = "order",
        .source_id = r->source_id, .reverses = earn.movement_id,
        .recorded_at = (int64_t)time(NULL),
    };
    int64_t taken = 0;
    rc = dg__points_insert(store, &row, &result->movement_id, err);
    if (rc == 0 && lot.remaining > 0)
        rc = dg__points_allocate(store, customer_id, result->movement_id, lot.lot_id,
                                 lot.remaining, false, err);
    if (rc == 0 && recoverable > 0)
        rc = take_fifo(store, customer_id, day, result->movement_id, recoverable, lot.lot_id,
                       &taken, err);
    if (rc == 0 && taken != recoverable)
        rc = dg_error_set(err, DG_ESTORE, "points lots of \"%s\" do not add up to their balance",
                          customer_id);
    result->points = -points;
    if (rc == 0)
        rc = available(store, customer_id, day, &result->balance, err);
    return rc;
}

int dg_points_reverse_order(dg_store *store, const dg_points_rules *rules,
                            const dg_points_request *request, dg_points_result *result,
                            dg_error *err)
{
    if (!request->source_id || !*request->source_id)
        return dg_error_set(err, DG_EINVAL, "an order id is required");
    return write_once(store, rules, "reverse", request, dg__points_reverse_apply, result, err);
}

int dg_points_expire(dg_store *store, int32_t as_of, dg_points_expiry *out, dg_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__points_sweep(store, as_of == DG_POINTS_TODAY ? dg_points_today() : as_of,
                          (int64_t)time(NULL), &out->lots, &out->points, err);
    if (rc == 0)
        return dg_store_commit(store, err);
    dg_store_rollback(store);
    return rc;
}

int dg_points_balance_get(dg_store *store, const char *customer_id, int32_t day,
                          dg_points_balance *out, dg_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    dg__points_sums sums;
    rc = check_customer(store, customer_id, err);
    if (rc == 0)
        rc = dg__points_sums_get(store, customer_id, day == DG_POINTS_TODAY ? dg_points_today()
                                                                            : day, &sums, err);
    dg_store_read_end(store);
    if (rc == 0) {
        out->available = sums.available;
        out->ledger = sums.ledger;
        out->expired_unswept = sums.expired_unswept;
        out->lots_open = sums.lots_open;
        out->next_expiry = sums.next_expiry;
        out->next_expiry_points = sums.next_expiry_points;
    }
    return rc;
}
