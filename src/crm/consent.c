/* Consent per purpose (include/dangol/consent.h): parsing purposes and sources through the
 * vocabulary, appending grants and withdrawals in one BEGIN IMMEDIATE transaction each (with
 * the idempotency key looked up and remembered inside it), and the question campaigns ask,
 * dg_consent_allows. The SQL is in src/store/consent_sqlite.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dangol/consent.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/vocab.h"
#include "store/consent.h"

#define FINGERPRINT_MAX 512
#define PURPOSE_DOMAIN "consent_purpose"
#define SOURCE_DOMAIN "consent_source"

int32_t dg_consent_today(void)
{
    return dg_day_of((int64_t)time(NULL));
}

const char *dg_consent_action_code(dg_consent_action action)
{
    return action == DG_CONSENT_GRANT ? "grant" : "withdraw";
}

/* The codes of a vocabulary domain, comma-separated, into buf. */
static const char *codes_of(const char *domain, char *buf, size_t cap)
{
    const dg_vocab_entry *e;
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; (e = dg_vocab_at(i)) != NULL && len < cap; i++)
        if (strcmp(e->domain, domain) == 0)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", e->code);
    return buf;
}

static int parse_code(const char **code, const char *domain, const char *what, const char *text,
                      dg_error *err)
{
    char valid[512];
    *code = text ? dg_vocab_code(domain, text, strlen(text)) : NULL;
    if (*code)
        return 0;
    if (!text || !*text)
        return dg_error_set(err, DG_EINVAL, "a consent %s is required; valid: %s", what,
                            codes_of(domain, valid, sizeof valid));
    return dg_error_set(err, DG_EINVAL, "unknown consent %s \"%s\"; valid: %s", what, text,
                        codes_of(domain, valid, sizeof valid));
}

int dg_consent_purpose_parse(const char **code, const char *text, dg_error *err)
{
    return parse_code(code, PURPOSE_DOMAIN, "purpose", text, err);
}

int dg_consent_source_parse(const char **code, const char *text, dg_error *err)
{
    return parse_code(code, SOURCE_DOMAIN, "source", text, err);
}

/* The write inside the transaction: checks, the state before, the event. */
static int append(dg_consent_result *out, dg_store *store, dg__consent_event *event,
                  dg_error *err)
{
    bool found, before, erased;
    int64_t erased_at;
    int rc = dg__consent_state(store, event->customer_id, event->purpose, event->effective_on,
                               &found, &before, err);
    if (rc == 0 && !found)
        return dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", event->customer_id);
    if (rc == 0)
        rc = dg__erasure_get(store, event->customer_id, &erased, &erased_at, err);
    if (rc == 0 && erased && strcmp(event->action, "grant") == 0)
        return dg_error_set(err, DG_ECONFLICT, "customer \"%s\" was erased: a consent cannot be "
                            "granted for them", event->customer_id);
    if (rc == 0)
        rc = dg__consent_insert(store, event, &out->event_id, err);
    out->changed = before != (strcmp(event->action, "grant") == 0);
    return rc;
}

int dg_consent_record(dg_consent_result *out, dg_store *store, dg_consent_action action,
                      const dg_consent_request *r, dg_error *err)
{
    memset(out, 0, sizeof *out);
    dg__consent_event event = {
        .customer_id = r->customer_id, .action = dg_consent_action_code(action),
        .effective_on = r->day == DG_CONSENT_TODAY ? dg_consent_today() : r->day,
        .actor = r->actor && *r->actor ? r->actor : "system", .recorded_at = (int64_t)time(NULL),
    };
    if (!r->customer_id || !*r->customer_id)
        return dg_error_set(err, DG_EINVAL, "a customer id is required");
    int rc = dg_consent_purpose_parse(&event.purpose, r->purpose, err);
    if (rc == 0)
        rc = dg_consent_source_parse(&event.source, r->source, err);
    if (rc != 0)
        return rc;
    char fingerprint[FINGERPRINT_MAX];
    snprintf(fingerprint, sizeof fingerprint, "%s|%s|%s|%s|%d", event.action, event.customer_id,
             event.purpose, event.source, (int)r->day);
    const char *key = r->idempotency_key && *r->idempotency_key ? r->idempotency_key : NULL;
    if ((rc = dg_store_begin(store, err)) != 0)
        return rc;
    if (key) {
        char seen[FINGERPRINT_MAX];
        rc = dg__consent_request_get(store, key, seen, sizeof seen, &out->event_id, err);
        if (rc == 0) {
            dg_store_rollback(store);
            if (strcmp(seen, fingerprint) != 0)
                return dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for "
                                    "another request; use a new key for a new request", key);
            out->replayed = true;
            return 0;
        }
        if (rc != DG_ENOTFOUND)
            goto fail;
    }
    rc = append(out, store, &event, err);
    if (rc == 0 && key)
        rc = dg__consent_request_put(store, key, fingerprint, out->event_id, event.recorded_at,
                                     err);
    if (rc == 0)
        return dg_store_commit(store, err);
fail:
    dg_store_rollback(store);
    return rc;
}

int dg_consent_allows(bool *allowed, dg_store *store, const char *customer_id,
                      const char *purpose, int32_t day, dg_error *err)
{
    const char *code;
    bool found = false;
    *allowed = false;
    int rc = dg_consent_purpose_parse(&code, purpose, err);
    if (rc == 0)
        rc = dg__consent_state(store, customer_id ? customer_id : "", code,
                               day == DG_CONSENT_TODAY ? dg_consent_today() : day, &found,
                               allowed, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id ? customer_id : "");
    return rc;
}
