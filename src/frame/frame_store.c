/* Rebuilding a frame from the rows (dg_frame_from_store, frame_cache.c, does so when the store has
 * no current snapshot): reads every customer-owned entity through the store API (dg_store_scan,
 * catalog column order) into a frame builder. Column positions are looked up by name once, so
 * the catalog may grow columns without breaking the frame. */
#include <stdio.h>
#include <string.h>

#include "dangol/frame.h"
#include "dangol/store.h"
#include "frame/snapshot.h"

#define MAX_FIELDS 16

typedef struct {
    dg_frame_builder *b;
    dg_error *err;
    int col[MAX_FIELDS];     /* catalog positions of the fields this entity needs */
} scan_ctx;

static const char *text(const dg_value *row, int col)
{
    return col < 0 || row[col].is_null ? NULL : row[col].u.s;
}

static int64_t integer(const dg_value *row, int col)
{
    return col < 0 || row[col].is_null ? 0 : row[col].u.i;
}

static bool present(const dg_value *row, int col)
{
    return col >= 0 && !row[col].is_null;
}

/* Positions of names in e, in order, into ctx->col. */
static void columns(scan_ctx *ctx, const dg_entity *e, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        ctx->col[i] = dg_entity_column(e, names[i]);
}

static const char *const customer_fields[] = { "customer_id", "birth_year", "acquired_on",
    "gender", "region", "acquisition_channel", "staff_id", "customer_type", "income_band", NULL };

static int on_customer(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    const int *c = ctx->col;
    dg_frame_customer_in in = {
        .customer_id = text(row, c[0]),
        .birth_year = (int32_t)integer(row, c[1]),
        .has_acquired_day = present(row, c[2]),
        .acquired_day = (int32_t)integer(row, c[2]),
        .gender = text(row, c[3]), .region = text(row, c[4]),
        .acquisition_channel = text(row, c[5]), .staff_id = text(row, c[6]),
        .customer_type = text(row, c[7]), .income_band = text(row, c[8]),
    };
    return dg_frame_add_customer(ctx->b, &in, ctx->err);
}

static const char *const order_fields[] = { "order_id", "customer_id", "ordered_at", "total",
    "units", "channel", "payment_method", "site", "staff_id", NULL };

static int on_order(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    const int *c = ctx->col;
    dg_frame_order_in in = {
        .order_id = text(row, c[0]), .customer_id = text(row, c[1]),
        .ordered_at = integer(row, c[2]), .amount_minor = integer(row, c[3]),
        .units = (int32_t)integer(row, c[4]), .channel = text(row, c[5]),
        .payment_method = text(row, c[6]), .site = text(row, c[7]), .staff_id = text(row, c[8]),
    };
    return dg_frame_add_order(ctx->b, &in, ctx->err);
}

static const char *const product_fields[] = { "product_id", "category", "brand", NULL };

static int on_product(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    dg_frame_product_in in = { text(row, ctx->col[0]), text(row, ctx->col[1]),
                               text(row, ctx->col[2]) };
    return dg_frame_add_product(ctx->b, &in, ctx->err);
}

static const char *const line_fields[] = { "order_id", "product_id", "quantity", "amount",
    "line_no", NULL };

static int on_line(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    const int *c = ctx->col;
    dg_frame_line_in in = { text(row, c[0]), text(row, c[1]), (int32_t)integer(row, c[2]),
                            integer(row, c[3]), (int32_t)integer(row, c[4]) };
    return dg_frame_add_line(ctx->b, &in, ctx->err);
}

static const char *const survey_fields[] = { "customer_id", "answered_on", "nps", "csat",
    "repurchase_intent", "recommend_intent", "benefit_functional", "benefit_emotional",
    "benefit_social", "cost_money", "cost_time", "cost_effort", "cost_psychological",
    "touchpoint", NULL };

static int on_survey(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    const int *c = ctx->col;
    dg_frame_survey_in in = {
        .customer_id = text(row, c[0]), .day = (int32_t)integer(row, c[1]),
        .has_nps = present(row, c[2]), .nps = (int)integer(row, c[2]),
        .csat = (int)integer(row, c[3]), .repurchase_intent = (int)integer(row, c[4]),
        .recommend_intent = (int)integer(row, c[5]), .touchpoint = text(row, c[13]),
    };
    for (int k = 0; k < 3; k++)
        in.benefit[k] = (int)integer(row, c[6 + k]);
    for (int k = 0; k < 4; k++)
        in.cost[k] = (int)integer(row, c[9 + k]);
    return dg_frame_add_survey(ctx->b, &in, ctx->err);
}

static const char *const feedback_fields[] = { "customer_id", "received_at", "kind", "channel",
    "staff_id", "rating", NULL };

