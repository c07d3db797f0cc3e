/* An update segment applied to the snapshot's frame in memory (docs/snapshot.md, "Updating";
 * src/store/snapshot_delta.h): each changed customer's attributes replaced in place, so the frame
 * is the one a rebuild from the rows gives after the write, or a refusal, after which the caller
 * rebuilds. A customer's row moves nothing else in the frame but through two things:
 * - its first-seen day (whether the frame holds the customer, and its place in a cut): a new
 *   acquisition day up to the frame's day is applied (the first-seen day is the earliest of it
 *   and the customer's dated rows, which the frame holds); a customer the frame does not hold, or
 *   an acquisition day after the frame's or unknown, is refused;
 * - its dictionary codes, which a rebuild gives in the order of first use in its scan (customers
 *   in id order, then orders, then the rest). The codes are given again in that order: the
 *   values customers use by their first customer, then the values only other rows use, in the
 *   order they had (nothing here moves them); a value no row uses any more is dropped. The
 *   customers the frame leaves out count too (a rebuild scans them): the writer puts their rows
 *   in the segment after the changed customer's when a dictionary value changes (snapshot_delta.h,
 *   dg__update_applies), and those the frame does not hold are placed by id among its own. A
 *   value the customer leaves that only other rows still use has an unknown place among the
 *   others' values: refused when there are any. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "frame/snapshot.h"
#include "frame/dict.h"
#include "store/snapshot_delta.h"

#define UNUSED UINT32_MAX

/* A customer the frame leaves out (a segment's row), and the frame's customer it comes before in
 * a rebuild's scan. */
typedef struct {
    const dg_frame_customer_in *row;
    size_t before;
} left_out;

/* A dictionary, the field of a customer's row that holds its value, the customers' column of its
 * codes and the other rows' columns of them. */
typedef struct {
    dg_dict *dict;
    size_t field;          /* offsetof in dg_frame_customer_in */
    uint32_t *customers;
    uint32_t *others[3];   /* NULL when the frame has no such rows or left the column out */
    size_t n_others[3];
} vocabulary;

/* Does a row other than a customer use code? -1 when a column that could is left out. */
static int used_elsewhere(const vocabulary *v, uint32_t code)
{
    for (size_t i = 0; i < 3; i++) {
        if (v->n_others[i] && !v->others[i])
            return -1;   /* left out by the command that read the frame */
        for (size_t k = 0; k < v->n_others[i]; k++)
            if (v->others[i][k] == code)
                return 1;
    }
    return 0;
}

/* code appended to order[k..] unless it is there already. */
static void place(uint32_t code, bool *placed, uint32_t *order, size_t *k)
{
    if (!placed[code]) {
        placed[code] = true;
        order[(*k)++] = code;
    }
}

/* The codes of v in a rebuild's order into order[] (*n of them), after customer c left code
 * `left`: code 0, the codes customers (the frame's, and the n_out it leaves out) use by first
 * use, then the others' in their order. DG_ENOTFOUND when `left` is used only by other rows among
 * other such codes, or a customer left out has a value the dictionary does not hold. */
static int rebuild_order(const vocabulary *v, size_t n_customers, const left_out *out,
                         size_t n_out, uint32_t left, uint32_t *order, size_t *n)
{
    size_t codes = v->dict->n, k = 0, j = 0;
    bool *placed = calloc(codes, sizeof *placed);
    if (!placed)
        return DG_ENOMEM;
    place(0, placed, order, &k);
    int rc = 0;
    for (size_t c = 0; c <= n_customers && rc == 0; c++) {
        for (; j < n_out && out[j].before == c && rc == 0; j++) {
            const char *value = *(const char *const *)((const char *)out[j].row + v->field);
            int64_t code = dg_dict_find(v->dict, value);
            if (code < 0)
                rc = DG_ENOTFOUND;
            else
                place((uint32_t)code, placed, order, &k);
        }
        if (c < n_customers && v->customers[c] < codes)
            place(v->customers[c], placed, order, &k);
    }
    size_t customers_end = k;
    for (uint32_t code = 1; code < codes; code++)
        if (!placed[code] && code != left)
            order[k++] = code;
    /* values no customer uses, where no other row could: the segment is not this frame's */
    bool other_rows = v->n_others[0] || v->n_others[1] || v->n_others[2];
    if (rc == 0 && k > customers_end && !other_rows)
        rc = DG_ENOTFOUND;
    if (rc == 0 && !placed[left]) {
        int elsewhere = used_elsewhere(v, left);
        if (elsewhere < 0 || (elsewhere > 0 && k > customers_end))
            rc = DG_ENOTFOUND;
        else if (elsewhere > 0)
            order[k++] = left;
    }
    free(placed);
    *n = k;
    return rc;
}

/* v's dictionary and columns renumbered to order[] (n codes; the code missing from it is no
 * longer used: its value is dropped). */
