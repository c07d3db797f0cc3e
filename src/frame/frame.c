/* The frame builder (include/dangol/frame.h). Rows are appended, unsorted, straight into the
 * frame's own column arrays, beside two builder-only arrays per kind of row: the owner (the raw
 * index of the customer, or of the order for lines) and a sort key (the time). finish() drops
 * what lies after as_of, renumbers the kept customers densely, and regroups each kind of row by
 * owner with a stable counting sort followed by a sort of each owner's run on (key, arrival),
 * then gathers every column through that permutation, one column at a time so the peak memory
 * is the raw columns plus one. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/frame.h"
#include "frame/snapshot.h"
#include "frame/dict.h"

#define MAX_COLS 16
#define NO_INDEX UINT32_MAX

typedef struct {
    void **field;      /* address of the frame's column pointer */
    size_t size;       /* element size */
} colref;

/* One kind of row while it is being collected. */
typedef struct {
    size_t n, cap;
    uint32_t *owner;   /* raw owner index */
    int64_t *key;      /* sort key within an owner */
    int32_t **day;     /* the frame's day column (filtered by as_of), or NULL */
    colref cols[MAX_COLS];
    size_t n_cols;
} rawset;

struct dg_frame_builder {
    dg_frame *f;
    bool with_lines;
    size_t cap_customers;
    int32_t *seen;                /* [customers] earliest day of any activity, raw index */
    uint32_t last_customer;       /* cache: orders come in runs of one customer */
    int32_t last_day;             /* latest day of an order, survey, feedback or interaction */
    rawset orders, lines, surveys, feedback, interactions, partner, referrals;
    size_t cap_products;
    dg__arena order_ids;          /* with_lines: each order's id, by raw index (NULL: none) */
    const char **order_id_at;
    size_t cap_order_ids;
    dg__strmap *order_map;        /* order id -> raw order index, made at the first line */
};

#define N_DICTS DG__FRAME_DICTS

void dg__frame_dicts(dg_frame *f, dg_dict *out[DG__FRAME_DICTS])
{
    dg_dict *all[N_DICTS] = {
        &f->regions, &f->genders, &f->channels, &f->staff, &f->customer_types, &f->income_bands,
        &f->payments, &f->sites, &f->products, &f->categories, &f->brands, &f->touchpoints,
        &f->feedback_kinds, &f->interaction_kinds, &f->partner_activities,
    };
    memcpy(out, all, sizeof all);
}

static void add_col(rawset *r, void *field, size_t size)
{
    assert(r->n_cols < MAX_COLS);
    r->cols[r->n_cols++] = (colref){ (void **)field, size };
}

static void describe(dg_frame_builder *b)
{
    dg_frame *f = b->f;
    rawset *r = &b->orders;
    r->day = &f->order_day;
    add_col(r, &f->order_day, sizeof *f->order_day);
    add_col(r, &f->order_ts, sizeof *f->order_ts);
    add_col(r, &f->order_amount_minor, sizeof *f->order_amount_minor);
    add_col(r, &f->order_units, sizeof *f->order_units);
    add_col(r, &f->order_channel, sizeof *f->order_channel);
    add_col(r, &f->order_payment, sizeof *f->order_payment);
    add_col(r, &f->order_site, sizeof *f->order_site);
    add_col(r, &f->order_staff, sizeof *f->order_staff);

    r = &b->lines;
    add_col(r, &f->line_product, sizeof *f->line_product);
    add_col(r, &f->line_quantity, sizeof *f->line_quantity);
    add_col(r, &f->line_amount_minor, sizeof *f->line_amount_minor);

    r = &b->surveys;
    r->day = &f->survey_day;
    add_col(r, &f->survey_day, sizeof *f->survey_day);
    add_col(r, &f->survey_nps, 1);
    add_col(r, &f->survey_csat, 1);
    add_col(r, &f->survey_repurchase, 1);
    add_col(r, &f->survey_recommend, 1);
    for (int i = 0; i < 3; i++)
        add_col(r, &f->survey_benefit[i], 1);
    for (int i = 0; i < 4; i++)
        add_col(r, &f->survey_cost[i], 1);
    add_col(r, &f->survey_touchpoint, sizeof *f->survey_touchpoint);

    r = &b->feedback;
    r->day = &f->feedback_day;
    add_col(r, &f->feedback_day, sizeof *f->feedback_day);
    add_col(r, &f->feedback_kind, sizeof *f->feedback_kind);
    add_col(r, &f->feedback_channel, sizeof *f->feedback_channel);
    add_col(r, &f->feedback_staff, sizeof *f->feedback_staff);
    add_col(r, &f->feedback_rating, 1);

    r = &b->interactions;
    r->day = &f->interaction_day;
    add_col(r, &f->interaction_day, sizeof *f->interaction_day);
    add_col(r, &f->interaction_touchpoint, sizeof *f->interaction_touchpoint);
    add_col(r, &f->interaction_kind, sizeof *f->interaction_kind);
    add_col(r, &f->interaction_staff, sizeof *f->interaction_staff);
    add_col(r, &f->interaction_rating, 1);

    r = &b->partner;
    r->day = &f->partner_day;
    add_col(r, &f->partner_day, sizeof *f->partner_day);
    add_col(r, &f->partner_activity, sizeof *f->partner_activity);

    r = &b->referrals;
    r->day = &f->referral_day;
    add_col(r, &f->referral_day, sizeof *f->referral_day);
    add_col(r, &f->referral_referred, sizeof *f->referral_referred);
}

