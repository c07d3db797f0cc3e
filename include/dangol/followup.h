/* Post-purchase follow-up (docs/followups.md): rules kept as data (config/followups.conf) turn
 * purchases into dated tasks for staff — a thank-you call some days after a customer's first
 * purchase, a satisfaction survey some days after a purchase in a category, a reorder reminder
 * when a consumable bought is about to run out (its consumption period times the quantity).
 * The scheduler is idempotent: one task per rule and purchase (and product), kept by a UNIQUE
 * key and written with INSERT OR IGNORE in one BEGIN IMMEDIATE transaction, so running it twice
 * or many times at once creates nothing twice. A task's outcome is recorded once, with a
 * version check (DG_ECONFLICT when the task changed since it was read) and an optional
 * idempotency key. The outbox (src/report/followups.c) lists the tasks due for a channel and
 * leaves out, and counts, the customers whose consent does not allow the contact. */
#ifndef DANGOL_FOLLOWUP_H
#define DANGOL_FOLLOWUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;
struct dg_audit_actor;

#define DG_FOLLOWUP_MAX_RULES 64
#define DG_FOLLOWUP_NAME_MAX 64
#define DG_FOLLOWUP_TEXT_MAX 128

typedef enum dg_followup_trigger {
    DG_FOLLOWUP_FIRST_PURCHASE,   /* the customer's first order */
    DG_FOLLOWUP_CATEGORY,         /* an order with a line in a product category */
    DG_FOLLOWUP_CONSUMABLE        /* an order line of a product (or category) that runs out */
} dg_followup_trigger;

typedef enum dg_followup_channel {
    DG_FOLLOWUP_CALL, DG_FOLLOWUP_SMS, DG_FOLLOWUP_EMAIL, DG_FOLLOWUP_N_CHANNELS
} dg_followup_channel;

typedef struct dg_followup_rule {
    char name[DG_FOLLOWUP_NAME_MAX];
    dg_followup_trigger trigger;
    dg_followup_channel channel;
    char category[DG_FOLLOWUP_TEXT_MAX];  /* category and consumable: "" for none */
    char product[DG_FOLLOWUP_TEXT_MAX];   /* consumable: a product id, or "" */
    int after_days;        /* first_purchase, category: days after the order */
    int lasts_days;        /* consumable: days one unit lasts */
    int before_days;       /* consumable: remind this many days before it runs out */
    long line;             /* where the rule was first written, for messages */
} dg_followup_rule;

typedef struct dg_followup_rules {
    dg_followup_rule rules[DG_FOLLOWUP_MAX_RULES];
    size_t n_rules;
    int lookback_days;     /* skip tasks due more than this many days before --as-of */
} dg_followup_rules;

/* "call", "sms", "email"; and the consent purpose a channel needs (marketing_phone, ...). */
const char *dg_followup_channel_code(dg_followup_channel channel);
/* The consent purpose a channel needs (a static string; "?" for a value that is none). */
const char *dg_followup_channel_purpose(dg_followup_channel channel);
/* A channel by its code or its English or Korean name; DG_EINVAL naming the valid ones. */
int dg_followup_channel_parse(dg_followup_channel *out, const char *text, dg_error *err);

/* The rules as shipped (config/followups.conf). */
int dg_followup_rules_default(dg_followup_rules *rules, dg_error *err);
/* Parses "rule.NAME.FIELD = value" and "lookback_days = N" text (name: the file, for
 * messages). Errors carry name:line:column; a rule missing a field its trigger needs is
 * refused at the line where the rule starts. *rules is untouched on failure. */
int dg_followup_rules_parse(dg_followup_rules *rules, const char *text, const char *name,
                            dg_error *err);

/* Creates the tasks of every rule for orders on or before as_of (a day) whose due day is no
 * earlier than as_of - lookback_days. One BEGIN IMMEDIATE transaction; *created: how many were
 * new (0 on a second run). A run that created tasks appends a followup.schedule entry to the
 * audit trail by audit (its as-of day and count) in the same transaction; audit NULL: none. */
int dg_followup_schedule(int64_t *created, dg_store *store, const dg_followup_rules *rules,
                         int32_t as_of, const struct dg_audit_actor *audit, dg_error *err);

/* Outcomes (vocabulary domain followup_outcome). */
typedef enum dg_followup_outcome {
    DG_FOLLOWUP_REACHED, DG_FOLLOWUP_NO_ANSWER, DG_FOLLOWUP_DECLINED, DG_FOLLOWUP_SENT,
    DG_FOLLOWUP_CANCELLED, DG_FOLLOWUP_N_OUTCOMES
} dg_followup_outcome;
/* The outcome's code (a static string; "?" for a value that is none). */
const char *dg_followup_outcome_code(dg_followup_outcome outcome);
/* An outcome by its code or its English or Korean name; DG_EINVAL naming the valid ones. */
int dg_followup_outcome_parse(dg_followup_outcome *out, const char *text, dg_error *err);

#define DG_FOLLOWUP_NOW INT64_MIN

typedef struct dg_followup_done_request {
    int64_t task_id;
    dg_followup_outcome outcome;
    const char *note;              /* free text or NULL (personal: erasure empties it) */
    int64_t expected_version;      /* the version read; 0: whatever is current */
    const char *actor;             /* NULL: "system" */
    int64_t at;                    /* UTC seconds, DG_FOLLOWUP_NOW */
    const char *idempotency_key;   /* NULL: none */
    const struct dg_audit_actor *audit; /* who, for the audit trail: the outcome and its
                                           followup.done entry commit together; NULL: none */
} dg_followup_done_request;

typedef struct dg_followup_result {
    int64_t task_id, version;
    char customer_id[256];         /* whose task (for the audit entry) */
    bool replayed;
} dg_followup_result;

/* Records the outcome of an open task. DG_ENOTFOUND for an unknown task; DG_ECONFLICT for a
 * stale expected_version, a task already done, or a key used for another request. */
int dg_followup_done(dg_followup_result *out, dg_store *store,
                     const dg_followup_done_request *request, dg_error *err);

DG_API_END

#endif
