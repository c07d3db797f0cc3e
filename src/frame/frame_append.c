/* The snapshot's delta segments merged into its frame in memory (docs/snapshot.md, "Appending";
 * src/store/snapshot_delta.h): the frame a rebuild from the rows would give, or a refusal, after
 * which the caller rebuilds. A segment holds customers and orders whose ids sort after every
 * existing one, so a rebuild scans them right after the frame's own customers and orders:
 * new customers go at the end (the frame's customers are in id order), each new order into its
 * customer's run by time, after the orders of the same second (those came first in the scan).
 * Dictionary codes follow the first use of a value in that scan, so a value the segment uses
 * keeps its code only when it was first used before the segment's rows, and a new value takes
 * the next code only when no existing one was first used after them (a channel first seen in
 * feedback, which is scanned later): otherwise the merge is refused, never guessed. A feedback
 * segment's rows are read by a rebuild last of the feedback (the writer checked), so each goes
 * into its customer's run after the rows of its day (the writer checked none is later that day),
 * its kind, channel and staff coded by the same rule. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "frame/snapshot.h"
#include "frame/dict.h"
#include "store/snapshot_delta.h"

#define NEW_ROW 0x80000000u   /* in a merged order's source: an index into the segment's */

/* Where the rows that use a value stand in a rebuild's scan. */
enum { AT_CUSTOMERS, AT_NEW_CUSTOMERS, AT_ORDERS, AT_NEW_ORDERS, AT_FEEDBACK, AT_NEW_FEEDBACK,
       AT_LATER };

/* A dictionary with, for each code, the earliest place it is known to be used. */
typedef struct {
    dg_dict *dict;
    unsigned char *first;
    size_t cap;
    unsigned char last;   /* the greatest of first[] */
} placed;

static int place(placed *p, dg_dict *dict, unsigned char at)
{
    p->dict = dict;
    p->cap = dict->n + 16;
    if (!(p->first = malloc(p->cap)))
        return DG_ENOMEM;
    memset(p->first, at, p->cap);
    p->first[0] = AT_CUSTOMERS;   /* the missing value is no first use */
    p->last = dict->n > 1 ? at : AT_CUSTOMERS;
    return 0;
}

static void used(placed *p, uint32_t code, unsigned char at)
{
    if (code < p->dict->n && at < p->first[code])
        p->first[code] = at;
}

/* The code of value for a row at place `at`: DG_ENOTFOUND when giving it would reorder codes. */
static int code_at(placed *p, const char *value, unsigned char at, uint32_t *code)
{
    *code = 0;
    if (!value || !*value)
        return 0;
    int64_t found = dg_dict_find(p->dict, value);
    if (found >= 0) {
        *code = (uint32_t)found;
        return p->first[found] <= at ? 0 : DG_ENOTFOUND;
    }
    if (p->last > at)
        return DG_ENOTFOUND;
    if (p->dict->n >= p->cap) {
        unsigned char *grown = realloc(p->first, 2 * p->cap);
        if (!grown)
            return DG_ENOMEM;
        p->first = grown;
        p->cap *= 2;
    }
    if (dg__dict_intern(p->dict, value, code) != 0)
        return DG_ENOMEM;
    p->first[*code] = at;
    p->last = at;
    return 0;
}

enum { REGIONS, GENDERS, TYPES, BANDS, CHANNELS, STAFF, PAYMENTS, SITES, KINDS, N_PLACED };

/* Where each code of the dictionaries customers, orders and feedback use is first used, as far as
 * the frame tells: a channel or staff code that no customer, order or feedback uses was first
 * seen later (in interactions), or in a customer the frame left out; either way after them. */
