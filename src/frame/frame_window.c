/* dg_frame_window (include/dangol/frame.h): a frame as of an earlier day that reads the arrays
 * of the frame it is made from, so the server answers ?as_of (and the CLI --as-of) from the one
 * frame it holds without copying it (docs/snapshot.md). Making one is a shallow copy of the
 * frame's header and one pass over the customers for the earliest order day; the analyses that
 * accept a window leave out what the frame's rules would (dg_frame_has_customer,
 * dg_frame_orders_end, ...). */
#include <stdlib.h>

#include "dangol/frame.h"

size_t dg_frame_customer_count(const dg_frame *f)
{
    if (!f->window_of)
        return f->n_customers;
    size_t n = 0;
    for (size_t c = 0; c < f->n_customers; c++)
        n += dg_frame_has_customer(f, c);
    return n;
}

int dg_frame_window(dg_frame **out, const dg_frame *frame, int32_t day, dg_error *err)
{
    *out = NULL;
    if (day > frame->as_of)
        return dg_error_set(err, DG_EINVAL, "a frame as of %d has no window as of the later "
                            "day %d", (int)frame->as_of, (int)day);
    dg_frame *w = malloc(sizeof *w);
    if (!w)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    *w = *frame;
    w->window_of = frame->window_of ? frame->window_of : frame;
    w->as_of = day;
    w->first_order_day = DG_DAY_NONE;
    for (size_t c = 0; c < w->n_customers; c++) {
        size_t first = w->order_offset[c];
        if (first < w->order_offset[c + 1] && w->order_day[first] <= day &&
            dg_frame_has_customer(w, c) &&
            (w->first_order_day == DG_DAY_NONE || w->order_day[first] < w->first_order_day))
            w->first_order_day = w->order_day[first];
    }
    *out = w;
    return 0;
}
