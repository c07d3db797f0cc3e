/* The frame as bytes, for the store's snapshot (docs/snapshot.md): a magic word and the format
 * version, the scalars and counts, the dictionaries and customer ids as length-prefixed strings,
 * then every column array in the order of the table below (one row per array, with the count it
 * has), each compressed by the column codec (column_codec.h) behind its encoded length, so a
 * reader that does not want a column skips it unread. Reading it back rebuilds the dictionaries'
 * hash maps (and the customer ids' only when the ids are out of order) and
 * checks every size and offset array against the counts, so a snapshot of another layout is
 * refused, never misread. The same table copies a frame in memory (dg__frame_copy), which an
 * as-of frame is cut out of. */
#include <assert.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame/column_codec.h"
#include "frame/snapshot.h"
#include "frame/dict.h"

static const char magic[8] = "DGFRAME";

/* How many elements an array has. */
typedef enum {
    BY_CUSTOMER, CUSTOMER_OFFSETS, BY_ORDER, ORDER_OFFSETS, BY_LINE, BY_PRODUCT, BY_SURVEY,
    BY_FEEDBACK, BY_INTERACTION, BY_PARTNER, BY_REFERRAL,
} count_kind;

typedef struct {
    size_t offset;         /* of the column pointer in dg_frame */
    size_t size;           /* element size */
    count_kind count;
    count_kind rows;       /* for an offsets array: the kind of rows it points into */
    unsigned optional;     /* its DG_FRAME_ORDER_* bit when a reader may leave it out, else 0 */
} column;

#define COL(field, kind) { offsetof(dg_frame, field), sizeof *((dg_frame *)0)->field, kind, kind, 0 }
#define OPTIONAL(field, bit) \
    { offsetof(dg_frame, field), sizeof *((dg_frame *)0)->field, BY_ORDER, BY_ORDER, bit }
#define OFFSETS(field, kind, of) { offsetof(dg_frame, field), sizeof(size_t), kind, of, 0 }

static const column columns[] = {
    COL(birth_year, BY_CUSTOMER), COL(acquired_day, BY_CUSTOMER),
    COL(first_seen_day, BY_CUSTOMER), COL(region, BY_CUSTOMER), COL(gender, BY_CUSTOMER),
    COL(acquisition_channel, BY_CUSTOMER), COL(account_staff, BY_CUSTOMER),
    COL(customer_type, BY_CUSTOMER), COL(income_band, BY_CUSTOMER),
    OFFSETS(order_offset, CUSTOMER_OFFSETS, BY_ORDER),
    OPTIONAL(order_customer, DG_FRAME_ORDER_CUSTOMER), COL(order_day, BY_ORDER),
    OPTIONAL(order_ts, DG_FRAME_ORDER_TS), COL(order_amount_minor, BY_ORDER),
    OPTIONAL(order_units, DG_FRAME_ORDER_UNITS), OPTIONAL(order_channel, DG_FRAME_ORDER_CHANNEL),
    OPTIONAL(order_payment, DG_FRAME_ORDER_PAYMENT), OPTIONAL(order_site, DG_FRAME_ORDER_SITE),
    OPTIONAL(order_staff, DG_FRAME_ORDER_STAFF),
    OFFSETS(line_offset, ORDER_OFFSETS, BY_LINE),
    COL(line_order, BY_LINE), COL(line_product, BY_LINE), COL(line_quantity, BY_LINE),
    COL(line_amount_minor, BY_LINE),
    COL(product_category, BY_PRODUCT), COL(product_brand, BY_PRODUCT),
    OFFSETS(survey_offset, CUSTOMER_OFFSETS, BY_SURVEY),
    COL(survey_day, BY_SURVEY), COL(survey_nps, BY_SURVEY), COL(survey_csat, BY_SURVEY),
    COL(survey_repurchase, BY_SURVEY), COL(survey_recommend, BY_SURVEY),
    COL(survey_benefit[0], BY_SURVEY), COL(survey_benefit[1], BY_SURVEY),
    COL(survey_benefit[2], BY_SURVEY), COL(survey_cost[0], BY_SURVEY),
    COL(survey_cost[1], BY_SURVEY), COL(survey_cost[2], BY_SURVEY),
    COL(survey_cost[3], BY_SURVEY), COL(survey_touchpoint, BY_SURVEY),
    OFFSETS(feedback_offset, CUSTOMER_OFFSETS, BY_FEEDBACK),
    COL(feedback_day, BY_FEEDBACK), COL(feedback_kind, BY_FEEDBACK),
    COL(feedback_channel, BY_FEEDBACK), COL(feedback_staff, BY_FEEDBACK),
    COL(feedback_rating, BY_FEEDBACK),
    OFFSETS(interaction_offset, CUSTOMER_OFFSETS, BY_INTERACTION),
    COL(interaction_day, BY_INTERACTION), COL(interaction_touchpoint, BY_INTERACTION),
    COL(interaction_kind, BY_INTERACTION), COL(interaction_staff, BY_INTERACTION),
    COL(interaction_rating, BY_INTERACTION),
    OFFSETS(partner_offset, CUSTOMER_OFFSETS, BY_PARTNER),
    COL(partner_day, BY_PARTNER), COL(partner_activity, BY_PARTNER),
    OFFSETS(referral_offset, CUSTOMER_OFFSETS, BY_REFERRAL),
    COL(referral_referred, BY_REFERRAL), COL(referral_day, BY_REFERRAL),
};