static int place_all(placed p[N_PLACED], dg_frame *f)
{
    dg_dict *dicts[N_PLACED] = { &f->regions, &f->genders, &f->customer_types, &f->income_bands,
                                 &f->channels, &f->staff, &f->payments, &f->sites,
                                 &f->feedback_kinds };
    unsigned char at[N_PLACED] = { AT_CUSTOMERS, AT_CUSTOMERS, AT_CUSTOMERS, AT_CUSTOMERS,
                                   AT_LATER, AT_LATER, AT_ORDERS, AT_ORDERS, AT_FEEDBACK };
    for (size_t i = 0; i < N_PLACED; i++)
        if (place(&p[i], dicts[i], at[i]) != 0)
            return DG_ENOMEM;
    for (size_t c = 0; c < f->n_customers; c++) {
        used(&p[CHANNELS], f->acquisition_channel[c], AT_CUSTOMERS);
        used(&p[STAFF], f->account_staff[c], AT_CUSTOMERS);
    }
    for (size_t k = 0; k < f->n_orders; k++) {
        used(&p[CHANNELS], f->order_channel[k], AT_ORDERS);
        used(&p[STAFF], f->order_staff[k], AT_ORDERS);
    }
    for (size_t k = 0; k < f->n_feedback; k++) {
        used(&p[CHANNELS], f->feedback_channel[k], AT_FEEDBACK);
        used(&p[STAFF], f->feedback_staff[k], AT_FEEDBACK);
    }
    for (size_t i = CHANNELS; i <= STAFF; i++) {
        p[i].last = AT_CUSTOMERS;
        for (size_t code = 1; code < p[i].dict->n; code++)
            if (p[i].first[code] > p[i].last)
                p[i].last = p[i].first[code];
    }
    return 0;
}

/* The segment's rows, coded: customers (all, kept or not) and orders, in the segment's order. */
typedef struct {
    uint32_t (*customer)[6];   /* region, gender, acquisition channel, staff, type, band */
    int32_t *seen;             /* first day of activity of each new customer */
    uint32_t *kept;            /* its index in the merged frame, or UINT32_MAX */
    uint32_t *owner;           /* each order's customer: a frame index, or n_customers + a
                                * segment index until append_customers renumbers it */
    int32_t *day;
    int64_t *ts, *amount;
    int32_t *units;
    uint32_t *channel, *payment, *site, *staff;
    uint32_t *sorted;          /* the orders by (customer, time, segment order) */
} coded;

static void coded_free(coded *c)
{
    void *all[] = { c->customer, c->seen, c->kept, c->owner, c->day, c->ts, c->amount, c->units,
                    c->channel, c->payment, c->site, c->staff, c->sorted };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
}

static int coded_alloc(coded *c, size_t customers, size_t orders)
{
    size_t nc = customers ? customers : 1, no = orders ? orders : 1;
    c->customer = malloc(nc * sizeof *c->customer);
    c->seen = malloc(nc * sizeof *c->seen);
    c->kept = malloc(nc * sizeof *c->kept);
    c->owner = malloc(no * sizeof *c->owner);
    c->day = malloc(no * sizeof *c->day);
    c->ts = malloc(no * sizeof *c->ts);
    c->amount = malloc(no * sizeof *c->amount);
    c->units = malloc(no * sizeof *c->units);
    c->channel = malloc(no * sizeof *c->channel);
    c->payment = malloc(no * sizeof *c->payment);
    c->site = malloc(no * sizeof *c->site);
    c->staff = malloc(no * sizeof *c->staff);
    c->sorted = malloc(no * sizeof *c->sorted);
    return c->customer && c->seen && c->kept && c->owner && c->day && c->ts && c->amount &&
           c->units && c->channel && c->payment && c->site && c->staff && c->sorted
               ? 0 : DG_ENOMEM;
}

/* Index of the segment's customer called id (they are in id order), or -1. */
static int64_t new_customer(const dg__delta *d, const char *id)
{
    return dg__sorted_find(d->customers, d->n_customers, sizeof *d->customers,
                           offsetof(dg_frame_customer_in, customer_id), id);
}

static void earliest(int32_t *seen, int32_t day)
{
    if (*seen == DG_DAY_NONE || day < *seen)
        *seen = day;
}

/* The segment's rows coded in scan order (customers, then orders), each order's customer found
 * (a frame customer: its index; a new one: n_customers + its segment index), the frame's first
 * days and as-of moved by the new orders. */
