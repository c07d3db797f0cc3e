/* libFuzzer target for the snapshot's delta segments (src/store/snapshot_delta_codec.c): the
 * input is a segment's bytes, of rows added, of customers changed (with the rows of customers
 * the frame leaves out) or of feedback added: the corpus holds real ones.
 * Nothing may crash or leak; a segment that decodes must encode again, and that encoding decode to
 * the same rows, of the same kind. Run by `make fuzz` (a few seconds, fixed seed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/snapshot_delta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_rows(const dg__delta *a, const dg__delta *b)
{
    if (a->updates != b->updates || a->n_customers != b->n_customers ||
        a->n_orders != b->n_orders || a->n_left_out != b->n_left_out ||
        a->n_feedback != b->n_feedback)
        return false;
    for (size_t i = 0; i < a->n_customers + a->n_left_out; i++) {
        const dg_frame_customer_in *x = &a->customers[i], *y = &b->customers[i];
        if (x->birth_year != y->birth_year || x->has_acquired_day != y->has_acquired_day ||
            (x->has_acquired_day && x->acquired_day != y->acquired_day) ||
            !same_text(x->customer_id, y->customer_id) || !same_text(x->gender, y->gender) ||
            !same_text(x->region, y->region) ||
            !same_text(x->acquisition_channel, y->acquisition_channel) ||
            !same_text(x->staff_id, y->staff_id) ||
            !same_text(x->customer_type, y->customer_type) ||
            !same_text(x->income_band, y->income_band))
            return false;
    }
    for (size_t i = 0; i < a->n_orders; i++) {
        const dg_frame_order_in *x = &a->orders[i], *y = &b->orders[i];
        if (x->ordered_at != y->ordered_at || x->amount_minor != y->amount_minor ||
            x->units != y->units || !same_text(x->customer_id, y->customer_id) ||
            !same_text(x->channel, y->channel) ||
            !same_text(x->payment_method, y->payment_method) || !same_text(x->site, y->site) ||
            !same_text(x->staff_id, y->staff_id))
            return false;
    }
    for (size_t i = 0; i < a->n_feedback; i++) {
        const dg_frame_feedback_in *x = &a->feedback[i], *y = &b->feedback[i];
        if (x->received_at != y->received_at || x->rating != y->rating ||
            !same_text(x->customer_id, y->customer_id) || !same_text(x->kind, y->kind) ||
            !same_text(x->channel, y->channel) || !same_text(x->staff_id, y->staff_id))
            return false;
    }
    return true;
}

static void release(dg__delta *d)
{
    free(d->customers);
    free(d->orders);
    free(d->feedback);
    free(d->texts);
    free(d->data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dg__delta d = { .data = malloc(size ? size : 1) }, again = { 0 };
    dg__segment *w = NULL;
    if (!d.data)
        return 0;
    memcpy(d.data, data, size);
    if (dg__segment_decode(&d, size) && dg__segment_new(&w) == 0) {
        int rc = 0;
        if (d.updates)
            dg__segment_updates(w);
        for (size_t i = 0; i < d.n_customers && rc == 0; i++)
            rc = dg__segment_customer(w, &d.customers[i]);
        for (size_t i = 0; i < d.n_left_out && rc == 0; i++)
            rc = dg__segment_left_out(w, &d.customers[d.n_customers + i]);
        for (size_t i = 0; i < d.n_orders && rc == 0; i++)
            rc = dg__segment_order(w, &d.orders[i]);
        for (size_t i = 0; i < d.n_feedback && rc == 0; i++)
            rc = dg__segment_feedback(w, &d.feedback[i]);
        size_t len = 0;
        if (rc == 0 && dg__segment_bytes(w, &again.data, &len) == 0 &&
            (!dg__segment_decode(&again, len) || !same_rows(&d, &again)))
            abort();
    }
    dg__segment_free(w);
    release(&again);
    release(&d);
    return 0;
}
