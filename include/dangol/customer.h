/* A customer's record as staff change it: the consultation type, written with its audit entry.
 * The customer card is dangol/card.h. */
#ifndef DANGOL_CUSTOMER_H
#define DANGOL_CUSTOMER_H

#include <stdbool.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

/* The store (dangol/store.h); a model header does not pull in the store API. */
typedef struct dg_store dg_store;

/* Staff set (or clear) a customer's consultation type. */
typedef struct dg_customer_type_request {
    const char *customer_id;
    const char *type;                 /* a code the types file lists; NULL or "": no type */
    bool check_expected;              /* refuse (DG_ECONFLICT) unless the stored type is ... */
    const char *expected_type;        /* ... this one (NULL or "": none), the one last read */
    const struct dg_consult_types *types;   /* the types staff may set (dangol/consult.h) */
    const struct dg_audit_actor *audit;     /* the audit entry's actor; NULL: none written */
} dg_customer_type_request;

/* Writes the type in one transaction with its audit entry (customer.update, detail
 * {"before":{"customer_type":...},"after":{...},"via":"set-type"}); previous receives the type
 * it replaced ("" for none). DG_ENOTFOUND without such a customer, DG_EINVAL for a type the
 * file does not list, DG_ECONFLICT when check_expected and another write changed the type
 * since it was read (the check and the write are in the same transaction, so of two staff
 * members setting a type from the same reading exactly one succeeds). */
int dg_customer_set_type(dg_store *store, const dg_customer_type_request *r, char previous[32],
                         dg_error *err);

DG_API_END

#endif
