/* The audit trail (docs/security.md, "The audit trail"): an append-only, tamper-evident log of
 * who saw or exported which customers' personal fields, when (UTC), from where and why, and of
 * every write (who changed what, before and after). Each entry stores SHA-256 (libsodium's
 * crypto_hash_sha256) of the previous entry's hash and its own canonical content, so
 * dg_audit_verify finds the first changed or removed entry. An append reads the last hash and
 * inserts in one BEGIN IMMEDIATE transaction (or in the caller's write transaction), so any
 * number of threads and processes keep one linear chain. The prune job removes old entries and
 * leaves an anchor (the hash of the last one removed) that keeps the rest verifiable. */
#ifndef DANGOL_AUDIT_H
#define DANGOL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/auth.h"
#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/store.h"

DG_API_BEGIN

#define DG_AUDIT_HASH_BYTES 32
#define DG_AUDIT_KEEP_DAYS_DEFAULT 730  /* two years: PIPA's standard for large holders */
#define DG_AUDIT_KEEP_DAYS_MIN 365      /* at least one year, whatever the holder */
#define DG_AUDIT_REASON_MAX 500         /* bytes of a reason */

/* Who acts. kind: "user" (a session), "token" (an API token), "cli" (the command line, as the
 * store's owner), "anonymous" (the server of a store without users), "system". */
typedef struct dg_audit_actor {
    const char *kind;
    int64_t id;                 /* the user's (session) or the token's id; 0: none */
    const char *name;           /* the user's name, the OS user of a command; NULL: "" */
    dg_role role;               /* the role acted with; DG_ROLE_NONE: none (the command line) */
    const char *origin;         /* the client's address, or "cli" */
} dg_audit_actor;

/* The command line's actor: kind "cli", origin "cli", the OS user's name (getpwuid of the
 * effective uid, else $USER, else the uid) written into name. */
#define DG_AUDIT_NAME_MAX 128
void dg_audit_actor_cli(dg_audit_actor *actor, char name[DG_AUDIT_NAME_MAX]);

/* The actions (vocabulary domain audit_action). Reads of personal data: */
#define DG_AUDIT_CUSTOMER_VIEW "customer.view"      /* a record or card, unmasked */
#define DG_AUDIT_CUSTOMER_LIST "customer.list"      /* a list or search page, unmasked */
#define DG_AUDIT_EXPORT "export"                    /* dangol export of personal data: bulk */
/* Writes: */
#define DG_AUDIT_CUSTOMER_CREATE "customer.create"
#define DG_AUDIT_CUSTOMER_UPDATE "customer.update"
#define DG_AUDIT_ORDER_CREATE "order.create"
#define DG_AUDIT_IMPORT "import"                    /* dangol import: one entry per import */
#define DG_AUDIT_FEEDBACK_CREATE "feedback.create"
#define DG_AUDIT_POINTS_EXPIRE "points.expire"      /* points.earn, .burn, .adjust, .reverse too */
#define DG_AUDIT_USER_ADD "user.add"
#define DG_AUDIT_USER_DISABLE "user.disable"
#define DG_AUDIT_TOKEN_CREATE "token.create"
#define DG_AUDIT_TOKEN_REVOKE "token.revoke"
#define DG_AUDIT_PRUNE "audit.prune"
/* Personal-data rights (docs/security.md): the entry follows the write, which is committed */
#define DG_AUDIT_CONSENT_GRANT "consent.grant"
#define DG_AUDIT_CONSENT_WITHDRAW "consent.withdraw"
#define DG_AUDIT_CUSTOMER_ERASE "customer.erase"        /* with the request's reason */
#define DG_AUDIT_SUBJECT_ACCESS "customer.subject"      /* a subject-access document */
/* Post-purchase follow-up (dangol/followup.h): an outcome recorded on a task */
#define DG_AUDIT_FOLLOWUP_DONE "followup.done"
#define DG_AUDIT_FOLLOWUP_SCHEDULE "followup.schedule"  /* a run that created tasks */
/* Prediction models (dangol/model.h): a model trained and stored */
#define DG_AUDIT_MODEL_TRAIN "model.train"

/* Is action a bulk one, which always needs a reason (an export)? A list's reason is the
 * server's rule: required once the store has users (src/server/records.c). */