static int code_rows(dg_frame *f, placed p[N_PLACED], const dg__delta *d, coded *c)
{
    int rc = 0;
    for (size_t i = 0; i < d->n_customers && rc == 0; i++) {
        const dg_frame_customer_in *in = &d->customers[i];
        if (dg__frame_find_customer(f, in->customer_id) >= 0)
            return DG_ENOTFOUND;   /* an update, not an addition */
        const char *texts[6] = { in->region, in->gender, in->acquisition_channel, in->staff_id,
                                 in->customer_type, in->income_band };
        const int dict[6] = { REGIONS, GENDERS, CHANNELS, STAFF, TYPES, BANDS };
        for (size_t k = 0; k < 6 && rc == 0; k++)
            rc = code_at(&p[dict[k]], texts[k], AT_NEW_CUSTOMERS, &c->customer[i][k]);
        c->seen[i] = in->has_acquired_day ? in->acquired_day : DG_DAY_NONE;
    }
    for (size_t i = 0; i < d->n_orders && rc == 0; i++) {
        const dg_frame_order_in *in = &d->orders[i];
        int32_t day = dg_day_of(in->ordered_at);
        int64_t at = dg__frame_find_customer(f, in->customer_id);
        if (at >= 0) {
            earliest(&f->first_seen_day[at], day);
        } else if ((at = new_customer(d, in->customer_id)) >= 0) {
            earliest(&c->seen[at], day);
            at += (int64_t)f->n_customers;
        } else {
            return DG_ENOTFOUND;   /* a customer the frame left out */
        }
        c->owner[i] = (uint32_t)at;
        c->day[i] = day;
        c->ts[i] = in->ordered_at;
        c->amount[i] = in->amount_minor;
        c->units[i] = in->units;
        if ((rc = code_at(&p[CHANNELS], in->channel, AT_NEW_ORDERS, &c->channel[i])) != 0 ||
            (rc = code_at(&p[PAYMENTS], in->payment_method, AT_NEW_ORDERS, &c->payment[i])) != 0 ||
            (rc = code_at(&p[SITES], in->site, AT_NEW_ORDERS, &c->site[i])) != 0 ||
            (rc = code_at(&p[STAFF], in->staff_id, AT_NEW_ORDERS, &c->staff[i])) != 0)
            return rc;
        if (day > f->as_of)
            f->as_of = day;
        earliest(&f->first_order_day, day);
    }
    return rc;
}

static int grow(void **array, size_t n, size_t size)
{
    void *p = realloc(*array, (n ? n : 1) * size);
    if (!p)
        return DG_ENOMEM;
    *array = p;
    return 0;
}

/* The new customers a rebuild keeps (first seen by the as-of day, or never dated) appended, in
 * id order; the other CSR columns get an empty run for each. */
static int append_customers(dg_frame *f, const dg__delta *d, coded *c)
{
    size_t n = f->n_customers, added = 0;
    for (size_t i = 0; i < d->n_customers; i++)
        c->kept[i] = c->seen[i] == DG_DAY_NONE || c->seen[i] <= f->as_of
                         ? (uint32_t)(n + added++) : UINT32_MAX;
    size_t total = n + added;
    void **columns[] = { (void **)&f->birth_year, (void **)&f->acquired_day,
                         (void **)&f->first_seen_day, (void **)&f->region, (void **)&f->gender,
                         (void **)&f->acquisition_channel, (void **)&f->account_staff,
                         (void **)&f->customer_type, (void **)&f->income_band };
    if (grow((void **)&f->customer_id, total, sizeof *f->customer_id) != 0)
        return DG_ENOMEM;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        if (grow(columns[i], total, 4) != 0)
            return DG_ENOMEM;
    size_t **offsets[] = { &f->survey_offset, &f->feedback_offset, &f->interaction_offset,
                           &f->partner_offset, &f->referral_offset };
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        if (grow((void **)offsets[i], total + 1, sizeof(size_t)) != 0)
            return DG_ENOMEM;
        for (size_t k = n + 1; k <= total; k++)
            (*offsets[i])[k] = (*offsets[i])[n];
    }
    for (size_t i = 0; i < d->n_customers; i++) {
        size_t k = c->kept[i];
        const dg_frame_customer_in *in = &d->customers[i];
        if (k == UINT32_MAX)
            continue;
        if (!(f->customer_id[k] = strdup(in->customer_id)))
            return DG_ENOMEM;
        f->n_customers = k + 1;   /* what dg_frame_free frees */
        f->birth_year[k] = in->birth_year;
        f->acquired_day[k] = in->has_acquired_day ? in->acquired_day : DG_DAY_NONE;
        f->first_seen_day[k] = c->seen[i];
        uint32_t *codes[6] = { f->region, f->gender, f->acquisition_channel, f->account_staff,
                               f->customer_type, f->income_band };
        for (size_t j = 0; j < 6; j++)
            codes[j][k] = c->customer[i][j];
        if (f->customer_map) {
            if (dg__strmap_put(f->customer_map, f->customer_id[k], (uint32_t)k) != 0)
                return DG_ENOMEM;
        } else if (k > 0 && strcmp(f->customer_id[k - 1], f->customer_id[k]) >= 0) {
            return DG_ENOTFOUND;   /* ids searched by halves must stay in order: refused */
        }
    }
    for (size_t i = 0; i < d->n_orders; i++)   /* owners as merged-frame customers */
        if (c->owner[i] >= n)
            c->owner[i] = c->kept[c->owner[i] - n];
    return 0;
}

