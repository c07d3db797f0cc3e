/* Consent per purpose and channel (PIPA: consent is asked per purpose, and may be withdrawn at
 * any time). A customer's consents are a history of events, never a flag that is overwritten:
 * every grant and every withdrawal is a row with the purpose, the day it takes effect, where it
 * was given (the source) and who recorded it. The consent for a purpose on a day is the latest
 * event on or before that day (by effective day, then by the order recorded). Purposes
 * (marketing_email, marketing_sms, marketing_phone, third_party_sharing, ...) and sources (web,
 * store, call, import, api) are the vocabulary's consent_purpose and consent_source domains:
 * adding a purpose is adding a vocabulary entry. Codes, English and Korean names are accepted.
 * Every write is one BEGIN IMMEDIATE transaction, so two changes at once both land in the
 * history. Campaigns and send lists ask dg_consent_allows (docs/security.md). */
#ifndef DANGOL_CONSENT_H
#define DANGOL_CONSENT_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;

typedef enum dg_consent_action {
    DG_CONSENT_GRANT,
    DG_CONSENT_WITHDRAW
} dg_consent_action;

/* "grant" / "withdraw". */
const char *dg_consent_action_code(dg_consent_action action);

/* The purpose or source code TEXT names (its code, English or Korean name) into *code (a static
 * string); DG_EINVAL naming the valid codes otherwise. */
int dg_consent_purpose_parse(const char **code, const char *text, dg_error *err);
/* The same for a source (vocabulary domain consent_source): *code static, DG_EINVAL naming
 * the valid ones. */
int dg_consent_source_parse(const char **code, const char *text, dg_error *err);

/* The day a request means by DG_CONSENT_TODAY. */
#define DG_CONSENT_TODAY INT32_MIN

typedef struct dg_consent_request {
    const char *customer_id;
    const char *purpose;         /* code, English or Korean name */
    const char *source;          /* code, English or Korean name */
    int32_t day;                 /* effective day; DG_CONSENT_TODAY: today (UTC) */
    const char *actor;           /* who recorded it; NULL: "system" */
    const char *idempotency_key; /* NULL: none. Seen before with the same request: the first
                                    result (replayed) and nothing written; with another
                                    request: DG_ECONFLICT */
} dg_consent_request;

typedef struct dg_consent_result {
    int64_t event_id;            /* the history row written (the first one's when replayed) */
    bool changed;                /* the consent on that day differs from before the event */
    bool replayed;
} dg_consent_result;

/* Appends a grant or a withdrawal. DG_ENOTFOUND for an unknown customer, DG_EINVAL for an
 * unknown purpose or source, DG_ECONFLICT for an erased customer's grant (they cannot be
 * contacted: their contact fields are gone) or a reused idempotency key. */
int dg_consent_record(dg_consent_result *out, dg_store *store, dg_consent_action action,
                      const dg_consent_request *request, dg_error *err);

/* May the customer be contacted for purpose (a code or a name) on day (DG_CONSENT_TODAY:
 * today)? *allowed is true when the latest event on or before day is a grant; with no event the
 * customer record's imported flag counts for the three channels that have one (consent_email for
 * marketing_email, consent_sms for marketing_sms, consent_phone for marketing_phone); an erased
 * customer is never allowed. DG_ENOTFOUND for an unknown customer, DG_EINVAL for an unknown
 * purpose. This is what campaigns and send lists call. */
int dg_consent_allows(bool *allowed, dg_store *store, const char *customer_id,
                      const char *purpose, int32_t day, dg_error *err);

/* Today (UTC), what DG_CONSENT_TODAY stands for. */
int32_t dg_consent_today(void);

DG_API_END

#endif