bool dg_audit_action_bulk(const char *action);

typedef struct dg_audit_event {
    const char *action;             /* one of the codes above ("points.burn", ...) */
    const char *const *customers;   /* the customers whose personal fields were seen, exported
                                       or changed; one entry for a whole page */
    size_t n_customers;
    const char *reason;             /* why; required (DG_EINVAL) for a bulk action */
    const char *detail;             /* a JSON object's text (route, before, after, counts), or
                                       NULL. Never a password or a token. */
} dg_audit_event;

/* Appends one entry, its id into *entry_id (may be NULL). Inside the caller's write transaction
 * (dg_store_begin) when one is open, so a write and its entry commit together; else in a BEGIN
 * IMMEDIATE transaction of its own. Never call it inside dg_store_read_begin. DG_EINVAL for a
 * missing action or a bulk action without a reason, or a reason longer than
 * DG_AUDIT_REASON_MAX. */
int dg_audit_append(dg_store *store, const dg_audit_actor *actor, const dg_audit_event *event,
                    int64_t *entry_id, dg_error *err);
/* Appends n entries at once, actors[i] doing events[i], in this order, as n calls of
 * dg_audit_append would (one chain, the same checks: none is written if one is refused), in
 * one transaction and with the rows inserted together; the first one's id into *first_id (may
 * be NULL). The server's audit writer appends its queue so. */
int dg_audit_append_all(dg_store *store, const dg_audit_actor *actors,
                        const dg_audit_event *events, size_t n, int64_t *first_id,
                        dg_error *err);

/* What dg_audit_verify found. */
typedef struct dg_audit_verification {
    bool ok;                        /* the chain is whole */
    int64_t entries;                /* entries checked */
    int64_t first_id, last_id;      /* 0 when there are none */
    int64_t anchor_id;              /* entries up to this id were pruned; 0: none */
    int64_t bad_id;                 /* !ok: the first entry changed or missing */
    char problem[256];              /* !ok: what is wrong, in words */
    char head[2 * DG_AUDIT_HASH_BYTES + 1];  /* the last entry's hash (hex): write it down
                                                elsewhere to detect a rewritten chain */
} dg_audit_verification;

/* Walks the chain from the prune anchor (or the start) in one consistent read. Returns 0 with
 * out->ok false and the first changed or removed entry named when the chain is broken; an error
 * only when the store cannot be read. */
int dg_audit_verify(dg_store *store, dg_audit_verification *out, dg_error *err);

/* The retention job: removes the entries recorded more than keep_days days before now (in chain
 * order, up to the last such entry), leaving an anchor with the last removed entry's hash, and
 * appends an audit.prune entry (by actor) naming the anchor. keep_days below
 * DG_AUDIT_KEEP_DAYS_MIN: DG_ERANGE. *removed: entries removed (0: nothing was old enough, and
 * nothing is written). */
int dg_audit_prune(dg_store *store, const dg_audit_actor *actor, int keep_days, int64_t now,
                   int64_t *removed, dg_error *err);

/* One entry as read back (strings valid during the callback only). */
typedef struct dg_audit_entry {
    int64_t entry_id;
    int64_t at;
    const char *actor_kind;
    int64_t actor_id;
    const char *actor;
    const char *role;               /* "" for none */
    const char *origin;
    const char *action;
    const char *customers;          /* JSON array text, "" for none */
    const char *reason;             /* "" for none */
    const char *detail;             /* JSON object text, "" for none */
} dg_audit_entry;

/* Which entries dg_audit_scan visits: all fields optional. */
typedef struct dg_audit_filter {
    const char *customer_id;        /* entries concerning this customer */
    const char *user;               /* entries by this actor name */
    int64_t since;                  /* at >= since (UTC seconds); 0: all */
    size_t offset, limit;           /* limit 0: all */
} dg_audit_filter;

typedef int (*dg_audit_entry_fn)(void *ctx, const dg_audit_entry *entry);
/* Visits the matching entries, oldest first. A nonzero return of fn stops and is returned. */
int dg_audit_scan(dg_store *store, const dg_audit_filter *filter, dg_audit_entry_fn fn,
                  void *ctx, dg_error *err);

DG_API_END

#endif
