/* The bytes of a snapshot delta segment (snapshot_delta.h): small, so that importing 1 % more
 * orders writes about 1 % of the snapshot. A magic word (rows added, or customers changed: an
 * update segment, which holds no orders) and the counts of customers, orders and texts; the texts, each once (an id, a channel, a staff id ...: a row names them by number);
 * then the customers (in id order) and the orders (in id order, without their ids, which the
 * merge does not need: the order of the rows is the scan's), every number a varint (signed ones
 * zigzag). A feedback segment ("DGF1") holds feedback rows instead, after the same header.
 * Decoded rows point into the segment's texts, each stored with its NUL. */
#include <stdlib.h>
#include <string.h>

#include "store/snapshot_delta.h"

#define MAGIC 0x32414744u           /* "DGA2": rows added */
/* "DGU2": customers changed (their rows as they now are), by a writer that checked what the
 * reader needs (dg__update_applies); a "DGU1" segment, written before, is damaged: rebuilt */
#define MAGIC_UPDATES 0x32554744u
#define MAGIC_FEEDBACK 0x31464744u   /* "DGF1": feedback added (no customers, no orders) */
#define NO_TEXT 0           /* text number 0: NULL; text k is texts[k - 1] */

/* ---- writing ---- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} bytes;

static int put(bytes *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (!grown)
            return DG_ENOMEM;
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    return 0;
}

static int put_varint(bytes *b, uint64_t v)
{
    unsigned char out[10];
    size_t n = 0;
    do {
        out[n++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return put(b, out, n);
}

static int put_signed(bytes *b, int64_t v)
{
    return put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

struct dg__segment {
    bytes texts, rows;
    size_t n_texts, n_customers, n_orders, n_left_out, n_feedback;
    bool updates;           /* the customers are changed ones, not new ones */
    size_t *slot;           /* open addressing: text number + offset into texts, per slot */
    uint32_t *number;
    size_t n_slots;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 0xCBF29CE484222325u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001B3u;
    return h;
}

static int grow_slots(dg__segment *w)
{
    size_t n = w->n_slots ? 2 * w->n_slots : 1024;
    size_t *slot = malloc(n * sizeof *slot);
    uint32_t *number = calloc(n, sizeof *number);
    if (!slot || !number) {
        free(slot);
        free(number);
        return DG_ENOMEM;
    }
    for (size_t i = 0; i < w->n_slots; i++) {
        if (!w->number[i])
            continue;
        size_t k = hash((const char *)w->texts.p + w->slot[i]) & (n - 1);
        while (number[k])
            k = (k + 1) & (n - 1);
        slot[k] = w->slot[i];
        number[k] = w->number[i];
    }
    free(w->slot);
    free(w->number);
    w->slot = slot;
    w->number = number;
    w->n_slots = n;
    return 0;
}

/* The text's number, given one the first time it is seen. */
static int put_text(dg__segment *w, const char *text)
{
    if (!text)
        return put_varint(&w->rows, NO_TEXT);
    if (2 * (w->n_texts + 1) > w->n_slots && grow_slots(w) != 0)
        return DG_ENOMEM;
    size_t k = hash(text) & (w->n_slots - 1);
    while (w->number[k] && strcmp((const char *)w->texts.p + w->slot[k], text) != 0)
        k = (k + 1) & (w->n_slots - 1);
    if (!w->number[k]) {
        size_t offset = w->texts.len;
        if (put(&w->texts, text, strlen(text) + 1) != 0)
            return DG_ENOMEM;
        w->slot[k] = offset;
        w->number[k] = (uint32_t)++w->n_texts;
    }
    return put_varint(&w->rows, w->number[k]);
}

int dg__segment_new(dg__segment **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : DG_ENOMEM;
}

void dg__segment_updates(dg__segment *w)
{
    w->updates = true;
}