static void rawset_free(rawset *r)
{
    free(r->owner);
    free(r->key);
    r->owner = NULL;
    r->key = NULL;
    r->n = r->cap = 0;
}

/* Makes room for one more row; its index is r->n (the caller fills it, then r->n++). */
static int rawset_reserve(rawset *r)
{
    if (r->n < r->cap)
        return 0;
    size_t cap = r->cap ? 2 * r->cap : 256;
    void *p;
    if (!(p = realloc(r->owner, cap * sizeof *r->owner)))
        return DG_ENOMEM;
    r->owner = p;
    if (!(p = realloc(r->key, cap * sizeof *r->key)))
        return DG_ENOMEM;
    r->key = p;
    for (size_t c = 0; c < r->n_cols; c++) {
        if (!(p = realloc(*r->cols[c].field, cap * r->cols[c].size)))
            return DG_ENOMEM;
        *r->cols[c].field = p;
    }
    r->cap = cap;
    return 0;
}

static int nomem(dg_error *err)
{
    return dg_error_set(err, DG_ENOMEM, "out of memory while building the frame");
}

int dg_frame_builder_new(dg_frame_builder **out, int32_t as_of, bool with_lines, dg_error *err)
{
    dg_frame_builder *b = calloc(1, sizeof *b);
    *out = NULL;
    if (!b || !(b->f = calloc(1, sizeof *b->f)))
        goto fail;
    dg_dict *d[N_DICTS];
    dg__frame_dicts(b->f, d);
    for (size_t i = 0; i < N_DICTS; i++)
        if (dg__dict_init(d[i]) != 0)
            goto fail;
    if (!(b->f->customer_map = dg__strmap_new()))
        goto fail;
    b->f->as_of = as_of;
    b->f->first_order_day = DG_DAY_NONE;
    b->f->has_lines = with_lines;
    snprintf(b->f->currency, sizeof b->f->currency, "KRW");
    b->with_lines = with_lines;
    b->last_customer = NO_INDEX;
    b->last_day = DG_DAY_NONE;
    describe(b);
    *out = b;
    return 0;
fail:
    dg_frame_builder_free(b);
    return nomem(err);
}

void dg_frame_builder_free(dg_frame_builder *b)
{
    if (!b)
        return;
    rawset *sets[] = { &b->orders, &b->lines, &b->surveys, &b->feedback, &b->interactions,
                       &b->partner, &b->referrals };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        rawset_free(sets[i]);
    free(b->seen);
    dg__strmap_free(b->order_map);
    free(b->order_id_at);
    dg__arena_free(&b->order_ids);
    dg_frame_free(b->f);
    free(b);
}

void dg_frame_builder_set_currency(dg_frame_builder *b, const char *code, int minor_digits)
{
    snprintf(b->f->currency, sizeof b->f->currency, "%s", code);
    b->f->minor_digits = minor_digits;
}

static int grow_customers(dg_frame_builder *b)
{
    dg_frame *f = b->f;
    if (f->n_customers < b->cap_customers)
        return 0;
    size_t cap = b->cap_customers ? 2 * b->cap_customers : 256;
    void **fields[] = { (void **)&f->customer_id, (void **)&f->birth_year,
                        (void **)&f->acquired_day, (void **)&f->first_seen_day,
                        (void **)&f->region, (void **)&f->gender,
                        (void **)&f->acquisition_channel, (void **)&f->account_staff,
                        (void **)&f->customer_type, (void **)&f->income_band, (void **)&b->seen };
    size_t sizes[] = { sizeof(char *), 4, 4, 4, 4, 4, 4, 4, 4, 4, 4 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *p = realloc(*fields[i], cap * sizes[i]);
        if (!p)
            return DG_ENOMEM;
        *fields[i] = p;
    }
    b->cap_customers = cap;
    return 0;
}

