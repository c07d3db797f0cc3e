/* The frame: a columnar, read-only snapshot of the store built once per analysis. Customers are a
 * dense index 0..n_customers-1; everything a customer owns (orders, survey answers, feedback,
 * interactions, partner activities) is kept in CSR layout: one offsets array of n_customers + 1
 * entries and one plain array per column, grouped by customer and sorted by time within a
 * customer. Text attributes are dictionary-encoded (uint32 codes, code 0 = missing), so the cube,
 * cohorts, BTYD summaries and the mining models work on integer arrays and never see SQL.
 * Everything dated after the frame's as-of day is left out, so an analysis can be reproduced. */
#ifndef DANGOL_FRAME_H
#define DANGOL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/text.h"   /* dg_day_of */

DG_API_BEGIN

/* The store (dangol/store.h); a model header does not pull in the store API. */
typedef struct dg_store dg_store;

#define DG_DAY_NONE INT32_MIN   /* an unknown date */

/* A dictionary: code -> text. Code 0 is always the missing value (text ""), so codes index arrays
 * directly and a cube shows "(none)" for it. Codes are assigned in first-seen order. */
typedef struct dg_dict {
    size_t n;                 /* number of codes, including 0 */
    char **values;            /* values[code] */
    struct dg__strmap *map;   /* private: text -> code */
} dg_dict;

/* Code of value, or -1 if the dictionary does not hold it. */
int64_t dg_dict_find(const dg_dict *dict, const char *value);
/* Text of code ("" for 0 and for codes out of range). */
const char *dg_dict_value(const dg_dict *dict, uint32_t code);

typedef struct dg_frame {
    int32_t as_of;            /* last day included */
    int32_t first_order_day;  /* earliest order day, DG_DAY_NONE without orders */
    int minor_digits;         /* of the store currency (0 for KRW) */
    char currency[4];

    /* Dictionaries, shared by every column of the same vocabulary. */
    dg_dict regions, genders, channels /* acquisition, order and feedback channels */,
        staff /* customers' account manager, order/feedback/interaction staff */, customer_types,
        income_bands, payments, sites, products, categories, brands,
        touchpoints /* survey and interaction touchpoints */, feedback_kinds, interaction_kinds,
        partner_activities;

    /* Customers (in the order they were added; from the store: by customer id). */
    size_t n_customers;
    char **customer_id;            /* external ids */
    int32_t *birth_year;           /* 0 = unknown */
    int32_t *acquired_day;         /* DG_DAY_NONE = unknown */
    int32_t *first_seen_day;       /* acquired day, else first activity of any kind; NONE if neither */
    uint32_t *region, *gender, *acquisition_channel, *account_staff, *customer_type, *income_band;

    /* Orders, CSR by customer: customer c's orders are order_offset[c] .. order_offset[c+1]-1,
     * sorted by ordered_at (orders in the same second: in the order they were added). */
    size_t n_orders;
    size_t *order_offset;          /* [n_customers + 1] */
    uint32_t *order_customer;      /* [n_orders] customer index (nondecreasing) */
    int32_t *order_day;            /* UTC day of ordered_at */
    int64_t *order_ts;             /* ordered_at, UTC seconds */
    int64_t *order_amount_minor;   /* order total */
    int32_t *order_units;          /* 0 when unknown */
    uint32_t *order_channel, *order_payment, *order_site, *order_staff;

    /* Order lines (only when asked for), CSR by order, by line_no. Products form their own
     * dense index (the codes of the products dictionary) with a category and a brand each. */
    bool has_lines;
    size_t n_lines;
    size_t *line_offset;           /* [n_orders + 1] */
    uint32_t *line_order;          /* [n_lines] order index (nondecreasing) */
    uint32_t *line_product;        /* product code */
    int32_t *line_quantity;        /* 0 when unknown */
    int64_t *line_amount_minor;
    uint32_t *product_category;    /* [products.n] category code */
    uint32_t *product_brand;       /* [products.n] brand code */

    /* Survey answers, CSR by customer, sorted by day. nps is 0..10 with -1 = not answered; the
     * 1..5 items use 0 = not answered. benefit: functional, emotional, social; cost: money, time,
     * effort, psychological. */
    size_t n_surveys;
    size_t *survey_offset;
    int32_t *survey_day;
    int8_t *survey_nps, *survey_csat, *survey_repurchase, *survey_recommend;
    int8_t *survey_benefit[3], *survey_cost[4];
    uint32_t *survey_touchpoint;

    /* Feedback (voice of the customer), CSR by customer, sorted by time. rating 0 = none. */
    size_t n_feedback;
    size_t *feedback_offset;
    int32_t *feedback_day;
    uint32_t *feedback_kind, *feedback_channel, *feedback_staff;
    int8_t *feedback_rating;

    /* Touchpoint interactions, CSR by customer, sorted by time. rating 0 = none. */
    size_t n_interactions;
    size_t *interaction_offset;
    int32_t *interaction_day;
    uint32_t *interaction_touchpoint, *interaction_kind, *interaction_staff;
    int8_t *interaction_rating;

    /* Partner activities (panel, co-design, ...), CSR by customer, sorted by day. */
    size_t n_partner;
    size_t *partner_offset;
    int32_t *partner_day;
    uint32_t *partner_activity;

    /* Referrals, CSR by referrer, sorted by day: referral_referred[k] is a customer index. */
    size_t n_referrals;
    size_t *referral_offset;
    uint32_t *referral_referred;
    int32_t *referral_day;

    struct dg__strmap *customer_map;  /* private: external id -> index; NULL when customer_id
                                       * is in increasing strcmp order (a frame read from the
                                       * store's snapshot), searched by halves instead */
    const struct dg_frame *window_of; /* a window (dg_frame_window): the frame whose arrays it
                                       * reads; NULL for a frame that owns its arrays */
} dg_frame;

