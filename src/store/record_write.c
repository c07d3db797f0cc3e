/* The API's writes of one customer or order with the frame snapshot kept current (docs/snapshot.md,
 * "Updating"; snapshot_delta.h): the server's creates and changes go through here, so that the
 * write leaves, in its own transaction, a delta segment (the row added, or the changed customer's
 * row as it now is) and the next analysis applies it to the frame it has instead of rebuilding the
 * frame from the rows. */
#include <string.h>

#include "store/snapshot_delta.h"

int dg__store_write_record(dg_store *s, const dg_entity *e, const dg_value *row, bool insert,
                           dg_error *err)
{
    bool customer = strcmp(e->name, "customers") == 0, order = strcmp(e->name, "orders") == 0;
    if (!customer && !order)   /* its triggers put the snapshot out of date */
        return insert ? dg_store_insert(s, e, row, err) : dg_store_put(s, e, row, err);
    dg__delta_mark mark;
    dg__store_delta_begin(s, &mark);
    int rc = insert ? dg_store_insert(s, e, row, err) : dg_store_put(s, e, row, err);
    if (rc != 0 || (!insert && !customer)) {   /* a changed order: out of date */
        dg__delta_mark_free(&mark);
        return rc;
    }
    return insert ? dg__store_delta_end(s, &mark, err)
                  : dg__store_delta_end_update(s, &mark, row[0].u.s, err);
}