int dg_frame_add_customer(dg_frame_builder *b, const dg_frame_customer_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    if (!in->customer_id || !*in->customer_id)
        return dg_error_set(err, DG_EINVAL, "a customer without a customer_id");
    if (grow_customers(b) != 0)
        return nomem(err);
    size_t c = f->n_customers;
    char *id = strdup(in->customer_id);
    if (!id)
        return nomem(err);
    int rc = dg__strmap_put_new(f->customer_map, id, (uint32_t)c);
    if (rc != 0) {
        free(id);
        return rc == DG_EEXIST ? dg_error_set(err, DG_EEXIST, "customer \"%s\" added twice",
                                              in->customer_id)
                               : nomem(err);
    }
    f->customer_id[c] = id;
    f->birth_year[c] = in->birth_year;
    f->acquired_day[c] = in->has_acquired_day ? in->acquired_day : DG_DAY_NONE;
    b->seen[c] = f->acquired_day[c];
    if (dg__dict_intern(&f->regions, in->region, &f->region[c]) ||
        dg__dict_intern(&f->genders, in->gender, &f->gender[c]) ||
        dg__dict_intern(&f->channels, in->acquisition_channel, &f->acquisition_channel[c]) ||
        dg__dict_intern(&f->staff, in->staff_id, &f->account_staff[c]) ||
        dg__dict_intern(&f->customer_types, in->customer_type, &f->customer_type[c]) ||
        dg__dict_intern(&f->income_bands, in->income_band, &f->income_band[c])) {
        f->n_customers++;   /* the id is in the map: dg_frame_free frees it */
        return nomem(err);
    }
    f->n_customers++;
    return 0;
}

/* Raw index of the customer called id, noting that it was active on day. */
static int customer_of(dg_frame_builder *b, const char *id, int32_t day, uint32_t *out,
                       dg_error *err)
{
    dg_frame *f = b->f;
    if (!id)
        return dg_error_set(err, DG_EINVAL, "a row without a customer_id");
    uint32_t c = b->last_customer;
    if (c == NO_INDEX || strcmp(f->customer_id[c], id) != 0) {
        int64_t found = dg__strmap_get(f->customer_map, id);
        if (found < 0)
            return dg_error_set(err, DG_ENOTFOUND, "customer \"%s\" is not in the frame", id);
        c = b->last_customer = (uint32_t)found;
    }
    if (b->seen[c] == DG_DAY_NONE || day < b->seen[c])
        b->seen[c] = day;
    *out = c;
    return 0;
}

/* A dated row (order, survey, feedback, interaction) on day: the frame of the latest day ends
 * on the latest of them (dg_store_last_day's rule). */
static void note_day(dg_frame_builder *b, int32_t day)
{
    if (day > b->last_day)
        b->last_day = day;
}

/* Claims the next row of r for the customer called id (active on day), with sort key key; the
 * caller fills the frame's columns at *slot, then r->n++. */
static int claim_row(dg_frame_builder *b, rawset *r, const char *id, int32_t day, int64_t key,
                     size_t *slot, dg_error *err)
{
    uint32_t c = NO_INDEX;
    int rc = customer_of(b, id, day, &c, err);
    if (rc != 0)
        return rc;
    if (rawset_reserve(r) != 0)
        return nomem(err);
    *slot = r->n;
    r->owner[*slot] = c;
    r->key[*slot] = key;
    return 0;
}

/* Adds the id of order i (NULL: none) to the order map; 0, DG_EEXIST or DG_ENOMEM. */
static int map_order(dg_frame_builder *b, const char *id, size_t i, dg_error *err)
{
    int rc = id ? dg__strmap_put_new(b->order_map, id, (uint32_t)i) : 0;
    if (rc == DG_EEXIST)
        return dg_error_set(err, DG_EEXIST, "order \"%s\" added twice", id);
    return rc ? nomem(err) : 0;
}

/* Keeps the id of raw order i for the lines. The map from ids to orders is made only when the
 * first line comes (most stores' frames have none, and hashing millions of ids costs a tenth of
 * a rebuild); after that each id goes straight into it. */