/* Index of the customer with this external id, or -1. */
int64_t dg_frame_customer_index(const dg_frame *frame, const char *customer_id);

/* Frees every array of the frame and the frame itself. NULL is a no-op. */
void dg_frame_free(dg_frame *frame);

/* ---- building a frame from a store ---- */

/* Order columns a frame read from the snapshot may leave out (dg_frame_options.columns), for a
 * command that does not use them: their arrays are then NULL. Every other column (the customers,
 * the order offsets, days and amounts, the order lines, every other kind of row) is always
 * read. */
#define DG_FRAME_ORDER_TS      (1u << 0)
#define DG_FRAME_ORDER_UNITS   (1u << 1)
#define DG_FRAME_ORDER_CHANNEL (1u << 2)
#define DG_FRAME_ORDER_PAYMENT (1u << 3)
#define DG_FRAME_ORDER_SITE    (1u << 4)
#define DG_FRAME_ORDER_STAFF   (1u << 5)
#define DG_FRAME_ORDER_CUSTOMER (1u << 6)  /* order_customer (the offsets say it too) */
#define DG_FRAME_ORDER_CORE    (1u << 7)   /* only the columns always read */

typedef struct dg_frame_options {
    int32_t as_of;       /* DG_DAY_NONE: the last day with activity in the store */
    bool with_lines;     /* also read order lines and products (the cube's product dimensions) */
    unsigned columns;    /* 0: every column; else DG_FRAME_ORDER_CORE | the optional ones wanted
                          * (a frame rebuilt from the rows has them all anyway) */
} dg_frame_options;

/* Reads the store into a new frame. opts NULL = defaults. Caller frees with dg_frame_free.
 * At the default as-of the frame comes from the store's snapshot when it is current; otherwise
 * it is rebuilt from the rows and, when the store can be written without waiting, saved as the
 * new snapshot (docs/snapshot.md). Either way the frame is the same. A frame as of an earlier day
 * is that frame cut to the day (dg_frame_cut); one as of a day after the store's last day is
 * rebuilt. */
int dg_frame_from_store(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                        dg_error *err);

/* Leaves out of frame what a frame built as of day would not hold: rows dated after day, the
 * customers first seen after day with their rows, and referrals to them; frame->as_of becomes
 * day. The result is the frame dg_frame_from_store gives as of day, cut in place (no second copy
 * of the columns): how an as-of question is answered from the store's one snapshot without
 * rebuilding the frame (docs/snapshot.md). DG_EINVAL if day is after frame->as_of; on DG_ENOMEM
 * the frame may only be freed. */
int dg_frame_cut(dg_frame *frame, int32_t day, dg_error *err);

