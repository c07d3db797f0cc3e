/* The API's writes of one customer, order or piece of feedback with the frame snapshot kept
 * current (docs/snapshot.md, "Updating", "Feedback"; snapshot_delta.h): the server's creates and
 * changes go through here, so that the write leaves, in its own transaction, a delta segment (the
 * row added, or the changed customer's row as it now is) and the next analysis applies it to the
 * frame it has instead of rebuilding the frame from the rows. The writer knows the row before the
 * change, so it decides here, for every store, whether a reader could apply it; when not, it
 * writes no segment and the snapshot is out of date at once (no reader reads the base snapshot
 * only to find that out). */
#include <string.h>

#include "store/snapshot_delta.h"

static bool same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;   /* NULL and "" are the same code, 0 */
}

dg__update_verdict dg__update_applies(const dg_frame_customer_in *was,
                                      const dg_frame_customer_in *now, int32_t as_of,
                                      unsigned *changed)
{
    *changed = 0;
    if (was->has_acquired_day && was->acquired_day > as_of)
        return DG__UPDATE_REFUSED;
    if ((was->has_acquired_day != now->has_acquired_day ||
         was->acquired_day != now->acquired_day) &&
        (!now->has_acquired_day || now->acquired_day > as_of))
        return DG__UPDATE_REFUSED;
    const char *before[DG__CUSTOMER_CODES] = { was->region, was->gender,
        was->acquisition_channel, was->staff_id, was->customer_type, was->income_band };
    const char *after[DG__CUSTOMER_CODES] = { now->region, now->gender,
        now->acquisition_channel, now->staff_id, now->customer_type, now->income_band };
    for (unsigned i = 0; i < DG__CUSTOMER_CODES; i++)
        if (!same_text(before[i], after[i]))
            *changed |= 1u << i;
    return *changed ? DG__UPDATE_WITH_LEFT_OUT : DG__UPDATE_APPLIES;
}

int dg__store_write_record(dg_store *s, const dg_entity *e, const dg_value *row, bool insert,
                           dg_error *err)
{
    bool customer = strcmp(e->name, "customers") == 0, order = strcmp(e->name, "orders") == 0;
    bool feedback = insert && strcmp(e->name, "feedback") == 0;
    if (!customer && !order && !feedback)   /* its triggers put the snapshot out of date */
        return insert ? dg_store_insert(s, e, row, err) : dg_store_put(s, e, row, err);
    dg__delta_mark mark;
    if (customer && !insert)
        dg__store_delta_begin_update(s, &mark, row[0].u.s);
    else
        dg__store_delta_begin(s, &mark);
    int rc = insert ? dg_store_insert(s, e, row, err) : dg_store_put(s, e, row, err);
    if (rc != 0 || (!insert && !customer)) {   /* a changed order: out of date */
        dg__delta_mark_free(&mark);
        return rc;
    }
    if (feedback)
        return dg__store_delta_end_feedback(s, &mark, row[0].u.s, err);
    return insert ? dg__store_delta_end(s, &mark, err)
                  : dg__store_delta_end_update(s, &mark, row[0].u.s, err);
}