static int on_feedback(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    const int *c = ctx->col;
    dg_frame_feedback_in in = {
        .customer_id = text(row, c[0]), .received_at = integer(row, c[1]),
        .kind = text(row, c[2]), .channel = text(row, c[3]), .staff_id = text(row, c[4]),
        .rating = (int)integer(row, c[5]),
    };
    return dg_frame_add_feedback(ctx->b, &in, ctx->err);
}

static const char *const interaction_fields[] = { "customer_id", "occurred_at", "touchpoint",
    "kind", "staff_id", "rating", NULL };

static int on_interaction(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    const int *c = ctx->col;
    dg_frame_interaction_in in = {
        .customer_id = text(row, c[0]), .occurred_at = integer(row, c[1]),
        .touchpoint = text(row, c[2]), .kind = text(row, c[3]), .staff_id = text(row, c[4]),
        .rating = (int)integer(row, c[5]),
    };
    return dg_frame_add_interaction(ctx->b, &in, ctx->err);
}

static const char *const referral_fields[] = { "referrer_id", "referred_id", "referred_on", NULL };

static int on_referral(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    dg_frame_referral_in in = { text(row, ctx->col[0]), text(row, ctx->col[1]),
                                (int32_t)integer(row, ctx->col[2]) };
    return dg_frame_add_referral(ctx->b, &in, ctx->err);
}

static const char *const partner_fields[] = { "customer_id", "activity", "occurred_on", NULL };

static int on_partner(void *p, const dg_value *row)
{
    scan_ctx *ctx = p;
    dg_frame_partner_in in = { text(row, ctx->col[0]), text(row, ctx->col[1]),
                               (int32_t)integer(row, ctx->col[2]) };
    return dg_frame_add_partner(ctx->b, &in, ctx->err);
}

/* Customers are read in id order (that is the frame's customer order, and the order their
 * dictionary values are first seen in); everything else in storage order, which avoids a sort
 * or an index walk over millions of rows: the builder regroups and sorts each customer's rows
 * itself. */
static int scan(dg_store *store, dg_frame_builder *b, const char *entity,
                const char *const *fields, dg_row_fn fn, dg_error *err)
{
    const dg_entity *e = dg_entity_find(entity);
    scan_ctx ctx = { .b = b, .err = err };
    dg_scan_filter filter = { .unordered = strcmp(entity, "customers") != 0 };
    if (!e)
        return dg_error_set(err, DG_EINVAL, "the catalog has no entity \"%s\"", entity);
    columns(&ctx, e, fields);
    for (size_t i = 0; fields[i]; i++)   /* read only these: a server backend sends less */
        if (ctx.col[i] >= 0)
            filter.columns |= UINT64_C(1) << ctx.col[i];
    return dg_store_scan(store, e, &filter, fn, &ctx, err);
}

int dg__frame_read_customers(dg_store *store, dg_frame_builder *b, dg_error *err)
{
    return scan(store, b, "customers", customer_fields, on_customer, err);
}

int dg__frame_read_activity(dg_store *store, dg_frame_builder *b, dg_error *err)
{
    int rc;
    if ((rc = scan(store, b, "surveys", survey_fields, on_survey, err)) != 0 ||
        (rc = scan(store, b, "feedback", feedback_fields, on_feedback, err)) != 0 ||
        (rc = scan(store, b, "interactions", interaction_fields, on_interaction, err)) != 0 ||
        (rc = scan(store, b, "referrals", referral_fields, on_referral, err)) != 0)
        return rc;
    return scan(store, b, "partner_activities", partner_fields, on_partner, err);
}

int dg__frame_read_store(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                         dg_error *err)
{
    dg_frame_builder *b = NULL;
    char code[4];
    int digits, rc;
    *out = NULL;
    if ((rc = dg_store_currency(store, code, &digits, err)) != 0 ||
        (rc = dg_frame_builder_new(&b, opts->as_of, opts->with_lines, err)) != 0)
        goto cleanup;
    dg_frame_builder_set_currency(b, code, digits);
    if ((rc = dg__frame_read_customers(store, b, err)) != 0 ||
        (rc = scan(store, b, "orders", order_fields, on_order, err)) != 0)
        goto cleanup;
    if (opts->with_lines &&
        ((rc = scan(store, b, "products", product_fields, on_product, err)) != 0 ||
         (rc = scan(store, b, "order_lines", line_fields, on_line, err)) != 0))
        goto cleanup;
    if ((rc = dg__frame_read_activity(store, b, err)) != 0)
        goto cleanup;
    rc = dg_frame_builder_finish(out, b, err);
cleanup:
    dg_frame_builder_free(b);
    return rc;
}