#define N_COLUMNS (sizeof columns / sizeof columns[0])

static size_t count_of(const dg_frame *f, count_kind kind)
{
    switch (kind) {
    case BY_CUSTOMER:      return f->n_customers;
    case CUSTOMER_OFFSETS: return f->n_customers + 1;
    case BY_ORDER:         return f->n_orders;
    case ORDER_OFFSETS:    return f->n_orders + 1;
    case BY_LINE:          return f->n_lines;
    case BY_PRODUCT:       return f->products.n;
    case BY_SURVEY:        return f->n_surveys;
    case BY_FEEDBACK:      return f->n_feedback;
    case BY_INTERACTION:   return f->n_interactions;
    case BY_PARTNER:       return f->n_partner;
    case BY_REFERRAL:      return f->n_referrals;
    }
    return 0;
}

static void **slot(dg_frame *f, const column *c)
{
    return (void **)((char *)f + c->offset);
}

/* ---- writing: one pass to measure, one to fill ---- */

typedef struct {
    unsigned char *buf;    /* NULL while measuring */
    size_t len;
    dg__codec_plan plans[N_COLUMNS];   /* each column's encoding, as measured */
} writer;

static void put(writer *w, const void *src, size_t n)
{
    if (w->buf && n > 0)
        memcpy(w->buf + w->len, src, n);
    w->len += n;
}

static void put_u64(writer *w, uint64_t v)
{
    put(w, &v, sizeof v);
}

static void put_text(writer *w, const char *s)
{
    uint32_t n = (uint32_t)strlen(s);
    put(w, &n, sizeof n);
    put(w, s, n);
}

typedef struct {
    int32_t as_of, first_order_day, minor_digits, has_lines;
    char currency[8];              /* 8: no padding between the fields */
    uint64_t n_customers, n_orders, n_lines, n_surveys, n_feedback, n_interactions, n_partner,
        n_referrals;
} scalars;

