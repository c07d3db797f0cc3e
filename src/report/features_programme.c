/* The feature table's programme facts (include/dangol/features.h): what the tier history, the
 * points ledger and the coupon redemptions say about each customer as of a day, read from the
 * store (store/programme.h: one aggregate query per table, bounded by the day, in one consistent
 * read) and joined to the frame's customers by index. The frame does not hold these tables and
 * their writes leave the frame snapshot current, so they are read here each time rather than
 * kept with the frame. A tier is ranked by its place in the stored tier rules. */
#include <stdlib.h>

#include "dangol/features.h"
#include "dangol/tier.h"
#include "store/programme.h"

void dg_features_programme_free(dg_features_programme *p)
{
    if (!p)
        return;
    free(p->tier_rank);
    free(p->tier_downgrades);
    free(p->points_balance);
    free(p->points_earned);
    free(p->points_burned);
    free(p->points_expired);
    free(p->coupons_redeemed);
    free(p->coupon_discount_minor);
    free(p);
}

typedef struct join {
    dg_features_programme *p;
    const dg_frame *frame;
    dg_store *store;
    dg_tier_rules rules;
    bool have_rules;
    dg_error *err;
} join;

/* A zeroed array of the frame's customers. */
static void *zeroed(const join *j, size_t size)
{
    return calloc(j->p->n_customers ? j->p->n_customers : 1, size);
}

static int nomem(join *j)
{
    return dg_error_set(j->err, DG_ENOMEM, "out of memory for the programme facts of %zu "
                        "customers", j->p->n_customers);
}

static int on_tier(void *ctx, const char *customer_id, const char *tier, const int64_t *v, int n)
{
    join *j = ctx;
    dg_features_programme *p = j->p;
    (void)n;
    int64_t c = dg_frame_customer_index(j->frame, customer_id);
    if (c < 0)
        return 0;
    if (!j->have_rules) {
        int rc = dg_tier_rules_stored(j->store, &j->rules, j->err);
        if (rc != 0)
            return rc;
        j->have_rules = true;
    }
    if (!p->tier_rank && (!(p->tier_rank = zeroed(j, sizeof(int32_t))) ||
                          !(p->tier_downgrades = zeroed(j, sizeof(int32_t)))))
        return nomem(j);
    int rank = dg_tier_find(&j->rules, tier ? tier : "");
    p->tiers_unknown += rank < 0;
    p->tier_rank[c] = rank < 0 ? 0 : rank;
    p->tier_downgrades[c] = (int32_t)v[0];
    return 0;
}

/* A row of sums: its values into the n columns cols (allocated on the table's first row). */
static int on_sums(join *j, const char *customer_id, const int64_t *v, int64_t **const cols[],
                   int n)
{
    int64_t c = dg_frame_customer_index(j->frame, customer_id);
    if (c < 0)
        return 0;
    for (int i = 0; i < n; i++) {
        if (!*cols[i] && !(*cols[i] = zeroed(j, sizeof(int64_t))))
            return nomem(j);
        (*cols[i])[c] = v[i];
    }
    return 0;
}

static int on_points(void *ctx, const char *customer_id, const char *text, const int64_t *v,
                     int n)
{
    dg_features_programme *p = ((join *)ctx)->p;
    int64_t **const cols[] = { &p->points_balance, &p->points_earned, &p->points_burned,
                               &p->points_expired };
    (void)text;
    return on_sums(ctx, customer_id, v, cols, n);
}

static int on_coupons(void *ctx, const char *customer_id, const char *text, const int64_t *v,
                      int n)
{
    dg_features_programme *p = ((join *)ctx)->p;
    int64_t **const cols[] = { &p->coupons_redeemed, &p->coupon_discount_minor };
    (void)text;
    return on_sums(ctx, customer_id, v, cols, n);
}

int dg_features_programme_read(dg_features_programme **out, dg_store *store,
                               const dg_frame *frame, int32_t as_of, dg_error *err)
{
    static const dg__programme_fn on_row[DG__PROGRAMME_N_TABLES] = {
        [DG__PROGRAMME_TIERS] = on_tier, [DG__PROGRAMME_POINTS] = on_points,
        [DG__PROGRAMME_COUPONS] = on_coupons,
    };
    *out = NULL;
    join j = { .p = calloc(1, sizeof *j.p), .frame = frame, .store = store, .err = err };
    if (!j.p)
        return dg_error_set(err, DG_ENOMEM, "out of memory for the programme facts");
    j.p->as_of = as_of == DG_DAY_NONE ? frame->as_of : as_of;
    j.p->n_customers = frame->n_customers;
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        for (int t = 0; rc == 0 && t < DG__PROGRAMME_N_TABLES; t++)
            rc = dg__programme_scan(store, (dg__programme_table)t, j.p->as_of, on_row[t], &j,
                                    err);
        dg_store_read_end(store);
    }
    if (rc != 0) {
        dg_features_programme_free(j.p);
        return rc;
    }
    *out = j.p;
    return 0;
}

int dg_features_programme_from_store(void *source, int32_t as_of, dg_features_programme **out,
                                     dg_error *err)
{
    const dg_features_programme_source *src = source;
    return dg_features_programme_read(out, src->store, src->frame, as_of, err);
}

int dg_features_compute_stored(dg_features **out, dg_store *store, const dg_frame *frame,
                               const dg_features_options *opt, dg_error *err)
{
    dg_features_options o;
    if (opt)
        o = *opt;
    else
        dg_features_options_init(&o);
    dg_features_programme *p = NULL;
    *out = NULL;
    o.rows_on_demand = false;   /* the facts are freed here */
    int rc = dg_features_programme_read(&p, store, frame, o.as_of, err);
    if (rc == 0) {
        o.programme = p;
        rc = dg_features_compute(out, frame, &o, err);
    }
    dg_features_programme_free(p);
    return rc;
}