static int keep_order_id(dg_frame_builder *b, const char *id, size_t i, dg_error *err)
{
    if (b->cap_order_ids < b->orders.cap) {
        const char **grown = realloc(b->order_id_at, b->orders.cap * sizeof *grown);
        if (!grown)
            return nomem(err);
        b->order_id_at = grown;
        b->cap_order_ids = b->orders.cap;
    }
    const char *copy = id ? dg__arena_strdup(&b->order_ids, id) : NULL;
    if (id && !copy)
        return nomem(err);
    b->order_id_at[i] = copy;
    return b->order_map ? map_order(b, copy, i, err) : 0;
}

/* The map from order ids to raw orders, made now if it is not yet. */
static int order_map_made(dg_frame_builder *b, dg_error *err)
{
    if (b->order_map)
        return 0;
    if (!(b->order_map = dg__strmap_new_sized(b->orders.n)))
        return nomem(err);
    int rc = 0;
    for (size_t i = 0; i < b->orders.n && rc == 0; i++)
        rc = map_order(b, b->order_id_at[i], i, err);
    return rc;
}

int dg_frame_add_order(dg_frame_builder *b, const dg_frame_order_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    rawset *r = &b->orders;
    int32_t day = dg_day_of(in->ordered_at);
    size_t i;
    int rc = claim_row(b, r, in->customer_id, day, in->ordered_at, &i, err);
    if (rc != 0)
        return rc;
    note_day(b, day);
    f->order_day[i] = day;
    f->order_ts[i] = in->ordered_at;
    f->order_amount_minor[i] = in->amount_minor;
    f->order_units[i] = in->units;
    if (dg__dict_intern(&f->channels, in->channel, &f->order_channel[i]) ||
        dg__dict_intern(&f->payments, in->payment_method, &f->order_payment[i]) ||
        dg__dict_intern(&f->sites, in->site, &f->order_site[i]) ||
        dg__dict_intern(&f->staff, in->staff_id, &f->order_staff[i]))
        return nomem(err);
    if (b->with_lines && (rc = keep_order_id(b, in->order_id, i, err)) != 0)
        return rc;
    r->n++;
    return 0;
}

static int grow_products(dg_frame_builder *b)
{
    dg_frame *f = b->f;
    if (f->products.n <= b->cap_products)
        return 0;
    size_t cap = b->cap_products ? 2 * b->cap_products : 256;
    while (cap < f->products.n)
        cap *= 2;
    void *p = realloc(f->product_category, cap * sizeof *f->product_category);
    if (!p)
        return DG_ENOMEM;
    f->product_category = p;
    if (!(p = realloc(f->product_brand, cap * sizeof *f->product_brand)))
        return DG_ENOMEM;
    f->product_brand = p;
    for (size_t i = b->cap_products; i < cap; i++)
        f->product_category[i] = f->product_brand[i] = 0;
    b->cap_products = cap;
    return 0;
}

int dg_frame_add_product(dg_frame_builder *b, const dg_frame_product_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    uint32_t code, category, brand;
    if (dg__dict_intern(&f->products, in->product_id, &code) ||
        dg__dict_intern(&f->categories, in->category, &category) ||
        dg__dict_intern(&f->brands, in->brand, &brand) || grow_products(b))
        return nomem(err);
    f->product_category[code] = category;
    f->product_brand[code] = brand;
    return 0;
}

int dg_frame_add_line(dg_frame_builder *b, const dg_frame_line_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    rawset *r = &b->lines;
    if (!b->with_lines)
        return dg_error_set(err, DG_EINVAL, "the frame builder was created without order lines");
    int rc = order_map_made(b, err);
    if (rc != 0)
        return rc;
    int64_t order = in->order_id ? dg__strmap_get(b->order_map, in->order_id) : -1;
    if (order < 0)
        return dg_error_set(err, DG_ENOTFOUND, "order \"%s\" is not in the frame",
                            in->order_id ? in->order_id : "");
    if (rawset_reserve(r) != 0)
        return nomem(err);
    size_t i = r->n;
    r->owner[i] = (uint32_t)order;
    r->key[i] = in->line_no;
    if (dg__dict_intern(&f->products, in->product_id, &f->line_product[i]) || grow_products(b))
        return nomem(err);
    f->line_quantity[i] = in->quantity;
    f->line_amount_minor[i] = in->amount_minor;
    r->n++;
    return 0;
}

