/* The coupon writes (include/dangol/coupon.h): define, issue, redeem and void. Each is one
 * BEGIN IMMEDIATE transaction (dg_store_begin) that reads, checks and writes, so a concurrent
 * writer waits and then sees the result: of many redemptions of one code only the first finds
 * it unredeemed. An idempotency key is looked up and remembered in the same transaction. A
 * redemption is written only as its ledger row (coupon_redemptions), whose unique indexes on the
 * code and the order back the checks. Each write's audit entry (coupon.define, .issue, .redeem,
 * .void) is written in its transaction. The SQL is in src/store/coupons_sqlite.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/audit_write.h"
#include "dangol/coupon.h"
#include "dangol/entity.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "crm/returns.h"
#include "store/coupons.h"

#define FINGERPRINT_MAX 1024
#define RESULT_MAX 64
#define CODE_DRAWS 8   /* a new code collides with probability n / 8.2e14; eight misses: broken */

static const char *actor_of(const dg_coupon_write *w)
{
    return w && w->actor && *w->actor ? w->actor : "system";
}

/* One write: apply writes and leaves what it made in result; replay rebuilds the answer of a
 * request answered from its idempotency key (result as remembered); describe gives the audit
 * entry's customers and detail of what apply wrote. */
typedef struct op {
    char fingerprint[FINGERPRINT_MAX];
    const char *action;          /* the audit trail's: coupon.define, ... */
    int (*apply)(dg_store *store, void *ctx, char *result, dg_error *err);
    int (*replay)(dg_store *store, void *ctx, const char *result, dg_error *err);
    json_t *(*describe)(void *ctx, const char *const **customers, size_t *n);
    void *ctx;
} op;

/* The write's audit entry, inside its transaction. */
static int audit(dg_store *store, const dg_coupon_write *w, const op *o, dg_error *err)
{
    const char *const *customers = NULL;
    size_t n = 0;
    json_t *detail = o->describe(o->ctx, &customers, &n);
    return dg__audit_write(store, w->audit, o->action, customers, n, detail, err);
}

static int write_once(dg_store *store, const dg_coupon_write *w, const op *o, bool *replayed,
                      dg_error *err)
{
    const char *key = w && w->idempotency_key && *w->idempotency_key ? w->idempotency_key : NULL;
    char result[RESULT_MAX] = "";
    *replayed = false;
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    if (key) {
        char seen[FINGERPRINT_MAX];
        rc = dg__coupon_request_get(store, key, seen, sizeof seen, result, sizeof result, err);
        if (rc == 0) {
            if (strcmp(seen, o->fingerprint) != 0)
                rc = dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for "
                                  "another request; use a new key for a new request", key);
            else if (o->replay)
                rc = o->replay(store, o->ctx, result, err);
            dg_store_rollback(store);
            *replayed = rc == 0;
            return rc;
        }
        if (rc != DG_ENOTFOUND)
            goto fail;
    }
    rc = o->apply(store, o->ctx, result, err);
    if (rc == 0 && w && w->audit)
        rc = audit(store, w, o, err);
    if (rc == 0 && key)
        rc = dg__coupon_request_put(store, key, o->fingerprint, result, (int64_t)time(NULL),
                                    err);
    if (rc == 0)
        return dg_store_commit(store, err);
fail:
    dg_store_rollback(store);
    return rc;
}

/* ---- define ---- */

typedef struct define_ctx {
    const dg_coupon_definition *d;
    const char *actor;
} define_ctx;

static int apply_define(dg_store *store, void *ctx, char *result, dg_error *err)
{
    define_ctx *c = ctx;
    int rc = dg__coupon_def_insert(store, c->d, c->actor, (int64_t)time(NULL), err);
    if (rc == DG_EEXIST)
        rc = dg_error_set(err, DG_EEXIST, "coupon definition \"%s\" exists already; choose "
                          "another id", c->d->definition_id);
    snprintf(result, RESULT_MAX, "defined");
    return rc;
}

static json_t *describe_define(void *ctx, const char *const **customers, size_t *n)
{
    (void)customers;
    (void)n;
    const dg_coupon_definition *d = ((define_ctx *)ctx)->d;
    return json_pack("{s:s, s:s, s:I, s:I}", "definition", d->definition_id, "kind",
                     dg_coupon_kind_code(d->kind), "amount", (json_int_t)d->amount,
                     "percent_bp", (json_int_t)d->percent_bp);
}