static void write_frame(writer *w, dg_frame *f)
{
    uint32_t format = DG__FRAME_FORMAT;
    scalars sc = {
        f->as_of, f->first_order_day, f->minor_digits, f->has_lines, { 0 },
        f->n_customers, f->n_orders, f->n_lines, f->n_surveys, f->n_feedback, f->n_interactions,
        f->n_partner, f->n_referrals,
    };
    memcpy(sc.currency, f->currency, sizeof f->currency);
    put(w, magic, sizeof magic);
    put(w, &format, sizeof format);
    put(w, &sc, sizeof sc);
    dg_dict *d[DG__FRAME_DICTS];
    dg__frame_dicts(f, d);
    for (size_t i = 0; i < DG__FRAME_DICTS; i++) {
        put_u64(w, d[i]->n);
        for (size_t code = 1; code < d[i]->n; code++)
            put_text(w, d[i]->values[code]);
    }
    for (size_t c = 0; c < f->n_customers; c++)
        put_text(w, f->customer_id[c]);
    for (size_t i = 0; i < N_COLUMNS; i++) {
        const void *array = *slot(f, &columns[i]);
        unsigned char present = array != NULL;
        put(w, &present, 1);
        if (!present)
            continue;
        size_t n = count_of(f, columns[i].count);
        if (!w->buf)
            w->plans[i] = dg__codec_measure(array, n, columns[i].size);
        put_u64(w, w->plans[i].len);
        if (w->buf)
            dg__codec_encode_planned(array, n, columns[i].size, w->plans[i], w->buf + w->len);
        w->len += w->plans[i].len;
    }
}

int dg__frame_serialize(dg_frame *f, unsigned char **data, size_t *len)
{
    writer w = { 0 };
    write_frame(&w, f);
    *len = w.len;
    if (!(*data = w.buf = malloc(w.len)))
        return DG_ENOMEM;
    w.len = 0;
    write_frame(&w, f);
    return 0;
}

/* ---- copying in memory: the table's arrays, the dictionaries and the customer ids ---- */

static int copy_dicts(dg_frame *to, dg_frame *from)
{
    dg_dict *src[DG__FRAME_DICTS], *dst[DG__FRAME_DICTS];
    dg__frame_dicts(from, src);
    dg__frame_dicts(to, dst);
    for (size_t i = 0; i < DG__FRAME_DICTS; i++) {
        if (dg__dict_init(dst[i]) != 0)
            return DG_ENOMEM;
        for (size_t code = 1; code < src[i]->n; code++) {
            uint32_t got;
            if (dg__dict_intern(dst[i], src[i]->values[code], &got) != 0)
                return DG_ENOMEM;
            assert(got == code);
        }
    }
    return 0;
}

static int copy_arrays(dg_frame *to, dg_frame *from)
{
    if (!(to->customer_id = malloc((from->n_customers ? from->n_customers : 1) *
                                   sizeof *to->customer_id)))
        return DG_ENOMEM;
    for (size_t c = 0; c < from->n_customers; c++, to->n_customers++)
        if (!(to->customer_id[c] = strdup(from->customer_id[c])))
            return DG_ENOMEM;
    for (size_t i = 0; i < N_COLUMNS; i++) {
        const void *array = *slot(from, &columns[i]);
        if (!array)
            continue;
        size_t bytes = count_of(from, columns[i].count) * columns[i].size;
        void *copy = malloc(bytes ? bytes : columns[i].size);
        if (!copy)
            return DG_ENOMEM;
        memcpy(copy, array, bytes);
        *slot(to, &columns[i]) = copy;
    }
    return 0;
}