static int8_t scale_item(int v, int lo, int hi, int missing)
{
    return (int8_t)(v >= lo && v <= hi ? v : missing);
}

int dg_frame_add_survey(dg_frame_builder *b, const dg_frame_survey_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    rawset *r = &b->surveys;
    size_t i;
    int rc = claim_row(b, r, in->customer_id, in->day, in->day, &i, err);
    if (rc != 0)
        return rc;
    note_day(b, in->day);
    f->survey_day[i] = in->day;
    f->survey_nps[i] = in->has_nps ? scale_item(in->nps, 0, 10, -1) : -1;
    f->survey_csat[i] = scale_item(in->csat, 1, 5, 0);
    f->survey_repurchase[i] = scale_item(in->repurchase_intent, 1, 5, 0);
    f->survey_recommend[i] = scale_item(in->recommend_intent, 1, 5, 0);
    for (int k = 0; k < 3; k++)
        f->survey_benefit[k][i] = scale_item(in->benefit[k], 1, 5, 0);
    for (int k = 0; k < 4; k++)
        f->survey_cost[k][i] = scale_item(in->cost[k], 1, 5, 0);
    if (dg__dict_intern(&f->touchpoints, in->touchpoint, &f->survey_touchpoint[i]))
        return nomem(err);
    r->n++;
    return 0;
}

int dg_frame_add_feedback(dg_frame_builder *b, const dg_frame_feedback_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    rawset *r = &b->feedback;
    int32_t day = dg_day_of(in->received_at);
    size_t i;
    int rc = claim_row(b, r, in->customer_id, day, in->received_at, &i, err);
    if (rc != 0)
        return rc;
    note_day(b, day);
    f->feedback_day[i] = day;
    f->feedback_rating[i] = scale_item(in->rating, 1, 5, 0);
    if (dg__dict_intern(&f->feedback_kinds, in->kind, &f->feedback_kind[i]) ||
        dg__dict_intern(&f->channels, in->channel, &f->feedback_channel[i]) ||
        dg__dict_intern(&f->staff, in->staff_id, &f->feedback_staff[i]))
        return nomem(err);
    r->n++;
    return 0;
}

int dg_frame_add_interaction(dg_frame_builder *b, const dg_frame_interaction_in *in,
                             dg_error *err)
{
    dg_frame *f = b->f;
    rawset *r = &b->interactions;
    int32_t day = dg_day_of(in->occurred_at);
    size_t i;
    int rc = claim_row(b, r, in->customer_id, day, in->occurred_at, &i, err);
    if (rc != 0)
        return rc;
    note_day(b, day);
    f->interaction_day[i] = day;
    f->interaction_rating[i] = scale_item(in->rating, 1, 5, 0);
    if (dg__dict_intern(&f->touchpoints, in->touchpoint, &f->interaction_touchpoint[i]) ||
        dg__dict_intern(&f->interaction_kinds, in->kind, &f->interaction_kind[i]) ||
        dg__dict_intern(&f->staff, in->staff_id, &f->interaction_staff[i]))
        return nomem(err);
    r->n++;
    return 0;
}

int dg_frame_add_referral(dg_frame_builder *b, const dg_frame_referral_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    rawset *r = &b->referrals;
    int64_t referred = in->referred_id ? dg__strmap_get(f->customer_map, in->referred_id) : -1;
    if (referred < 0)
        return dg_error_set(err, DG_ENOTFOUND, "customer \"%s\" is not in the frame",
                            in->referred_id ? in->referred_id : "");
    size_t i;
    int rc = claim_row(b, r, in->referrer_id, in->day, in->day, &i, err);
    if (rc != 0)
        return rc;
    f->referral_day[i] = in->day;
    f->referral_referred[i] = (uint32_t)referred;
    r->n++;
    return 0;
}

int dg_frame_add_partner(dg_frame_builder *b, const dg_frame_partner_in *in, dg_error *err)
{
    dg_frame *f = b->f;
    rawset *r = &b->partner;
    size_t i;
    int rc = claim_row(b, r, in->customer_id, in->day, in->day, &i, err);
    if (rc != 0)
        return rc;
    f->partner_day[i] = in->day;
    if (dg__dict_intern(&f->partner_activities, in->activity, &f->partner_activity[i]))
        return nomem(err);
    r->n++;
    return 0;
}

/* ---- finish ---- */

typedef struct {
    const int64_t *key;
} run_ctx;

