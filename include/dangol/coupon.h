/* Coupons: definitions (a fixed amount, or a percent with an optional cap; a minimum spend; a
 * validity window; limits per customer and in total; an optional campaign; for anyone it is
 * issued to, or for first purchases only), codes issued one per customer, and redemptions
 * against orders, each an append-only ledger row. Money is int64 minor units of the store
 * currency (dangol/money.h), never a double.
 * Codes are DG_COUPON_CODE_LEN characters of an alphabet without look-alikes (no 0, O, 1, I, L),
 * DG_COUPON_CODE_BODY random ones from libsodium's randombytes and one check character, so a
 * mistyped code is told apart from an unknown one (dg_coupon_code_parse).
 * Every write is one BEGIN IMMEDIATE transaction that checks and writes together: of many
 * concurrent redemptions of one code exactly one wins, the others get DG_ECONFLICT; a failed
 * write leaves nothing. An idempotency key makes a retried write answer the first result. */
#ifndef DANGOL_COUPON_H
#define DANGOL_COUPON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;

/* 31 symbols (a prime): digits 2-9 and A-Z without I, L and O. */
#define DG_COUPON_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define DG_COUPON_ALPHABET_SIZE 31
#define DG_COUPON_CODE_BODY 10      /* random symbols: 31^10 = 8.2e14 codes (49 bits) */
#define DG_COUPON_CODE_LEN 11       /* and the check symbol */
#define DG_COUPON_ID_MAX 256        /* bytes of an id held in a result, with its NUL */
#define DG_COUPON_MAX_COUNT 1000000000LL  /* the largest limit */
#define DG_COUPON_MAX_ISSUE 1000000       /* customers in one issue */
#define DG_COUPON_NO_DAY INT32_MIN  /* an open end of the validity window */

typedef enum dg_coupon_kind { DG_COUPON_FIXED, DG_COUPON_PERCENT } dg_coupon_kind;
typedef enum dg_coupon_audience {
    DG_COUPON_ANY,              /* whoever it is issued to */
    DG_COUPON_FIRST_PURCHASE    /* only customers without orders: issued to those with none,
                                   redeemed on a customer's first order */
} dg_coupon_audience;

/* Codes as stored ("fixed", "percent"; "any", "first_purchase") and back (DG_EINVAL naming the
 * valid ones; Korean names of the vocabulary are accepted too). */
const char *dg_coupon_kind_code(dg_coupon_kind kind);
/* A kind from its code or name into *kind; DG_EINVAL naming the valid ones. */
int dg_coupon_kind_parse(const char *text, dg_coupon_kind *kind, dg_error *err);
/* "first_purchase" or "any" (a static string). */
const char *dg_coupon_audience_code(dg_coupon_audience audience);
/* An audience from its code or name into *audience; DG_EINVAL naming the valid ones. */
int dg_coupon_audience_parse(const char *text, dg_coupon_audience *audience, dg_error *err);

/* ---- codes ---- */

/* The check symbol of body[0..n) (n < 30): the value c with c + sum (i + 2) v_i = 0 (mod 31),
 * v_i the alphabet index of body[i]. With 31 prime and distinct weights, any one wrong symbol and
 * any swap of two symbols changes the sum, so both are caught. -1 if a symbol is not in the
 * alphabet. */
int dg_coupon_check_symbol(const char *body, size_t n);
/* A new random code into out (NUL-terminated), from randombytes_uniform: no global RNG state. */
int dg_coupon_code_generate(char out[DG_COUPON_CODE_LEN + 1], dg_error *err);
/* A code as a person types it: case, spaces and hyphens are ignored. The canonical code into
 * out. DG_EPARSE "mistyped" when a symbol is not in the alphabet (naming it), the length is
 * wrong or the check symbol does not match. */
int dg_coupon_code_parse(char out[DG_COUPON_CODE_LEN + 1], const char *text, dg_error *err);

/* ---- definitions and the discount ---- */

typedef struct dg_coupon_definition {
    const char *definition_id;  /* an id (dangol/id.h) */
    const char *name;           /* free text, or NULL */
    dg_coupon_kind kind;
    dg_coupon_audience audience;
    int64_t amount;             /* fixed: the discount, minor units, 1..DG_MONEY_MAX_MINOR */
    int64_t percent_bp;         /* percent: hundredths of a percent, 1..10000 (12.5% = 1250) */
    int64_t cap;                /* percent: the largest discount, minor units; 0: none */
    int64_t min_spend;          /* an order's total must be at least this; 0: none */
    int32_t valid_from;         /* first and last day (inclusive) of the order's day; */
    int32_t valid_until;        /* DG_COUPON_NO_DAY: open */
    int64_t per_customer_limit; /* redemptions per customer, 1..DG_COUPON_MAX_COUNT; 0 means 1 */
    int64_t total_limit;        /* redemptions in total; 0: none */
    const char *campaign_id;    /* or NULL */
} dg_coupon_definition;