int dg_coupon_define(bool *replayed, dg_store *store, const dg_coupon_definition *d,
                     const dg_coupon_write *w, dg_error *err)
{
    *replayed = false;
    int rc = dg_coupon_definition_check(d, err);
    if (rc != 0)
        return rc;
    define_ctx c = { d, actor_of(w) };
    op o = { .action = "coupon.define", .apply = apply_define, .describe = describe_define,
             .ctx = &c };
    snprintf(o.fingerprint, sizeof o.fingerprint, "define|%s|%s|%d|%d|%lld|%lld|%lld|%lld|%d|%d|"
             "%lld|%lld|%s", d->definition_id, d->name ? d->name : "", (int)d->kind,
             (int)d->audience, (long long)d->amount, (long long)d->percent_bp,
             (long long)d->cap, (long long)d->min_spend, (int)d->valid_from,
             (int)d->valid_until, (long long)d->per_customer_limit, (long long)d->total_limit,
             d->campaign_id ? d->campaign_id : "");
    return write_once(store, w, &o, replayed, err);
}

/* ---- issue ---- */

typedef struct issue_ctx {
    const char *definition_id, *actor;
    const char *const *customers;
    size_t n;
    dg_coupon_issued *out;
    size_t n_out;
} issue_ctx;

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* DG_EINVAL naming a customer listed twice. */
static int check_distinct(const char *const *customers, size_t n, dg_error *err)
{
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    memcpy(sorted, customers, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_text);
    int rc = 0;
    for (size_t i = 1; rc == 0 && i < n; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0)
            rc = dg_error_set(err, DG_EINVAL, "customer \"%s\" is listed twice; one code each",
                              sorted[i]);
    free(sorted);
    return rc;
}

static int usable_definition(const dg__coupon_def_row *def, int32_t day, dg_error *err)
{
    char date[16];
    if (def->voided)
        return dg_error_set(err, DG_ECONFLICT, "coupon definition \"%s\" was voided", def->id);
    if (def->d.valid_until != DG_COUPON_NO_DAY && day > def->d.valid_until)
        return dg_error_set(err, DG_EINVAL, "coupon definition \"%s\" expired on %s", def->id,
                            dg_date_format(def->d.valid_until, date));
    return 0;
}

int dg__coupon_code_new(dg_store *store, char code[DG_COUPON_CODE_LEN + 1],
                        const char *definition_id, const char *customer_id, int64_t batch,
                        int32_t day, int64_t now, const char *actor, dg_error *err)
{
    int rc = DG_EEXIST;
    for (int draw = 0; rc == DG_EEXIST && draw < CODE_DRAWS; draw++) {
        dg_error_clear(err);
        if ((rc = dg_coupon_code_generate(code, err)) == 0)
            rc = dg__coupon_code_insert(store, code, definition_id, customer_id, batch, day, now,
                                        actor, err);
    }
    return rc;
}

int dg__coupon_usable_definition(const dg__coupon_def_row *def, int32_t day, dg_error *err)
{
    return usable_definition(def, day, err);
}

static int apply_issue(dg_store *store, void *ctx, char *result, dg_error *err)
{
    issue_ctx *c = ctx;
    dg__coupon_def_row def;
    int64_t now = (int64_t)time(NULL), batch = 0;
    int32_t today = dg_day_of(now);
    int rc = dg__coupon_def_get(store, c->definition_id, &def, err);
    if (rc == 0)
        rc = usable_definition(&def, today, err);
    const dg_entity *customers = dg_entity_find("customers");
    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        bool found = false;
        rc = dg_store_exists(store, customers, c->customers[i], &found, err);
        if (rc == 0 && !found)
            rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", c->customers[i]);
        int64_t orders = 0;
        if (rc == 0 && def.d.audience == DG_COUPON_FIRST_PURCHASE &&
            (rc = dg__coupon_customer_orders(store, c->customers[i], &orders, err)) == 0 &&
            orders > 0)
            rc = dg_error_set(err, DG_EINVAL, "customer \"%s\" has %lld orders; \"%s\" is a "
                              "first-purchase coupon, for customers without orders",
                              c->customers[i], (long long)orders, c->definition_id);
    }
    if (rc == 0)
        rc = dg__coupon_next_batch(store, &batch, err);
    if (rc == 0 && !(c->out = calloc(c->n ? c->n : 1, sizeof *c->out)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        dg_coupon_issued *is = &c->out[i];
        snprintf(is->customer_id, sizeof is->customer_id, "%s", c->customers[i]);
        rc = dg__coupon_code_new(store, is->code, c->definition_id, c->customers[i], batch,
                                 today, now, c->actor, err);
        c->n_out = i + 1;
    }
    snprintf(result, RESULT_MAX, "%lld", (long long)batch);
    return rc;
}