static int by_key(const void *a, const void *b, void *ctx)
{
    const int64_t *key = ((const run_ctx *)ctx)->key;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    if (key[i] != key[j])
        return key[i] < key[j] ? -1 : 1;
    return (i > j) - (i < j);
}

/* Sorts a run of raw row indices by (key, index); insertion sort for the usual short runs. */
static void sort_run(uint32_t *run, size_t n, const int64_t *key)
{
    if (n > 32) {
        run_ctx ctx = { key };
        qsort_r(run, n, sizeof *run, by_key, &ctx);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t v = run[i];
        size_t j = i;
        while (j > 0 && (key[run[j - 1]] > key[v] || (key[run[j - 1]] == key[v] && run[j - 1] > v))) {
            run[j] = run[j - 1];
            j--;
        }
        run[j] = v;
    }
}

static int gather(void **field, size_t size, const uint32_t *perm, size_t n)
{
    void *old = *field;
    void *out = malloc(n ? n * size : 1);
    if (!out)
        return DG_ENOMEM;
    switch (size) {
    case 1:
        for (size_t k = 0; k < n; k++)
            ((int8_t *)out)[k] = ((const int8_t *)old)[perm[k]];
        break;
    case 4:
        for (size_t k = 0; k < n; k++)
            ((uint32_t *)out)[k] = ((const uint32_t *)old)[perm[k]];
        break;
    case 8:
        for (size_t k = 0; k < n; k++)
            ((uint64_t *)out)[k] = ((const uint64_t *)old)[perm[k]];
        break;
    default:
        for (size_t k = 0; k < n; k++)
            memcpy((char *)out + k * size, (const char *)old + perm[k] * size, size);
        break;
    }
    free(old);
    *field = out;
    return 0;
}

/* Regroups r by new owner: owner_map[raw owner] is the new owner index or NO_INDEX (dropped);
 * rows after as_of are dropped too. Fills offsets[n_owners + 1] and, if perm_out, hands back the
 * permutation (new row -> raw row). */
static int regroup(rawset *r, const uint32_t *owner_map, size_t n_owners, int32_t as_of,
                   size_t **offsets_out, uint32_t **perm_out, size_t *n_out)
{
    size_t *offsets = calloc(n_owners + 1, sizeof *offsets);
    uint32_t *perm = NULL;
    if (!offsets)
        return DG_ENOMEM;
    const int32_t *day = r->day ? *r->day : NULL;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t o = owner_map[r->owner[i]];
        if (o == NO_INDEX || (day && day[i] > as_of)) {
            r->owner[i] = NO_INDEX;
            continue;
        }
        r->owner[i] = o;
        offsets[o + 1]++;
    }
    for (size_t o = 0; o < n_owners; o++)
        offsets[o + 1] += offsets[o];
    size_t kept = offsets[n_owners];
    if (!(perm = malloc((kept ? kept : 1) * sizeof *perm))) {
        free(offsets);
        return DG_ENOMEM;
    }
    size_t *next = malloc((n_owners + 1) * sizeof *next);
    if (!next) {
        free(offsets);
        free(perm);
        return DG_ENOMEM;
    }
    memcpy(next, offsets, (n_owners + 1) * sizeof *next);
    for (size_t i = 0; i < r->n; i++)
        if (r->owner[i] != NO_INDEX)
            perm[next[r->owner[i]]++] = (uint32_t)i;
    free(next);
    for (size_t o = 0; o < n_owners; o++)
        if (offsets[o + 1] - offsets[o] > 1)
            sort_run(perm + offsets[o], offsets[o + 1] - offsets[o], r->key);
    for (size_t c = 0; c < r->n_cols; c++)
        if (gather(r->cols[c].field, r->cols[c].size, perm, kept) != 0) {
            free(offsets);
            free(perm);
            return DG_ENOMEM;
        }
    *offsets_out = offsets;
    *n_out = kept;
    if (perm_out)
        *perm_out = perm;
    else
        free(perm);
    rawset_free(r);
    return 0;
}

