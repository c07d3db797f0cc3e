/* An update segment applied to the snapshot's frame in memory (docs/snapshot.md, "Updating";
 * src/store/snapshot_delta.h): each changed customer's attributes replaced in place, so the frame
 * is the one a rebuild from the rows gives after the write, or a refusal, after which the caller
 * rebuilds. A customer's row moves nothing else in the frame but through two things, which are
 * checked, never guessed:
 * - its first-seen day (whether the frame holds the customer at all, and its place in a cut):
 *   a change of the acquisition date is refused, as is a customer the frame does not hold;
 * - its dictionary codes, which a rebuild gives in the order of first use in its scan (customers
 *   in id order, then orders, then the rest). A value the customer leaves keeps its place only
 *   when a customer before it in the frame uses it too; a value it takes moves to the customer's
 *   place unless one before it uses it already, which keeps the codes in order only when every
 *   code below it is used before the customer (a new value: every code). The frame does not hold
 *   customers it left out (first seen after its day), whose values count in a rebuild's order
 *   too, so only uses before the customer in the frame count as known. */
#include <stdlib.h>

#include "frame/snapshot.h"
#include "frame/dict.h"
#include "store/snapshot_delta.h"

/* The code of value in dict for customer c, whose codes are column[0..n): the kept one, or the
 * one a rebuild would give (a new value interned); DG_ENOTFOUND when a rebuild's codes would no
 * longer be the frame's. */
static int recode(dg_dict *dict, const uint32_t *column, size_t c, const char *value,
                  uint32_t *code)
{
    int64_t found = !value || !*value ? 0 : dg_dict_find(dict, value);
    uint32_t old = column[c];
    if (found == (int64_t)old) {
        *code = old;
        return 0;
    }
    bool *before = calloc(dict->n ? dict->n : 1, sizeof *before);   /* used before c */
    if (!before)
        return DG_ENOMEM;
    for (size_t k = 0; k < c; k++)
        if (column[k] < dict->n)
            before[column[k]] = true;
    bool kept = old == 0 || (old < dict->n && before[old]);
    if (kept && found != 0 && !(found > 0 && before[found])) {
        size_t below = found > 0 ? (size_t)found : dict->n;
        for (size_t j = 1; j < below && kept; j++)
            kept = before[j];
    }
    free(before);
    if (!kept)
        return DG_ENOTFOUND;
    if (found >= 0) {
        *code = (uint32_t)found;
        return 0;
    }
    return dg__dict_intern(dict, value, code);
}

/* Customer in's attributes in place of its row in f. */
static int update_customer(dg_frame *f, const dg_frame_customer_in *in)
{
    int64_t at = dg__frame_find_customer(f, in->customer_id);
    if (at < 0)
        return DG_ENOTFOUND;   /* left out of the frame (or new): its place is not known */
    size_t c = (size_t)at;
    int32_t acquired = in->has_acquired_day ? in->acquired_day : DG_DAY_NONE;
    if (acquired != f->acquired_day[c])
        return DG_ENOTFOUND;   /* may move its first-seen day */
    dg_dict *dicts[] = { &f->regions, &f->genders, &f->channels, &f->staff, &f->customer_types,
                         &f->income_bands };
    uint32_t *columns[] = { f->region, f->gender, f->acquisition_channel, f->account_staff,
                            f->customer_type, f->income_band };
    const char *values[] = { in->region, in->gender, in->acquisition_channel, in->staff_id,
                             in->customer_type, in->income_band };
    uint32_t codes[sizeof dicts / sizeof dicts[0]];
    for (size_t i = 0; i < sizeof dicts / sizeof dicts[0]; i++) {
        int rc = recode(dicts[i], columns[i], c, values[i], &codes[i]);
        if (rc != 0)
            return rc;
        columns[i][c] = codes[i];
    }
    f->birth_year[c] = in->birth_year;
    return 0;
}

int dg__frame_update(dg_frame *f, const dg__delta *d)
{
    if (f->window_of || d->n_orders)
        return DG_ENOTFOUND;
    for (size_t i = 0; i < d->n_customers; i++) {
        int rc = update_customer(f, &d->customers[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}