int dg__frame_copy(dg_frame **out, const dg_frame *frame)
{
    /* a shallow copy of the source, so the table's slots are read without casting const away */
    dg_frame from = *frame;
    dg_frame *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return DG_ENOMEM;
    *f = from;
    f->n_customers = 0;   /* counted up as the ids are copied, for dg_frame_free on failure */
    f->customer_id = NULL;
    f->customer_map = NULL;
    f->window_of = NULL;
    dg_dict *d[DG__FRAME_DICTS];
    dg__frame_dicts(f, d);
    for (size_t i = 0; i < DG__FRAME_DICTS; i++)
        *d[i] = (dg_dict){ 0 };
    for (size_t i = 0; i < N_COLUMNS; i++)
        *slot(f, &columns[i]) = NULL;
    int rc = copy_dicts(f, &from);
    if (rc == 0)
        rc = copy_arrays(f, &from);
    if (rc != 0) {
        dg_frame_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

/* ---- reading, chunk by chunk as the source hands them over ---- */

typedef struct {
    dg__frame_chunk_fn next;
    void *ctx;
    dg_error *err;
    const unsigned char *data;  /* the current chunk */
    size_t len, off;
    size_t left;                /* bytes of the whole not read yet */
    unsigned char *column;      /* the encoded column being read, in one piece */
    size_t column_cap;
    int failed;                 /* the source's error, which err then holds */
} reader;

/* A chunk with bytes left in it, fetched when the current one is used up; a chunk that skip
 * bytes would pass over whole may be handed over unread (data NULL), to be skipped. */
static bool fill_skipping(reader *r, size_t skip)
{
    if (r->off < r->len)
        return true;
    if (r->failed)
        return false;
    const void *data;
    size_t n;
    if ((r->failed = r->next(r->ctx, skip, &data, &n, r->err)) != 0 || n == 0)
        return false;
    r->data = data;
    r->len = n;
    r->off = 0;
    return true;
}

static bool fill(reader *r)
{
    return fill_skipping(r, 0);
}

/* Passes over n bytes, reading no chunk that lies wholly inside them. */
static bool skip(reader *r, size_t n)
{
    if (n > r->left)
        return false;
    while (n > 0) {
        if (!fill_skipping(r, n))
            return false;
        size_t k = r->len - r->off < n ? r->len - r->off : n;
        r->off += k;
        r->left -= k;
        n -= k;
    }
    return true;
}

static bool get(reader *r, void *dst, size_t n)
{
    unsigned char *out = dst;
    if (n > r->left)
        return false;
    while (n > 0) {
        if (!fill(r))
            return false;
        size_t k = r->len - r->off < n ? r->len - r->off : n;
        memcpy(out, r->data + r->off, k);
        r->off += k;
        r->left -= k;
        out += k;
        n -= k;
    }
    return true;
}

/* A string of the data, NUL-terminated, into a new allocation (NULL when short or no memory). */
static char *get_text(reader *r)
{
    uint32_t n;
    if (!get(r, &n, sizeof n) || n > r->left)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s && !get(r, s, n)) {
        free(s);
        return NULL;
    }
    if (s)
        s[n] = '\0';
    return s;
}

/* The source's own error (a chunk that fails its checksum) when it failed, else DG_EPARSE. */
static int bad(reader *r, const char *what)
{
    if (r->failed)
        return r->failed;
    return dg_error_set(r->err, DG_EPARSE, "the frame snapshot is damaged: %s", what);
}

static int read_dicts(reader *r, dg_frame *f)
{
    dg_dict *d[DG__FRAME_DICTS];
    dg__frame_dicts(f, d);
    for (size_t i = 0; i < DG__FRAME_DICTS; i++) {
        uint64_t n;
        if (dg__dict_init(d[i]) != 0)
            return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame snapshot");
        if (!get(r, &n, sizeof n) || n == 0 || n > r->left)
            return bad(r, "a dictionary's size");
        for (uint64_t code = 1; code < n; code++) {
            char *value = get_text(r);
            uint32_t got;
            int rc = value ? dg__dict_intern(d[i], value, &got) : DG_EPARSE;
            free(value);
            if (rc != 0 || got != code)
                return bad(r, "a dictionary's values");
        }
    }
    return 0;
}

/* The customer ids, made into strings on a thread of their own while the columns are decoded:
 * the reader copies their bytes (each a 32-bit length and the bytes) out of the chunks first. A
 * store's ids come in increasing order (its key's), searched by halves (dg_frame_customer_index),
 * so no hash map is built for them; ids in any other order get one once the thread is done. */
typedef struct customer_ids {
    dg_frame *f;
    unsigned char *bytes;
    size_t n, len;
    bool increasing;
    int rc;              /* 0 or DG_ENOMEM */
    pthread_t thread;
    bool started;
} customer_ids;

/* The fewest customers whose ids are made on a thread beside the columns' decoding. */
#define IDS_THREAD_MIN 16384

static void *make_ids(void *arg)
{
    customer_ids *ids = arg;
    dg_frame *f = ids->f;
    size_t at = 0;
    ids->increasing = true;
    for (size_t c = 0; c < ids->n; c++) {
        uint32_t len;
        memcpy(&len, ids->bytes + at, sizeof len);
        at += sizeof len;
        if (!(f->customer_id[c] = malloc((size_t)len + 1))) {
            ids->rc = DG_ENOMEM;
            return NULL;
        }
        memcpy(f->customer_id[c], ids->bytes + at, len);
        f->customer_id[c][len] = '\0';
        at += len;
        if (c > 0 && ids->increasing && strcmp(f->customer_id[c - 1], f->customer_id[c]) >= 0)
            ids->increasing = false;
    }
    return NULL;
}

/* Copies the n ids' bytes and starts the thread (or makes them here when none starts). */
static int start_customers(reader *r, dg_frame *f, size_t n, customer_ids *ids)
{
    size_t cap = 1;
    if (n > r->left || !(f->customer_id = calloc(n ? n : 1, sizeof *f->customer_id)) ||
        !(ids->bytes = malloc(cap)))
        return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame snapshot");
    f->n_customers = n;
    ids->f = f;
    ids->n = n;
    for (size_t c = 0; c < n; c++) {
        uint32_t len;
        if (!get(r, &len, sizeof len) || len > r->left)
            return bad(r, "a customer id");
        if (ids->len + sizeof len + len > cap) {
            while (ids->len + sizeof len + len > cap)
                cap *= 2;
            unsigned char *grown = realloc(ids->bytes, cap);
            if (!grown)
                return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame "
                                    "snapshot");
            ids->bytes = grown;
        }
        memcpy(ids->bytes + ids->len, &len, sizeof len);
        if (!get(r, ids->bytes + ids->len + sizeof len, len))
            return bad(r, "a customer id");
        ids->len += sizeof len + len;
    }
    /* a thread of its own only where it pays for its start (tens of microseconds): a small
     * store's ids are made at once */
    ids->started = n >= IDS_THREAD_MIN && pthread_create(&ids->thread, NULL, make_ids, ids) == 0;
    if (!ids->started)
        make_ids(ids);
    return 0;
}