/* The customers kept at as_of, renumbered densely in arrival order; ids of the others freed. */
static int compact_customers(dg_frame_builder *b, uint32_t **map_out)
{
    dg_frame *f = b->f;
    size_t n_raw = f->n_customers;
    uint32_t *map = malloc((n_raw ? n_raw : 1) * sizeof *map);
    uint32_t *perm = malloc((n_raw ? n_raw : 1) * sizeof *perm);
    if (!map || !perm) {
        free(map);
        free(perm);
        return DG_ENOMEM;
    }
    size_t kept = 0;
    for (size_t c = 0; c < n_raw; c++) {
        f->first_seen_day[c] = b->seen[c];
        if (b->seen[c] == DG_DAY_NONE || b->seen[c] <= f->as_of) {
            perm[kept] = (uint32_t)c;
            map[c] = (uint32_t)kept++;
        } else {
            map[c] = NO_INDEX;
            free(f->customer_id[c]);
        }
    }
    if (kept == n_raw) {   /* every customer kept, in place: the columns and map stand */
        free(perm);
        *map_out = map;
        return 0;
    }
    void **fields[] = { (void **)&f->customer_id, (void **)&f->birth_year,
                        (void **)&f->acquired_day, (void **)&f->first_seen_day,
                        (void **)&f->region, (void **)&f->gender,
                        (void **)&f->acquisition_channel, (void **)&f->account_staff,
                        (void **)&f->customer_type, (void **)&f->income_band };
    size_t sizes[] = { sizeof(char *), 4, 4, 4, 4, 4, 4, 4, 4, 4 };
    /* customer_id goes first: once it is gathered, n_customers = kept is what dg_frame_free
     * must see; if that very gather fails, the kept ids leak rather than being freed twice */
    int rc = gather(fields[0], sizes[0], perm, kept);
    f->n_customers = rc == 0 ? kept : 0;
    for (size_t i = 1; rc == 0 && i < sizeof sizes / sizeof sizes[0]; i++)
        rc = gather(fields[i], sizes[i], perm, kept);
    free(perm);
    dg__strmap *renumbered = rc == 0 ? dg__strmap_renumbered(f->customer_map, map, kept,
                                                             f->customer_id) : NULL;
    dg__strmap_free(f->customer_map);
    f->customer_map = renumbered;
    if (rc == 0 && !renumbered)
        rc = DG_ENOMEM;
    if (rc != 0) {
        free(map);
        return rc;
    }
    *map_out = map;
    return 0;
}

int dg_frame_builder_finish(dg_frame **out, dg_frame_builder *b, dg_error *err)
{
    dg_frame *f = b->f;
    uint32_t *customer_map = NULL, *order_perm = NULL, *order_map = NULL;
    int rc = 0;
    *out = NULL;
    size_t n_raw_customers = f->n_customers;
    size_t n_raw_orders = b->orders.n;
    if (f->as_of == DG_DAY_NONE)   /* as of the latest dated row, else today */
        f->as_of = b->last_day != DG_DAY_NONE ? b->last_day : dg_day_of((int64_t)time(NULL));

    if ((rc = compact_customers(b, &customer_map)) != 0)
        goto cleanup;
    /* a referral to a customer who is not kept is dropped with it */
    for (size_t i = 0; i < b->referrals.n; i++) {
        uint32_t referred = customer_map[f->referral_referred[i]];
        if (referred == NO_INDEX)
            b->referrals.owner[i] = (uint32_t)n_raw_customers;   /* maps to NO_INDEX below */
        else
            f->referral_referred[i] = referred;
    }
    uint32_t *map_ext = realloc(customer_map, (n_raw_customers + 1) * sizeof *map_ext);
    if (!map_ext) {
        rc = DG_ENOMEM;
        goto cleanup;
    }
    customer_map = map_ext;
    customer_map[n_raw_customers] = NO_INDEX;

    size_t n = f->n_customers;
    if ((rc = regroup(&b->orders, customer_map, n, f->as_of, &f->order_offset, &order_perm,
                      &f->n_orders)) != 0 ||
        (rc = regroup(&b->surveys, customer_map, n, f->as_of, &f->survey_offset, NULL,
                      &f->n_surveys)) != 0 ||
        (rc = regroup(&b->feedback, customer_map, n, f->as_of, &f->feedback_offset, NULL,
                      &f->n_feedback)) != 0 ||
        (rc = regroup(&b->interactions, customer_map, n, f->as_of, &f->interaction_offset, NULL,
                      &f->n_interactions)) != 0 ||
        (rc = regroup(&b->partner, customer_map, n, f->as_of, &f->partner_offset, NULL,
                      &f->n_partner)) != 0 ||
        (rc = regroup(&b->referrals, customer_map, n, f->as_of, &f->referral_offset, NULL,
                      &f->n_referrals)) != 0)
        goto cleanup;

    if (!(f->order_customer = malloc((f->n_orders ? f->n_orders : 1) * sizeof *f->order_customer))) {
        rc = DG_ENOMEM;
        goto cleanup;
    }
    for (size_t c = 0; c < n; c++)
        for (size_t k = f->order_offset[c]; k < f->order_offset[c + 1]; k++)
            f->order_customer[k] = (uint32_t)c;
    for (size_t k = 0; k < f->n_orders; k++)
        if (f->first_order_day == DG_DAY_NONE || f->order_day[k] < f->first_order_day)
            f->first_order_day = f->order_day[k];

    if (b->with_lines) {
        if (!(order_map = malloc((n_raw_orders ? n_raw_orders : 1) * sizeof *order_map))) {
            rc = DG_ENOMEM;
            goto cleanup;
        }
        for (size_t i = 0; i < n_raw_orders; i++)
            order_map[i] = NO_INDEX;
        for (size_t k = 0; k < f->n_orders; k++)
            order_map[order_perm[k]] = (uint32_t)k;
        if ((rc = regroup(&b->lines, order_map, f->n_orders, f->as_of, &f->line_offset, NULL,
                          &f->n_lines)) != 0)
            goto cleanup;
        if (!(f->line_order = malloc((f->n_lines ? f->n_lines : 1) * sizeof *f->line_order))) {
            rc = DG_ENOMEM;
            goto cleanup;
        }
        for (size_t o = 0; o < f->n_orders; o++)
            for (size_t k = f->line_offset[o]; k < f->line_offset[o + 1]; k++)
                f->line_order[k] = (uint32_t)o;
        if (grow_products(b) != 0) {
            rc = DG_ENOMEM;
            goto cleanup;
        }
    }
    *out = f;
    b->f = NULL;
cleanup:
    free(customer_map);
    free(order_perm);
    free(order_map);
    if (rc != 0)
        return nomem(err);
    return 0;
}