void dg__segment_free(dg__segment *w)
{
    if (!w)
        return;
    free(w->texts.p);
    free(w->rows.p);
    free(w->slot);
    free(w->number);
    free(w);
}

static int put_customer(dg__segment *w, const dg_frame_customer_in *in)
{
    const char *texts[] = { in->customer_id, in->gender, in->region, in->acquisition_channel,
                            in->staff_id, in->customer_type, in->income_band };
    int rc = put_signed(&w->rows, in->birth_year);
    if (rc == 0)
        rc = put_varint(&w->rows, in->has_acquired_day);
    if (rc == 0 && in->has_acquired_day)
        rc = put_signed(&w->rows, in->acquired_day);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0] && rc == 0; i++)
        rc = put_text(w, texts[i]);
    return rc;
}

int dg__segment_customer(dg__segment *w, const dg_frame_customer_in *in)
{
    w->n_customers++;
    return put_customer(w, in);
}

int dg__segment_left_out(dg__segment *w, const dg_frame_customer_in *in)
{
    w->n_left_out++;
    return put_customer(w, in);
}

/* A row of numbers (signed varints), then texts (numbered). */
static int put_row(dg__segment *w, const int64_t *numbers, size_t n_numbers,
                   const char *const *texts, size_t n_texts)
{
    int rc = 0;
    for (size_t i = 0; i < n_numbers && rc == 0; i++)
        rc = put_signed(&w->rows, numbers[i]);
    for (size_t i = 0; i < n_texts && rc == 0; i++)
        rc = put_text(w, texts[i]);
    return rc;
}

int dg__segment_order(dg__segment *w, const dg_frame_order_in *in)
{
    const char *texts[] = { in->customer_id, in->channel, in->payment_method, in->site,
                            in->staff_id };
    const int64_t numbers[] = { in->ordered_at, in->amount_minor, in->units };
    w->n_orders++;
    return put_row(w, numbers, 3, texts, 5);
}

int dg__segment_feedback(dg__segment *w, const dg_frame_feedback_in *in)
{
    const char *texts[] = { in->customer_id, in->kind, in->channel, in->staff_id };
    const int64_t numbers[] = { in->received_at, in->rating };
    w->n_feedback++;
    return put_row(w, numbers, 2, texts, 4);
}

int dg__segment_bytes(dg__segment *w, unsigned char **data, size_t *len)
{
    bytes out = { 0 };
    /* an update segment's third count is of the customers left out (it holds no orders), a
     * feedback segment's of its feedback */
    if (w->n_feedback && (w->updates || w->n_customers || w->n_orders))
        return DG_EINVAL;
    uint32_t header[4] = { w->updates ? MAGIC_UPDATES : w->n_feedback ? MAGIC_FEEDBACK : MAGIC,
                           (uint32_t)w->n_customers,
                           (uint32_t)(w->updates ? w->n_left_out
                                      : w->n_feedback ? w->n_feedback : w->n_orders),
                           (uint32_t)w->n_texts };
    *data = NULL;
    if (put(&out, header, sizeof header) != 0 || put(&out, w->texts.p, w->texts.len) != 0 ||
        put(&out, w->rows.p, w->rows.len) != 0) {
        free(out.p);
        return DG_ENOMEM;
    }
    *data = out.p;
    *len = out.len;
    return 0;
}

/* ---- reading ---- */

typedef struct {
    const unsigned char *p, *end;
    const char **texts;
    size_t n_texts;
    bool bad;
} cursor;

static uint64_t take_varint(cursor *c)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (c->p == c->end)
            break;
        unsigned char byte = *c->p++;
        v |= (uint64_t)(byte & 0x7F) << shift;
        if (!(byte & 0x80))
            return v;
    }
    c->bad = true;
    return 0;
}

