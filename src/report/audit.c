/* The audit trail's reports (include/dangol/report.h), as `dangol audit list|verify` and
 * GET /api/audit show them: the entries of a filter, one row each, and a verification's
 * outcome. The trail holds customer ids, never personal fields in clear: writes record their
 * personal fields masked (src/server/audit.c). */
#include <stdio.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/report.h"
#include "dangol/text.h"

static const char *const list_columns[] = { "entry_id", "at", "actor_kind", "actor", "role",
                                            "origin", "action", "customers", "reason",
                                            "detail" };

static int entry_row(void *ctx, const dg_audit_entry *e)
{
    dg_table *t = ctx;
    char at[32];
    dg_table_add_row(t);
    dg_table_set_int(t, 0, e->entry_id);
    dg_table_set_text(t, 1, dg_timestamp_format(e->at, at));
    dg_table_set_text(t, 2, e->actor_kind);
    dg_table_set_text(t, 3, e->actor);
    dg_table_set_text(t, 4, e->role);
    dg_table_set_text(t, 5, e->origin);
    dg_table_set_text(t, 6, e->action);
    dg_table_set_text(t, 7, e->customers);
    dg_table_set_text(t, 8, e->reason);
    dg_table_set_text(t, 9, e->detail);
    return dg_table_failed(t);
}

int dg_report_audit(dg_report *out, dg_store *store, const dg_audit_filter *filter,
                    dg_error *err)
{
    dg_table *t = dg_table_new("Audit trail");
    for (size_t c = 0; t && c < sizeof list_columns / sizeof list_columns[0]; c++)
        dg_table_add_column(t, list_columns[c], c == 0 ? DG_CELL_ID : DG_CELL_TEXT, 0);
    if (!t)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg_audit_scan(store, filter, entry_row, t, err);
    if (rc > 0 && dg_table_failed(t))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}

int dg_report_audit_verification(dg_report *out, const dg_audit_verification *v, dg_error *err)
{
    static const char *const names[] = { "ok", "entries", "first_id", "last_id",
                                         "pruned_through", "bad_id", "head", "problem" };
    dg_table *t = dg_table_new("Audit trail verification");
    for (size_t c = 0; t && c < sizeof names / sizeof names[0]; c++)
        dg_table_add_column(t, names[c], c == 1 ? DG_CELL_INT : c >= 2 && c <= 5 ? DG_CELL_ID : DG_CELL_TEXT, 0);
    if (!t)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    dg_table_add_row(t);
    dg_table_set_text(t, 0, v->ok ? "yes" : "no");
    dg_table_set_int(t, 1, v->entries);
    dg_table_set_int(t, 2, v->first_id);
    dg_table_set_int(t, 3, v->last_id);
    dg_table_set_int(t, 4, v->anchor_id);
    dg_table_set_int(t, 5, v->bad_id);
    dg_table_set_text(t, 6, v->head);
    dg_table_set_text(t, 7, v->problem);
    return dg_report_add(out, t, err);
}