int64_t dg__frame_find_customer(const dg_frame *f, const char *customer_id)
{
    if (f->customer_map)
        return dg__strmap_get(f->customer_map, customer_id);
    /* no map: the ids are in increasing order (dg_frame.customer_map) */
    return dg__sorted_find(f->customer_id, f->n_customers, sizeof *f->customer_id, 0,
                           customer_id);
}

int64_t dg_frame_customer_index(const dg_frame *f, const char *customer_id)
{
    if (!customer_id)
        return -1;
    int64_t c = dg__frame_find_customer(f, customer_id);
    return c >= 0 && dg_frame_has_customer(f, (size_t)c) ? c : -1;
}

void dg_frame_free(dg_frame *f)
{
    if (!f)
        return;
    if (f->window_of) {   /* its arrays are window_of's */
        free(f);
        return;
    }
    dg_dict *d[N_DICTS];
    dg__frame_dicts(f, d);
    for (size_t i = 0; i < N_DICTS; i++)
        dg__dict_free(d[i]);
    if (f->customer_id)
        for (size_t c = 0; c < f->n_customers; c++)
            free(f->customer_id[c]);
    void *arrays[] = {
        f->customer_id, f->birth_year, f->acquired_day, f->first_seen_day, f->region, f->gender,
        f->acquisition_channel, f->account_staff, f->customer_type, f->income_band,
        f->order_offset, f->order_customer, f->order_day, f->order_ts, f->order_amount_minor,
        f->order_units, f->order_channel, f->order_payment, f->order_site, f->order_staff,
        f->line_offset, f->line_order, f->line_product, f->line_quantity, f->line_amount_minor,
        f->product_category, f->product_brand,
        f->survey_offset, f->survey_day, f->survey_nps, f->survey_csat, f->survey_repurchase,
        f->survey_recommend, f->survey_benefit[0], f->survey_benefit[1], f->survey_benefit[2],
        f->survey_cost[0], f->survey_cost[1], f->survey_cost[2], f->survey_cost[3],
        f->survey_touchpoint,
        f->feedback_offset, f->feedback_day, f->feedback_kind, f->feedback_channel,
        f->feedback_staff, f->feedback_rating,
        f->interaction_offset, f->interaction_day, f->interaction_touchpoint, f->interaction_kind,
        f->interaction_staff, f->interaction_rating,
        f->partner_offset, f->partner_day, f->partner_activity,
        f->referral_offset, f->referral_referred, f->referral_day,
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    dg__strmap_free(f->customer_map);
    free(f);
}
