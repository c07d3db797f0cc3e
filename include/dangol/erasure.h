/* A customer's personal data on request (PIPA articles 35 and 36): erasure, subject access and
 * the retention job. Erasure destroys the personal fields of a customer (name, phone, e-mail,
 * birth year) and the free texts written about them (feedback text, interaction and partner
 * activity notes) while the record, its id and everything else stay, so orders keep their
 * customer and every aggregate (KPIs, RFM, cube totals, CLV) is unchanged: the customer id is the
 * pseudonym. It runs with SQLite's secure_delete on, so the old bytes are zeroed in the pages,
 * drops the frame snapshots (rebuilt at the next analysis), and truncates the write-ahead log
 * afterwards (wal_checkpoint(TRUNCATE)), so the bytes survive neither in the file nor in its
 * -wal. An erased customer's personal fields cannot be written again (the store refuses it).
 * Subject access writes one JSON document of everything held on one customer. */
#ifndef DANGOL_ERASURE_H
#define DANGOL_ERASURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;

typedef enum dg_erasure_kind {
    DG_ERASURE_REQUEST,    /* the customer asked */
    DG_ERASURE_RETENTION   /* the retention job: inactive past the retention period */
} dg_erasure_kind;

typedef struct dg_erasure_result {
    bool erased;            /* false: the customer was erased before (nothing written) */
    int64_t erased_at;      /* UTC seconds of the erasure (the earlier one's when not erased) */
    int64_t texts;          /* free texts emptied (feedback, notes) */
    /* What removed the old bytes afterwards (also tried when the customer was erased before:
     * a retry), named as the answer says it: "wal_truncated" on SQLite (purged: the write-ahead
     * log was emptied; false when another connection was reading, and the old pages go at a
     * later checkpoint), "vacuumed" on PostgreSQL (purged: the tables the erasure wrote were
     * rewritten by VACUUM (FULL) without the old row versions; docs/security.md) */
    const char *purge;
    bool purged;
} dg_erasure_result;

/* Erases customer_id (reason required: DG_EINVAL without one; actor NULL: "system").
 * DG_ENOTFOUND for an unknown customer. One write transaction (SQLite: BEGIN IMMEDIATE under
 * secure_delete; PostgreSQL: the customer's record locked first), then the purge (out->purge):
 * a concurrent write to the same customer lands before or after it, never lost, and one after
 * it cannot bring the personal fields back. */
int dg_customer_erase(dg_erasure_result *out, dg_store *store, const char *customer_id,
                      dg_erasure_kind kind, const char *reason, const char *actor,
                      dg_error *err);

/* The retention period of config/privacy.conf (the built-in default is the same). */
#define DG_RETENTION_DEFAULT_DAYS 1095
typedef struct dg_privacy_config {
    int retention_inactive_days;   /* a customer with no activity for this many days is erased
                                      by the retention job */
} dg_privacy_config;
/* Fills config with the built-in retention (DG_RETENTION_DEFAULT_DAYS). Cannot fail. */
void dg_privacy_config_default(dg_privacy_config *config);
/* Parses "key = value" text (config/privacy.conf) over *config; name is the file name for
 * messages, which carry name:line:column. */
int dg_privacy_config_parse(dg_privacy_config *config, const char *text, const char *name,
                            dg_error *err);
/* Reads and parses the file at path (src/report/config_files.c). */
int dg_privacy_config_load(dg_privacy_config *config, const char *path, dg_error *err);

/* The retention job: every customer not yet erased whose last activity (the latest of their
 * acquisition day, orders, feedback, survey answers, interactions, partner activities and
 * consent events) is more than inactive_days before as_of; customers with no dated activity at
 * all are left alone (counted in *undated). fn sees each (customer id, last active day) before it
 * is erased; dry_run erases nothing. *erased counts the customers erased (or that would be). */
typedef int (*dg_retention_fn)(void *ctx, const char *customer_id, int32_t last_active);
int dg_customer_retain(int64_t *erased, int64_t *undated, dg_store *store, int32_t as_of,
                       int inactive_days, bool dry_run, const char *actor, dg_retention_fn fn,
                       void *ctx, dg_error *err);

/* Subject access: one JSON object of everything the store holds on customer_id, written to out
 * (out_name names it in a write error): the profile, orders with their lines, feedback, survey
 * answers, interactions, partner activities, referrals either way, the points ledger and lots,
 * the consent history, the erasure record, and the rows of any other table with a customer_id
 * column. Read in one consistent read. DG_ENOTFOUND for an unknown customer. */
int dg_customer_export_subject(dg_store *store, const char *customer_id, FILE *out,
                               const char *out_name, dg_error *err);

DG_API_END

#endif