static int renumber(vocabulary *v, size_t n_customers, const uint32_t *order, size_t n)
{
    dg_dict *d = v->dict;
    if (used_elsewhere(v, UNUSED) < 0)
        return DG_ENOTFOUND;   /* a column left out could not be renumbered */
    uint32_t *to = malloc(d->n * sizeof *to);
    char **was = malloc(d->n * sizeof *was);
    if (!to || !was) {
        free(to);
        free(was);
        return DG_ENOMEM;
    }
    memcpy(was, d->values, d->n * sizeof *was);
    for (size_t code = 0; code < d->n; code++)
        to[code] = UNUSED;
    for (size_t i = 0; i < n; i++) {
        to[order[i]] = (uint32_t)i;
        d->values[i] = was[order[i]];
    }
    for (size_t code = 0; code < d->n; code++)
        if (to[code] == UNUSED)
            free(was[code]);
    dg__strmap *map = dg__strmap_renumbered(d->map, to, n, d->values);
    dg__strmap_free(d->map);
    d->map = map;
    d->n = n;
    free(was);
    for (size_t c = 0; c < n_customers; c++)
        v->customers[c] = to[v->customers[c]];
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; v->others[i] && k < v->n_others[i]; k++)
            v->others[i][k] = to[v->others[i][k]];
    free(to);
    return map ? 0 : DG_ENOMEM;
}

/* Customer c's code of v set to value's (interned when new), the codes then given as a rebuild
 * would (out: the customers the frame leaves out). */
static int recode(vocabulary *v, size_t n_customers, const left_out *out, size_t n_out, size_t c,
                  const char *value)
{
    uint32_t left = v->customers[c], taken;
    int rc = dg__dict_intern(v->dict, value, &taken);
    if (rc != 0 || taken == left)
        return rc;
    v->customers[c] = taken;
    uint32_t *order = malloc(v->dict->n * sizeof *order);
    size_t n = 0;
    if (!order)
        return DG_ENOMEM;
    rc = rebuild_order(v, n_customers, out, n_out, left, order, &n);
    bool same = n == v->dict->n;
    for (size_t i = 0; rc == 0 && same && i < n; i++)
        same = order[i] == i;
    if (rc == 0 && !same)
        rc = renumber(v, n_customers, order, n);
    free(order);
    return rc;
}

/* The earliest of day and the days of customer c's rows in f. */
static int32_t first_seen(const dg_frame *f, size_t c, int32_t day)
{
    const size_t *offsets[] = { f->order_offset, f->survey_offset, f->feedback_offset,
                                f->interaction_offset, f->partner_offset, f->referral_offset };
    const int32_t *days[] = { f->order_day, f->survey_day, f->feedback_day, f->interaction_day,
                              f->partner_day, f->referral_day };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
        for (size_t k = offsets[i] ? offsets[i][c] : 0; offsets[i] && k < offsets[i][c + 1];
             k++)
            if (days[i][k] < day)
                day = days[i][k];
    return day;
}

/* Customer in's attributes in place of its row in f (out: the customers f leaves out). */
static int update_customer(dg_frame *f, const dg_frame_customer_in *in, const left_out *out,
                           size_t n_out)
{
    int64_t at = dg__frame_find_customer(f, in->customer_id);
    if (at < 0)
        return DG_ENOTFOUND;   /* left out of the frame (or new): its place is not known */
    size_t c = (size_t)at;
    int32_t acquired = in->has_acquired_day ? in->acquired_day : DG_DAY_NONE;
    if (acquired != f->acquired_day[c]) {
        if (acquired == DG_DAY_NONE || acquired > f->as_of)
            return DG_ENOTFOUND;   /* may leave the frame */
        f->acquired_day[c] = acquired;
        f->first_seen_day[c] = first_seen(f, c, acquired);
    }
#define FIELD(name) offsetof(dg_frame_customer_in, name)
    vocabulary v[] = {
        { &f->regions, FIELD(region), f->region, { NULL }, { 0 } },
        { &f->genders, FIELD(gender), f->gender, { NULL }, { 0 } },
        { &f->channels, FIELD(acquisition_channel), f->acquisition_channel,
          { f->order_channel, f->feedback_channel }, { f->n_orders, f->n_feedback } },
        { &f->staff, FIELD(staff_id), f->account_staff,
          { f->order_staff, f->feedback_staff, f->interaction_staff },
          { f->n_orders, f->n_feedback, f->n_interactions } },
        { &f->customer_types, FIELD(customer_type), f->customer_type, { NULL }, { 0 } },
        { &f->income_bands, FIELD(income_band), f->income_band, { NULL }, { 0 } },
    };
#undef FIELD
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        const char *value = *(const char *const *)((const char *)in + v[i].field);
        int rc = recode(&v[i], f->n_customers, out, n_out, c, value);
        if (rc != 0)
            return rc;
    }
    f->birth_year[c] = in->birth_year;
    return 0;
}

/* Where customer_id would stand among f's customers, whose ids increase: the index of the first
 * one after it. */
static size_t place_of(const dg_frame *f, const char *customer_id)
{
    size_t lo = 0, hi = f->n_customers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(f->customer_id[mid], customer_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int dg__frame_update(dg_frame *f, const dg__delta *d)
{
    if (f->window_of || d->n_orders)
        return DG_ENOTFOUND;
    left_out *out = malloc((d->n_left_out ? d->n_left_out : 1) * sizeof *out);
    size_t n_out = 0;
    if (!out)
        return DG_ENOMEM;
    for (size_t i = 0; i < d->n_left_out; i++) {   /* those the frame holds are in it already */
        const dg_frame_customer_in *row = &d->customers[d->n_customers + i];
        if (dg__frame_find_customer(f, row->customer_id) < 0)
            out[n_out++] = (left_out){ row, place_of(f, row->customer_id) };
    }
    int rc = 0;
    for (size_t i = 0; i < d->n_customers && rc == 0; i++)
        rc = update_customer(f, &d->customers[i], out, n_out);
    free(out);
    return rc;
}