/* A definition with every field unset (per customer 1, no window, no limit). */
void dg_coupon_definition_init(dg_coupon_definition *d);
/* DG_EINVAL / DG_ERANGE naming the first bad field. */
int dg_coupon_definition_check(const dg_coupon_definition *d, dg_error *err);

/* The discount of d on an order of total minor units (the minimum spend is not checked here):
 * fixed: min(amount, total); percent: floor(total x percent_bp / 10000), exactly, then at most
 * cap. Rounding down never gives more than the stated percent. 0 for a total <= 0. */
int64_t dg_coupon_discount(const dg_coupon_definition *d, int64_t total);

/* "10", "12.5", "12.50" percent -> hundredths (1000, 1250); DG_EPARSE for text that is not a
 * number with at most 2 decimals, DG_ERANGE for <= 0 or > 100. */
int dg_coupon_percent_parse(const char *text, int64_t *bp, dg_error *err);
/* A limit or count: a whole number 1..DG_COUPON_MAX_COUNT (what names it in the message). */
int dg_coupon_count_parse(const char *text, const char *what, int64_t *count, dg_error *err);
/* A money amount of the store currency, > 0 (or >= 0 with allow_zero), through
 * dg_money_parse. */
int dg_coupon_money_parse(const char *text, const char *what, int minor_digits, bool allow_zero,
                          int64_t *minor, dg_error *err);

/* ---- writes ---- */

typedef struct dg_coupon_write {
    const char *actor;           /* who; NULL: "system" */
    const struct dg_audit_actor *audit; /* who, for the audit trail (dangol/audit.h): the write
                                    and its coupon.* entry commit together; NULL: no entry */
    const char *reason;          /* void: why, or NULL */
    const char *idempotency_key; /* NULL: none. Seen before with the same request: the first
                                    result, replayed set, nothing written; with another request:
                                    DG_ECONFLICT */
} dg_coupon_write;

typedef struct dg_coupon_issued {
    char code[DG_COUPON_CODE_LEN + 1];
    char customer_id[DG_COUPON_ID_MAX];
} dg_coupon_issued;

typedef struct dg_coupon_redemption {
    int64_t redemption_id;
    char code[DG_COUPON_CODE_LEN + 1];
    char definition_id[DG_COUPON_ID_MAX];
    char customer_id[DG_COUPON_ID_MAX];
    char order_id[DG_COUPON_ID_MAX];
    int64_t order_total, discount;
    int32_t redeemed_on;
    bool replayed;
} dg_coupon_redemption;

/* Stores a new definition. DG_EEXIST when its id exists. */
int dg_coupon_define(bool *replayed, dg_store *store, const dg_coupon_definition *d,
                     const dg_coupon_write *w, dg_error *err);
/* Issues one new code of definition_id to each of customers[0..n) (all or none): DG_ENOTFOUND
 * for an unknown definition or customer, DG_EINVAL for a duplicate in the list, a voided or
 * expired definition (today past valid_until), or, for a first-purchase definition, a customer
 * who has orders. *out (caller frees with free()) holds *n_out codes in the list's order. */
int dg_coupon_issue(dg_coupon_issued **out, size_t *n_out, bool *replayed, dg_store *store,
                    const char *definition_id, const char *const *customers, size_t n,
                    const dg_coupon_write *w, dg_error *err);
/* Redeems code on order_id: the code exists (DG_ENOTFOUND) and neither it nor its definition is
 * voided (DG_ECONFLICT), the order exists (DG_ENOTFOUND) and is the code's customer's
 * (DG_EINVAL), its day is inside the window and its total reaches the minimum spend (DG_EINVAL),
 * a first-purchase code's customer has no earlier order (DG_EINVAL), the code was not redeemed,
 * the order carries no other coupon and the limits are not reached (DG_ECONFLICT), and the
 * discount is > 0 (DG_EINVAL). Then one redemption row, in the same transaction. */
int dg_coupon_redeem(dg_coupon_redemption *out, dg_store *store, const char *code,
                     const char *order_id, const dg_coupon_write *w, dg_error *err);
/* Voids a code (not yet redeemed: else DG_ECONFLICT) or, with is_definition, a definition: its
 * unredeemed codes can no longer be redeemed. Voiding twice is DG_ECONFLICT. */
int dg_coupon_void(bool *replayed, dg_store *store, const char *target, bool is_definition,
                   const dg_coupon_write *w, dg_error *err);

DG_API_END

#endif