static int by_owner_time(const void *a, const void *b, void *ctx)
{
    const coded *c = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (c->owner[x] != c->owner[y])
        return c->owner[x] < c->owner[y] ? -1 : 1;
    if (c->ts[x] != c->ts[y])
        return c->ts[x] < c->ts[y] ? -1 : 1;
    return (x > y) - (x < y);
}

/* One order column: the frame's rows and the segment's, in merged order. */
static int merge_column(void **column, size_t size, const void *added, const uint32_t *from,
                        size_t n)
{
    if (!*column)
        return 0;   /* a column this frame was read without */
    unsigned char *merged = malloc((n ? n : 1) * size);
    if (!merged)
        return DG_ENOMEM;
    const unsigned char *old = *column, *extra = added;
    for (size_t k = 0; k < n; k++)
        memcpy(merged + k * size, from[k] & NEW_ROW ? extra + (from[k] & ~NEW_ROW) * size
                                                    : old + from[k] * size, size);
    free(*column);
    *column = merged;
    return 0;
}

/* The order lines stay as they are (new orders have none): each order's run of them moves with
 * the order. */
static int move_lines(dg_frame *f, const uint32_t *from, size_t n)
{
    size_t *offset = malloc((n + 1) * sizeof *offset);
    if (!offset)
        return DG_ENOMEM;
    offset[0] = 0;
    for (size_t k = 0; k < n; k++) {
        size_t lines = from[k] & NEW_ROW ? 0 : f->line_offset[from[k] + 1] - f->line_offset[from[k]];
        offset[k + 1] = offset[k] + lines;
        for (size_t l = offset[k]; l < offset[k + 1]; l++)
            f->line_order[l] = (uint32_t)k;
    }
    free(f->line_offset);
    f->line_offset = offset;
    return 0;
}

/* Each customer's orders: the frame's run, with the segment's merged in by time (after the
 * frame's orders of the same second, as the scan reads them). */
static int merge_orders(dg_frame *f, size_t old_customers, const dg__delta *d, coded *c)
{
    size_t n = f->n_customers, total = f->n_orders + d->n_orders;
    for (size_t i = 0; i < d->n_orders; i++)
        c->sorted[i] = (uint32_t)i;
    qsort_r(c->sorted, d->n_orders, sizeof *c->sorted, by_owner_time, c);
    uint32_t *from = malloc((total ? total : 1) * sizeof *from);
    size_t *offset = malloc((n + 1) * sizeof *offset);
    if (!from || !offset || total >= NEW_ROW) {
        free(from);
        free(offset);
        return from && offset ? DG_ENOTFOUND : DG_ENOMEM;
    }
    size_t k = 0, next = 0;
    for (size_t cust = 0; cust < n; cust++) {
        offset[cust] = k;
        size_t b = 0, e = 0;
        if (cust < old_customers) {
            b = f->order_offset[cust];
            e = f->order_offset[cust + 1];
        }
        while (b < e || (next < d->n_orders && c->owner[c->sorted[next]] == cust)) {
            bool take_new = next < d->n_orders && c->owner[c->sorted[next]] == cust &&
                            (b == e || c->ts[c->sorted[next]] < f->order_ts[b]);
            from[k++] = take_new ? (c->sorted[next++] | NEW_ROW) : (uint32_t)b++;
        }
    }
    offset[n] = k;
    int rc = 0;
    struct { void **column; size_t size; const void *added; } columns[] = {
        { (void **)&f->order_day, 4, c->day }, { (void **)&f->order_ts, 8, c->ts },
        { (void **)&f->order_amount_minor, 8, c->amount }, { (void **)&f->order_units, 4, c->units },
        { (void **)&f->order_channel, 4, c->channel }, { (void **)&f->order_payment, 4, c->payment },
        { (void **)&f->order_site, 4, c->site }, { (void **)&f->order_staff, 4, c->staff },
    };
    for (size_t i = 0; i < sizeof columns / sizeof columns[0] && rc == 0; i++)
        rc = merge_column(columns[i].column, columns[i].size, columns[i].added, from, total);
    if (rc == 0 && f->has_lines)
        rc = move_lines(f, from, total);
    if (rc == 0 && f->order_customer) {
        uint32_t *customer = malloc((total ? total : 1) * sizeof *customer);
        if (!customer) {
            rc = DG_ENOMEM;
        } else {
            for (size_t cust = 0; cust < n; cust++)
                for (size_t o = offset[cust]; o < offset[cust + 1]; o++)
                    customer[o] = (uint32_t)cust;
            free(f->order_customer);
            f->order_customer = customer;
        }
    }
    free(from);
    if (rc != 0) {
        free(offset);
        return rc;
    }
    free(f->order_offset);
    f->order_offset = offset;
    f->n_orders = total;
    return 0;
}