/* Waits for the ids (rc: the reading's code so far) and builds their map when out of order. */
static int finish_customers(reader *r, dg_frame *f, customer_ids *ids, int rc)
{
    if (ids->started)
        pthread_join(ids->thread, NULL);
    free(ids->bytes);
    if (rc != 0)
        return rc;
    if (ids->rc != 0)
        return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame snapshot");
    if (ids->increasing)
        return 0;
    size_t n = f->n_customers;
    if (!(f->customer_map = dg__strmap_new_sized(n)))
        return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame snapshot");
    for (size_t c = 0; c < n; c++) {
        int put = dg__strmap_put_new(f->customer_map, f->customer_id[c], (uint32_t)c);
        if (put == DG_ENOMEM)
            return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame snapshot");
        if (put != 0)
            return bad(r, "a customer id twice");
    }
    return 0;
}

/* The next n bytes (a column's encoding) in one piece, in the reader's buffer: 0, DG_ENOMEM, or
 * bad()'s code when they run short. */
static int get_column(reader *r, size_t n)
{
    if (n > r->column_cap || !r->column) {
        unsigned char *grown = realloc(r->column, n ? n : 1);
        if (!grown)
            return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame snapshot");
        r->column = grown;
        r->column_cap = n;
    }
    return get(r, r->column, n) ? 0 : bad(r, "a column cut short");
}

/* An offsets array runs from 0 up to the number of rows, never down. */
static bool offsets_ok(const size_t *offsets, size_t n, size_t rows)
{
    if (offsets[0] != 0 || offsets[n - 1] != rows)
        return false;
    for (size_t i = 1; i < n; i++)
        if (offsets[i] < offsets[i - 1])
            return false;
    return true;
}