static int replay_issue(dg_store *store, void *ctx, const char *result, dg_error *err)
{
    issue_ctx *c = ctx;
    return dg__coupon_batch_get(store, strtoll(result, NULL, 10), &c->out, &c->n_out, err);
}

static json_t *describe_issue(void *ctx, const char *const **customers, size_t *n)
{
    issue_ctx *c = ctx;
    *customers = c->customers;
    *n = c->n;
    return json_pack("{s:s, s:I}", "definition", c->definition_id, "codes",
                     (json_int_t)c->n_out);
}

int dg_coupon_issue(dg_coupon_issued **out, size_t *n_out, bool *replayed, dg_store *store,
                    const char *definition_id, const char *const *customers, size_t n,
                    const dg_coupon_write *w, dg_error *err)
{
    *out = NULL;
    *n_out = 0;
    *replayed = false;
    if (!definition_id || !*definition_id)
        return dg_error_set(err, DG_EINVAL, "a coupon definition id is required");
    if (n == 0)
        return dg_error_set(err, DG_EINVAL, "no customers to issue coupons to");
    if (n > DG_COUPON_MAX_ISSUE)
        return dg_error_set(err, DG_ERANGE, "%zu customers: at most %d in one issue", n,
                            DG_COUPON_MAX_ISSUE);
    for (size_t i = 0; i < n; i++)
        if (!customers[i] || !*customers[i] || strlen(customers[i]) >= DG_COUPON_ID_MAX)
            return dg_error_set(err, DG_EINVAL, "customer %zu of the list has no valid id",
                                i + 1);
    int rc = check_distinct(customers, n, err);
    if (rc != 0 || sodium_init() < 0)
        return rc != 0 ? rc : dg_error_set(err, DG_EIO, "libsodium could not be initialised");
    issue_ctx c = { definition_id, actor_of(w), customers, n, NULL, 0 };
    op o = { .action = "coupon.issue", .apply = apply_issue, .replay = replay_issue,
             .describe = describe_issue, .ctx = &c };
    /* the list's fingerprint: BLAKE2b of the ids, each with its NUL */
    unsigned char hash[16];
    crypto_generichash_state state;
    crypto_generichash_init(&state, NULL, 0, sizeof hash);
    for (size_t i = 0; i < n; i++)
        crypto_generichash_update(&state, (const unsigned char *)customers[i],
                                  strlen(customers[i]) + 1);
    crypto_generichash_final(&state, hash, sizeof hash);
    char hex[2 * sizeof hash + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(o.fingerprint, sizeof o.fingerprint, "issue|%s|%zu|%s", definition_id, n, hex);
    rc = write_once(store, w, &o, replayed, err);
    if (rc != 0) {
        free(c.out);
        return rc;
    }
    *out = c.out;
    *n_out = c.n_out;
    return 0;
}

/* ---- redeem ---- */

typedef struct redeem_ctx {
    const char *code, *order_id, *actor;
    dg_coupon_redemption *out;
    const char *customer;        /* the audit entry's */
} redeem_ctx;

/* The order's checks against the definition and the code's customer. */
static int check_order(const dg__coupon_def_row *def, const dg__coupon_code_row *code,
                       const char *order_id, const dg__coupon_order_row *order, dg_error *err)
{
    char date[16], limit[16];
    const dg_coupon_definition *d = &def->d;
    if (strcmp(order->customer_id, code->customer_id) != 0)
        return dg_error_set(err, DG_EINVAL, "order \"%s\" is customer \"%s\"'s; the coupon was "
                            "issued to \"%s\"", order_id, order->customer_id, code->customer_id);
    if (d->valid_from != DG_COUPON_NO_DAY && order->day < d->valid_from)
        return dg_error_set(err, DG_EINVAL, "coupon \"%s\" is valid from %s; order \"%s\" is of "
                            "%s", def->id, dg_date_format(d->valid_from, limit), order_id,
                            dg_date_format(order->day, date));
    if (d->valid_until != DG_COUPON_NO_DAY && order->day > d->valid_until)
        return dg_error_set(err, DG_EINVAL, "coupon \"%s\" expired on %s; order \"%s\" is of %s",
                            def->id, dg_date_format(d->valid_until, limit), order_id,
                            dg_date_format(order->day, date));
    if (d->audience == DG_COUPON_FIRST_PURCHASE && order->earlier > 0)
        return dg_error_set(err, DG_EINVAL, "coupon \"%s\" is for a first purchase; customer "
                            "\"%s\" has %lld order(s) before or with order \"%s\"", def->id,
                            order->customer_id, (long long)order->earlier, order_id);
    if (order->total < d->min_spend)
        return dg_error_set(err, DG_EINVAL, "order \"%s\" totals %lld minor units; coupon \"%s\" "
                            "needs a minimum spend of %lld", order_id, (long long)order->total,
                            def->id, (long long)d->min_spend);
    return 0;
}

static int apply_redeem(dg_store *store, void *ctx, char *result, dg_error *err)
{
    redeem_ctx *c = ctx;
    dg__coupon_code_row code;
    dg__coupon_def_row def;
    dg__coupon_order_row order;
    dg_coupon_redemption *r = c->out, seen;
    int rc = dg__coupon_code_get(store, c->code, &code, err);
    if (rc != 0)
        return rc;
    if ((rc = dg__coupon_redemption_get(store, c->code, NULL, 0, &seen, err)) == 0)
        return dg_error_set(err, DG_ECONFLICT, "coupon code %s was redeemed already (on order "
                            "\"%s\"): a code is single use", c->code, seen.order_id);
    if (rc != DG_ENOTFOUND)
        return rc;
    dg_error_clear(err);
    if (code.voided)
        return dg_error_set(err, DG_ECONFLICT, "coupon code %s was voided", c->code);
    if ((rc = dg__coupon_def_get(store, code.definition_id, &def, err)) != 0)
        return rc;
    if (def.voided)
        return dg_error_set(err, DG_ECONFLICT, "coupon definition \"%s\" was voided; its codes "
                            "cannot be redeemed", def.id);
    if ((rc = dg__coupon_order_get(store, c->order_id, &order, err)) != 0 ||
        (rc = check_order(&def, &code, c->order_id, &order, err)) != 0)
        return rc;
    if ((rc = dg__coupon_redemption_get(store, NULL, c->order_id, 0, &seen, err)) == 0)
        return dg_error_set(err, DG_ECONFLICT, "order \"%s\" carries coupon %s already: one "
                            "coupon per order", c->order_id, seen.code);
    if (rc != DG_ENOTFOUND)
        return rc;
    dg_error_clear(err);
    int64_t mine = 0, all = 0;
    if ((rc = dg__coupon_redeemed_counts(store, def.id, code.customer_id, &mine, &all, err)))
        return rc;
    if (mine >= def.d.per_customer_limit)
        return dg_error_set(err, DG_ECONFLICT, "customer \"%s\" has redeemed \"%s\" %lld "
                            "time(s): the limit per customer is %lld", code.customer_id, def.id,
                            (long long)mine, (long long)def.d.per_customer_limit);
    if (def.d.total_limit > 0 && all >= def.d.total_limit)
        return dg_error_set(err, DG_ECONFLICT, "coupon \"%s\" has been redeemed %lld time(s): "
                            "its total limit is %lld", def.id, (long long)all,
                            (long long)def.d.total_limit);
    memset(r, 0, sizeof *r);
    snprintf(r->code, sizeof r->code, "%s", c->code);
    snprintf(r->definition_id, sizeof r->definition_id, "%s", def.id);
    snprintf(r->customer_id, sizeof r->customer_id, "%s", code.customer_id);
    snprintf(r->order_id, sizeof r->order_id, "%s", c->order_id);
    r->order_total = order.total;
    r->discount = dg_coupon_discount(&def.d, order.total);
    r->redeemed_on = order.day;
    if (r->discount <= 0)
        return dg_error_set(err, DG_EINVAL, "order \"%s\" (total %lld) gets no discount from "
                            "coupon \"%s\"", c->order_id, (long long)order.total, def.id);
    rc = dg__coupon_redemption_insert(store, r, c->actor, (int64_t)time(NULL),
                                      &r->redemption_id, err);
    if (rc == DG_EEXIST)   /* the unique indexes: the checks above make this unreachable */
        rc = dg_error_set(err, DG_ECONFLICT, "coupon code %s or order \"%s\" was redeemed "
                          "already", c->code, c->order_id);
    snprintf(result, RESULT_MAX, "%lld", (long long)r->redemption_id);
    return rc;
}

static int replay_redeem(dg_store *store, void *ctx, const char *result, dg_error *err)
{
    redeem_ctx *c = ctx;
    int rc = dg__coupon_redemption_get(store, NULL, NULL, strtoll(result, NULL, 10), c->out,
                                       err);
    return rc == DG_ENOTFOUND ? dg_error_set(err, DG_ESTORE, "the remembered redemption %s is "
                                             "gone", result) : rc;
}

static json_t *describe_redeem(void *ctx, const char *const **customers, size_t *n)
{
    redeem_ctx *c = ctx;
    c->customer = c->out->customer_id;
    *customers = &c->customer;
    *n = 1;
    return json_pack("{s:s, s:s, s:s, s:I, s:I}", "code", c->out->code, "definition",
                     c->out->definition_id, "order", c->out->order_id, "discount",
                     (json_int_t)c->out->discount, "redemption", (json_int_t)c->out->redemption_id);
}

int dg_coupon_redeem(dg_coupon_redemption *out, dg_store *store, const char *code,
                     const char *order_id, const dg_coupon_write *w, dg_error *err)
{
    char canonical[DG_COUPON_CODE_LEN + 1];
    memset(out, 0, sizeof *out);
    int rc = dg_coupon_code_parse(canonical, code, err);
    if (rc != 0)
        return rc;
    if (!order_id || !*order_id)
        return dg_error_set(err, DG_EINVAL, "an order id is required");
    redeem_ctx c = { canonical, order_id, actor_of(w), out, NULL };
    op o = { .action = "coupon.redeem", .apply = apply_redeem, .replay = replay_redeem,
             .describe = describe_redeem, .ctx = &c };
    snprintf(o.fingerprint, sizeof o.fingerprint, "redeem|%s|%s", canonical, order_id);
    return write_once(store, w, &o, &out->replayed, err);
}

/* ---- void ---- */

typedef struct void_ctx {
    const char *target, *reason;
    bool is_definition;
} void_ctx;

static int apply_void(dg_store *store, void *ctx, char *result, dg_error *err)
{
    void_ctx *c = ctx;
    dg__coupon_def_row def;
    dg__coupon_code_row code;
    dg_coupon_redemption seen;
    bool changed = false;
    int rc = c->is_definition ? dg__coupon_def_get(store, c->target, &def, err)
                              : dg__coupon_code_get(store, c->target, &code, err);
    if (rc != 0)
        return rc;
    if (!c->is_definition) {
        if ((rc = dg__coupon_redemption_get(store, c->target, NULL, 0, &seen, err)) == 0)
            return dg_error_set(err, DG_ECONFLICT, "coupon code %s was redeemed (on order "
                                "\"%s\"); a redeemed code cannot be voided", c->target,
                                seen.order_id);
        if (rc != DG_ENOTFOUND)
            return rc;
    }
    rc = dg__coupon_void(store, c->target, c->is_definition, c->reason, (int64_t)time(NULL),
                         &changed, err);
    if (rc == 0 && !changed)
        rc = dg_error_set(err, DG_ECONFLICT, "coupon %s %s%s%s was voided already",
                          c->is_definition ? "definition" : "code", c->is_definition ? "\"" : "",
                          c->target, c->is_definition ? "\"" : "");
    snprintf(result, RESULT_MAX, "voided");
    return rc;
}

static json_t *describe_void(void *ctx, const char *const **customers, size_t *n)
{
    (void)customers;
    (void)n;
    void_ctx *c = ctx;
    return json_pack("{s:s, s:s, s:s?}", c->is_definition ? "definition" : "code", c->target,
                     "target", c->is_definition ? "definition" : "code", "reason", c->reason);
}

int dg_coupon_void(bool *replayed, dg_store *store, const char *target, bool is_definition,
                   const dg_coupon_write *w, dg_error *err)
{
    char canonical[DG_COUPON_CODE_LEN + 1];
    *replayed = false;
    if (!target || !*target)
        return dg_error_set(err, DG_EINVAL, "a coupon code or definition id is required");
    if (!is_definition && dg_coupon_code_parse(canonical, target, err) != 0)
        return err->code;
    void_ctx c = { is_definition ? target : canonical, w ? w->reason : NULL, is_definition };
    op o = { .action = "coupon.void", .apply = apply_void, .describe = describe_void,
             .ctx = &c };
    snprintf(o.fingerprint, sizeof o.fingerprint, "void|%s|%s|%s", is_definition ? "def" : "code",
             c.target, c.reason ? c.reason : "");
    return write_once(store, w, &o, replayed, err);
}