/* A new frame: frame (left unchanged) cut to day, as dg_frame_cut would cut a copy of it. How a
 * server holding the frame of the store's last day answers an as-of question from memory: a
 * copy and a cut, linear passes over the columns, no read of the store. DG_EINVAL if day is
 * after frame->as_of, DG_ENOMEM. Caller frees with dg_frame_free. */
int dg_frame_cut_copy(dg_frame **out, const dg_frame *frame, int32_t day, dg_error *err);

/* ---- a frame as of an earlier day, without a copy ----
 * A window is a frame whose as_of is earlier than that of the frame it reads: it shares every
 * array of that frame (no copy: O(customers) to make, a few kilobytes to hold), so it still
 * holds the rows dated after its as_of and the customers first seen after it. An analysis that
 * accepts a window counts only what the functions below keep: customers first seen on or before
 * as_of (or never dated), their rows dated on or before as_of, and referrals whose referred
 * customer is kept — the rules of dg_frame_cut, so an analysis of a window answers what it
 * answers on the frame cut to that day (tests/unit/test_frame_window.c). On a frame that is not
 * a window they keep everything. Which analyses accept a window: docs/snapshot.md. */

/* A window of frame as of day: frame stays owned by the caller and must outlive the window.
 * DG_EINVAL if day is after frame->as_of, DG_ENOMEM. Caller frees with dg_frame_free (which
 * frees the window only). A window of a window reads the first frame. */
int dg_frame_window(dg_frame **out, const dg_frame *frame, int32_t day, dg_error *err);

/* Is customer c in the frame as of its as_of (first seen by then, or never dated)? */
static inline bool dg_frame_has_customer(const dg_frame *f, size_t c)
{
    int32_t seen = f->first_seen_day[c];
    return seen == DG_DAY_NONE || seen <= f->as_of;
}

/* End of customer c's run in a CSR column sorted by day, leaving out the days after as_of. */
static inline size_t dg_frame_run_end(const size_t *offset, const int32_t *day, size_t c,
                                      int32_t as_of)
{
    size_t begin = offset[c], end = offset[c + 1];
    while (end > begin && day[end - 1] > as_of)
        end--;
    return end;
}

/* End of customer c's orders (survey answers) dated by the frame's as_of. */
static inline size_t dg_frame_orders_end(const dg_frame *f, size_t c)
{
    return dg_frame_run_end(f->order_offset, f->order_day, c, f->as_of);
}
static inline size_t dg_frame_surveys_end(const dg_frame *f, size_t c)
{
    return dg_frame_run_end(f->survey_offset, f->survey_day, c, f->as_of);
}
/* ... feedback and interactions (each sorted by time within the customer, as the others). */
static inline size_t dg_frame_feedback_end(const dg_frame *f, size_t c)
{
    return dg_frame_run_end(f->feedback_offset, f->feedback_day, c, f->as_of);
}
static inline size_t dg_frame_interactions_end(const dg_frame *f, size_t c)
{
    return dg_frame_run_end(f->interaction_offset, f->interaction_day, c, f->as_of);
}

/* Number of customers in the frame as of its as_of (n_customers unless f is a window). */
size_t dg_frame_customer_count(const dg_frame *f);

/* ---- building a frame by hand (tests, embedding applications) ----
 * Add customers first, then anything that refers to them, then call finish. Text fields may be
 * NULL (missing); the builder copies everything it keeps. Rows dated after as_of are dropped at
 * finish, and so are customers first seen after as_of (with their rows). */

typedef struct dg_frame_builder dg_frame_builder;

typedef struct dg_frame_customer_in {
    const char *customer_id;       /* required, unique */
    int32_t birth_year;            /* 0 = unknown */
    bool has_acquired_day;
    int32_t acquired_day;
    const char *gender, *region, *acquisition_channel, *staff_id, *customer_type, *income_band;
} dg_frame_customer_in;

typedef struct dg_frame_order_in {
    const char *customer_id;       /* required, added before */
    const char *order_id;          /* needed only to attach order lines; may be NULL */
    int64_t ordered_at;            /* UTC seconds (day * 86400 for a date) */
    int64_t amount_minor;
    int32_t units;                 /* 0 = unknown */
    const char *channel, *payment_method, *site, *staff_id;
} dg_frame_order_in;