/* The columns; an optional one that wanted (a DG_FRAME_ORDER_* mask, 0: all) leaves out is
 * skipped unread. */
static int read_columns(reader *r, dg_frame *f, unsigned wanted)
{
    for (size_t i = 0; i < N_COLUMNS; i++) {
        const column *c = &columns[i];
        unsigned char present;
        uint64_t encoded;
        if (!get(r, &present, 1) || present > 1)
            return bad(r, "a column's marker");
        if (!present)
            continue;
        if (!get(r, &encoded, sizeof encoded) || encoded > r->left)
            return bad(r, "a column's length");
        if (wanted && c->optional && !(wanted & c->optional)) {
            if (!skip(r, (size_t)encoded))
                return bad(r, "a column cut short");
            continue;
        }
        size_t n = count_of(f, c->count);
        /* every block of values takes at least 2 bytes (its reference and width) */
        if ((n + DG__CODEC_BLOCK - 1) / DG__CODEC_BLOCK > encoded / 2 + 1 || n > SIZE_MAX / 8)
            return bad(r, "a column shorter than its count");
        void *array = calloc(n ? n : 1, c->size);   /* zeros: the decoder writes no zero block */
        if (!array)
            return dg_error_set(r->err, DG_ENOMEM, "out of memory reading the frame snapshot");
        *slot(f, c) = array;
        int rc = get_column(r, (size_t)encoded);
        if (rc != 0)
            return rc;
        if (!dg__codec_decode(array, n, c->size, r->column, (size_t)encoded, 0))
            return bad(r, "a column badly encoded");
        if (c->count != c->rows && !offsets_ok(array, n, count_of(f, c->rows)))
            return bad(r, "an offsets array out of order");
    }
    return 0;
}

int dg__frame_deserialize(dg__frame_chunk_fn next, void *ctx, size_t total, unsigned wanted,
                          dg_frame **out, dg_error *err)
{
    reader rd = { .next = next, .ctx = ctx, .err = err, .left = total }, *r = &rd;
    char word[sizeof magic];
    uint32_t format = 0;
    scalars sc;
    *out = NULL;
    if (!get(r, word, sizeof word) || memcmp(word, magic, sizeof magic) != 0)
        return bad(r, "not a frame");
    if (!get(r, &format, sizeof format))
        return bad(r, "no format");
    if (format != DG__FRAME_FORMAT)
        return dg_error_set(err, DG_EPARSE, "the frame snapshot has format %u, this dangol "
                            "reads %d", (unsigned)format, DG__FRAME_FORMAT);
    if (!get(r, &sc, sizeof sc))
        return bad(r, "its header is cut short");
    dg_frame *f = calloc(1, sizeof *f);
    if (!f)
        return dg_error_set(err, DG_ENOMEM, "out of memory reading the frame snapshot");
    f->as_of = sc.as_of;
    f->first_order_day = sc.first_order_day;
    f->minor_digits = sc.minor_digits;
    f->has_lines = sc.has_lines != 0;
    memcpy(f->currency, sc.currency, sizeof f->currency);
    f->currency[3] = '\0';
    f->n_orders = sc.n_orders;
    f->n_lines = sc.n_lines;
    f->n_surveys = sc.n_surveys;
    f->n_feedback = sc.n_feedback;
    f->n_interactions = sc.n_interactions;
    f->n_partner = sc.n_partner;
    f->n_referrals = sc.n_referrals;
    int rc = read_dicts(r, f);
    customer_ids ids = { 0 };
    if (rc == 0)
        rc = start_customers(r, f, sc.n_customers, &ids);
    if (rc == 0)
        rc = read_columns(r, f, wanted);
    rc = finish_customers(r, f, &ids, rc);
    free(r->column);
    if (rc == 0 && (r->left != 0 || fill(r) || r->failed))   /* the source must end here too */
        rc = bad(r, "bytes after its last column");
    if (rc != 0) {
        dg_frame_free(f);
        return rc;
    }
    *out = f;
    return 0;
}