static int64_t take_signed(cursor *c)
{
    uint64_t v = take_varint(c);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static const char *take_text(cursor *c)
{
    uint64_t k = take_varint(c);
    if (k > c->n_texts) {
        c->bad = true;
        return NULL;
    }
    return k == NO_TEXT ? NULL : c->texts[k - 1];
}

/* The texts: n NUL-terminated strings from c->p on. */
static bool take_texts(cursor *c, size_t n)
{
    if (!(c->texts = malloc((n ? n : 1) * sizeof *c->texts)))
        return false;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *nul = memchr(c->p, '\0', (size_t)(c->end - c->p));
        if (!nul)
            return false;
        c->texts[i] = (const char *)c->p;
        c->p = nul + 1;
    }
    c->n_texts = n;
    return true;
}

bool dg__segment_decode(dg__delta *d, size_t len)
{
    cursor c = { d->data, d->data + len, NULL, 0, false };
    uint32_t header[4];
    if (len < sizeof header)
        return false;
    memcpy(header, d->data, sizeof header);
    c.p += sizeof header;
    /* each customer takes at least 9 bytes, each order 8, each piece of feedback 6, each text 1 */
    bool feedback = header[0] == MAGIC_FEEDBACK;
    if ((header[0] != MAGIC && header[0] != MAGIC_UPDATES && !feedback) ||
        header[1] > len / 9 || header[2] > len / 6 || header[3] > len ||
        (feedback && header[1] != 0) || !take_texts(&c, header[3])) {
        free(c.texts);
        return false;
    }
    d->texts = c.texts;
    d->updates = header[0] == MAGIC_UPDATES;
    d->n_customers = header[1];
    d->n_orders = d->updates || feedback ? 0 : header[2];
    d->n_left_out = d->updates ? header[2] : 0;
    d->n_feedback = feedback ? header[2] : 0;
    size_t rows = d->n_customers + d->n_left_out;
    d->customers = calloc(rows ? rows : 1, sizeof *d->customers);
    d->orders = calloc(d->n_orders ? d->n_orders : 1, sizeof *d->orders);
    d->feedback = calloc(d->n_feedback ? d->n_feedback : 1, sizeof *d->feedback);
    if (!d->customers || !d->orders || !d->feedback)
        return false;
    for (size_t i = 0; i < rows && !c.bad; i++) {
        dg_frame_customer_in *r = &d->customers[i];
        r->birth_year = (int32_t)take_signed(&c);
        uint64_t has_acquired = take_varint(&c);
        r->has_acquired_day = has_acquired == 1;
        r->acquired_day = r->has_acquired_day ? (int32_t)take_signed(&c) : 0;
        if (has_acquired > 1)
            c.bad = true;
        const char **texts[] = { &r->customer_id, &r->gender, &r->region,
                                 &r->acquisition_channel, &r->staff_id, &r->customer_type,
                                 &r->income_band };
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
            *texts[k] = take_text(&c);
        bool follows = i && i != d->n_customers;   /* each kind in id order */
        if (!r->customer_id ||
            (follows && strcmp(d->customers[i - 1].customer_id, r->customer_id) >= 0))
            c.bad = true;
    }
    for (size_t i = 0; i < d->n_orders && !c.bad; i++) {
        dg_frame_order_in *r = &d->orders[i];
        r->ordered_at = take_signed(&c);
        r->amount_minor = take_signed(&c);
        r->units = (int32_t)take_signed(&c);
        const char **texts[] = { &r->customer_id, &r->channel, &r->payment_method, &r->site,
                                 &r->staff_id };
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
            *texts[k] = take_text(&c);
        if (!r->customer_id)
            c.bad = true;
    }
    for (size_t i = 0; i < d->n_feedback && !c.bad; i++) {
        dg_frame_feedback_in *r = &d->feedback[i];
        r->received_at = take_signed(&c);
        r->rating = (int)take_signed(&c);
        const char **texts[] = { &r->customer_id, &r->kind, &r->channel, &r->staff_id };
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
            *texts[k] = take_text(&c);
        if (!r->customer_id)
            c.bad = true;
    }
    return !c.bad && c.p == c.end;
}
