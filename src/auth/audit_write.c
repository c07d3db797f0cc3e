/* A service's write entry in the audit trail (src/auth/audit_write.h). */
#include <stdlib.h>

#include "auth/audit_write.h"

int dg__audit_write(dg_store *store, const dg_audit_actor *actor, const char *action,
                    const char *const *customers, size_t n, json_t *detail, dg_error *err)
{
    if (!actor) {
        json_decref(detail);
        return 0;
    }
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    if (detail && !text)
        return dg_error_set(err, DG_ENOMEM, "out of memory writing an audit entry");
    dg_audit_event ev = { .action = action, .customers = customers, .n_customers = n,
                          .detail = text };
    int rc = dg_audit_append(store, actor, &ev, NULL, err);
    free(text);
    return rc;
}