/* One row more at k of an array of n rows of size bytes, holding value. */
static int insert_at(void **array, size_t n, size_t k, size_t size, const void *value)
{
    if (grow(array, n + 1, size) != 0)
        return DG_ENOMEM;
    unsigned char *a = *array;
    memmove(a + (k + 1) * size, a + k * size, (n - k) * size);
    memcpy(a + k * size, value, size);
    return 0;
}

/* The segment's feedback, each row into its customer's run after the rows of its day; the
 * customer's first day moved by it. Refused for a customer the frame does not hold (it would
 * enter the frame), or a code a rebuild would give otherwise. */
static int merge_feedback(dg_frame *f, placed p[N_PLACED], const dg__delta *d)
{
    for (size_t i = 0; i < d->n_feedback; i++) {
        const dg_frame_feedback_in *in = &d->feedback[i];
        int32_t day = dg_day_of(in->received_at);
        int64_t c = dg__frame_find_customer(f, in->customer_id);
        uint32_t kind, channel, staff;
        int rc;
        if (c < 0 || day > f->as_of)
            return DG_ENOTFOUND;
        if ((rc = code_at(&p[KINDS], in->kind, AT_NEW_FEEDBACK, &kind)) != 0 ||
            (rc = code_at(&p[CHANNELS], in->channel, AT_NEW_FEEDBACK, &channel)) != 0 ||
            (rc = code_at(&p[STAFF], in->staff_id, AT_NEW_FEEDBACK, &staff)) != 0)
            return rc;
        size_t k = f->feedback_offset[c], n = f->n_feedback;
        while (k < f->feedback_offset[c + 1] && f->feedback_day[k] <= day)
            k++;
        int8_t rating = (int8_t)(in->rating >= 1 && in->rating <= 5 ? in->rating : 0);
        if (insert_at((void **)&f->feedback_day, n, k, 4, &day) != 0 ||
            insert_at((void **)&f->feedback_kind, n, k, 4, &kind) != 0 ||
            insert_at((void **)&f->feedback_channel, n, k, 4, &channel) != 0 ||
            insert_at((void **)&f->feedback_staff, n, k, 4, &staff) != 0 ||
            insert_at((void **)&f->feedback_rating, n, k, 1, &rating) != 0)
            return DG_ENOMEM;   /* the caller drops the frame, as after any refusal */
        f->n_feedback = n + 1;
        for (size_t j = (size_t)c + 1; j <= f->n_customers; j++)
            f->feedback_offset[j]++;
        earliest(&f->first_seen_day[c], day);
        used(&p[CHANNELS], channel, AT_FEEDBACK);
        used(&p[STAFF], staff, AT_FEEDBACK);
    }
    return 0;
}

int dg__frame_append(dg_frame *f, const dg__delta *d)
{
    if (!f->order_ts || !f->order_channel || !f->order_staff || f->window_of)
        return DG_ENOTFOUND;   /* read without what the merge needs */
    placed p[N_PLACED] = { 0 };
    coded c = { 0 };
    size_t old_customers = f->n_customers;
    int rc = coded_alloc(&c, d->n_customers, d->n_orders);
    if (rc == 0)
        rc = place_all(p, f);
    if (rc == 0)
        rc = code_rows(f, p, d, &c);
    if (rc == 0)
        rc = append_customers(f, d, &c);
    if (rc == 0)
        rc = merge_orders(f, old_customers, d, &c);
    if (rc == 0)
        rc = merge_feedback(f, p, d);
    for (size_t i = 0; i < N_PLACED; i++)
        free(p[i].first);
    coded_free(&c);
    return rc;
}
