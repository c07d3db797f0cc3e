/* Private to the library: a service's write entry in the audit trail, with its detail built by
 * jansson, so every value is escaped the one way (src/auth/audit_write.c). The services (coupons,
 * tickets, tiers) call it inside the write's own transaction, so the write and its entry commit
 * together or not at all. */
#ifndef DG_AUTH_AUDIT_WRITE_H
#define DG_AUTH_AUDIT_WRITE_H

#include <stddef.h>

#include <jansson.h>

#include "dangol/audit.h"

/* Appends action by actor concerning customers[0..n) with detail (a JSON object; taken: freed
 * here, also on failure; NULL: none). actor NULL: nothing is written, 0 returned (a caller that
 * keeps no trail, such as a unit test of the service alone). */
int dg__audit_write(dg_store *store, const dg_audit_actor *actor, const char *action,
                    const char *const *customers, size_t n, json_t *detail, dg_error *err);

#endif