typedef struct dg_frame_product_in {
    const char *product_id;
    const char *category, *brand;
} dg_frame_product_in;

typedef struct dg_frame_line_in {
    const char *order_id;          /* an order added with this id */
    const char *product_id;        /* a product added before (unknown products get no category) */
    int32_t quantity;
    int64_t amount_minor;
    int32_t line_no;               /* order of the lines within an order (ties: arrival) */
} dg_frame_line_in;

typedef struct dg_frame_survey_in {
    const char *customer_id;
    int32_t day;
    bool has_nps;
    int nps;                       /* 0..10 */
    int csat, repurchase_intent, recommend_intent;   /* 1..5, 0 = not answered */
    int benefit[3], cost[4];                         /* 1..5, 0 = not answered */
    const char *touchpoint;
} dg_frame_survey_in;

typedef struct dg_frame_feedback_in {
    const char *customer_id;
    int64_t received_at;           /* UTC seconds */
    const char *kind, *channel, *staff_id;
    int rating;                    /* 1..5, 0 = none */
} dg_frame_feedback_in;

typedef struct dg_frame_interaction_in {
    const char *customer_id;
    int64_t occurred_at;           /* UTC seconds */
    const char *touchpoint, *kind, *staff_id;
    int rating;                    /* 1..5, 0 = none */
} dg_frame_interaction_in;

typedef struct dg_frame_referral_in {
    const char *referrer_id, *referred_id;
    int32_t day;
} dg_frame_referral_in;

typedef struct dg_frame_partner_in {
    const char *customer_id;
    const char *activity;
    int32_t day;
} dg_frame_partner_in;

/* Caller frees with dg_frame_builder_free (also after finish). with_lines makes the builder keep
 * order ids so lines can be attached. as_of DG_DAY_NONE: as of the latest day of the orders,
 * surveys, feedback and interactions added (the store's last day), or today if there are none. */
int dg_frame_builder_new(dg_frame_builder **out, int32_t as_of, bool with_lines, dg_error *err);
void dg_frame_builder_free(dg_frame_builder *b);  /* NULL is a no-op */

/* Currency of the amounts (default KRW, 0 minor digits). */
void dg_frame_builder_set_currency(dg_frame_builder *b, const char *code, int minor_digits);

/* Each returns 0, DG_ENOMEM, DG_EEXIST (customer id twice) or DG_ENOTFOUND (unknown customer or
 * order id), with the id named in err. */
int dg_frame_add_customer(dg_frame_builder *b, const dg_frame_customer_in *in, dg_error *err);
/* An order of a customer added before; its order_id must be new. */
int dg_frame_add_order(dg_frame_builder *b, const dg_frame_order_in *in, dg_error *err);
/* A product of the catalogue (its category and brand). */
int dg_frame_add_product(dg_frame_builder *b, const dg_frame_product_in *in, dg_error *err);
/* A line of an order added before (DG_EINVAL when the builder was made without lines); a
 * product not added before gets a code with no category. */
int dg_frame_add_line(dg_frame_builder *b, const dg_frame_line_in *in, dg_error *err);
/* A survey answer of a customer added before. */
int dg_frame_add_survey(dg_frame_builder *b, const dg_frame_survey_in *in, dg_error *err);
/* A piece of feedback of a customer added before. */
int dg_frame_add_feedback(dg_frame_builder *b, const dg_frame_feedback_in *in, dg_error *err);
/* An interaction (a touchpoint) of a customer added before. */
int dg_frame_add_interaction(dg_frame_builder *b, const dg_frame_interaction_in *in,
                             dg_error *err);
/* A referral: the referrer and the referred customer were added before. */
int dg_frame_add_referral(dg_frame_builder *b, const dg_frame_referral_in *in, dg_error *err);
/* A partner activity of a customer added before. */
int dg_frame_add_partner(dg_frame_builder *b, const dg_frame_partner_in *in, dg_error *err);

/* Sorts, filters by as_of and hands the columns to a new frame. The builder is left empty.
 * Caller frees the frame with dg_frame_free. */
int dg_frame_builder_finish(dg_frame **out, dg_frame_builder *b, dg_error *err);

DG_API_END

#endif
