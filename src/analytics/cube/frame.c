/* The cube of a frame (include/dangol/cube.h): the frame's CSR columns are the cube's facts as
 * they are (no copy); dictionary code 0, the frame's missing value, is labelled "(none)". Only the
 * derived columns are computed here: the age band of each customer at the as-of day and the
 * identity code of each product. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/cube/internal.h"
#include "dangol/text.h"

static const dg_cube_dim_spec frame_dims[] = {
    { "year", NULL, DG_CUBE_KEY_DAY },
    { "quarter", "year", DG_CUBE_KEY_DAY },
    { "month", "quarter", DG_CUBE_KEY_DAY },
    { "week", "month", DG_CUBE_KEY_DAY },
    { "day", "week", DG_CUBE_KEY_DAY },
    { "channel", NULL, DG_CUBE_KEY_ORDER },
    { "payment", NULL, DG_CUBE_KEY_ORDER },
    { "site", NULL, DG_CUBE_KEY_ORDER },
    { "staff", NULL, DG_CUBE_KEY_ORDER },
    { "region", NULL, DG_CUBE_KEY_CUSTOMER },
    { "gender", NULL, DG_CUBE_KEY_CUSTOMER },
    { "acquisition", NULL, DG_CUBE_KEY_CUSTOMER },
    { "customer_type", NULL, DG_CUBE_KEY_CUSTOMER },
    { "income", NULL, DG_CUBE_KEY_CUSTOMER },
    { "age", NULL, DG_CUBE_KEY_CUSTOMER },
    { "segment", NULL, DG_CUBE_KEY_CUSTOMER },
    { "stage", NULL, DG_CUBE_KEY_CUSTOMER },
    { "activity", NULL, DG_CUBE_KEY_CUSTOMER },
    { "category", NULL, DG_CUBE_KEY_PRODUCT },
    { "brand", "category", DG_CUBE_KEY_PRODUCT },
    { "product", "brand", DG_CUBE_KEY_PRODUCT },
};

const dg_cube_dim_spec *dg_cube_frame_dims(size_t *n)
{
    *n = sizeof frame_dims / sizeof frame_dims[0];
    return frame_dims;
}

/* Labels of a frame dictionary, "(none)" for code 0. */
static const char **dict_labels(const dg_dict *dict)
{
    size_t n = dict->n ? dict->n : 1;
    const char **labels = malloc(n * sizeof *labels);
    if (!labels)
        return NULL;
    labels[0] = DG_CUBE_NONE_LABEL;
    for (size_t i = 1; i < dict->n; i++)
        labels[i] = dict->values[i][0] ? dict->values[i] : DG_CUBE_NONE_LABEL;
    return labels;
}

static int add_dict_dim(dg_cube *cube, const char *name, const char *parent, dg_cube_key key,
                        const uint32_t *codes, const dg_dict *dict, dg_error *err)
{
    if (!codes)   /* an order column the frame was read without: no query of it names it */
        return 0;
    const char **labels = dict_labels(dict);
    if (!labels)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg_cube_add_dim(cube, name, parent, key, codes, dict->n ? dict->n : 1, labels, err);
    free(labels);
    return rc;
}

static const char *const age_bands[] = { "0-19", "20-29", "30-39", "40-49", "50-59", "60-69",
                                         "70+", DG_CUBE_NONE_LABEL };

/* Age band at the as-of year: age = as-of year - birth year. */
static uint32_t age_band(int32_t birth_year, int as_of_year)
{
    if (birth_year <= 0 || birth_year > as_of_year)
        return 7;
    int age = as_of_year - birth_year;
    if (age < 20)
        return 0;
    return age >= 70 ? 6 : (uint32_t)(age / 10 - 1);
}

/* segment, stage and activity of every customer at the frame's as-of day */
static int add_ladder_dims(dg_cube *cube, const dg_frame *frame,
                           const dg_rfm_segment_map *segments, const dg_stage_rules *rules,
                           dg_error *err)
{
    dg_rfm_segment_map *own_map = NULL;
    dg_rfm_result rfm;
    memset(&rfm, 0, sizeof rfm);
    dg_stage_rules own_rules;
    size_t n = frame->n_customers ? frame->n_customers : 1;
    uint32_t *segment = malloc(n * sizeof *segment), *stage = malloc(n * sizeof *stage),
             *activity = malloc(n * sizeof *activity);
    uint8_t *stage8 = malloc(n), *activity8 = malloc(n);
    const char **labels = NULL;
    int rc = DG_ENOMEM;
    if (!segment || !stage || !activity || !stage8 || !activity8)
        goto cleanup;
    if (!segments && (rc = dg_rfm_segment_map_default(&own_map, err)))
        goto cleanup;
    const dg_rfm_segment_map *map = segments ? segments : own_map;
    if ((rc = dg_rfm_compute(&rfm, frame, NULL, map, err)))
        goto cleanup;
    if (!rules) {
        dg_stage_rules_default(&own_rules);
        rules = &own_rules;
    }
    if ((rc = dg_stage_at(frame, rules, frame->as_of, stage8, activity8, err)))
        goto cleanup;
    rc = DG_ENOMEM;
    if (!(labels = malloc((map->n_segments + DG_STAGE_COUNT + DG_ACTIVITY_COUNT + 2) *
                          sizeof *labels)))
        goto cleanup;
    for (size_t c = 0; c < frame->n_customers; c++) {
        segment[c] = rfm.segment[c] == DG_RFM_NO_SEGMENT ? (uint32_t)map->n_segments
                                                          : rfm.segment[c];
        stage[c] = stage8[c] < DG_STAGE_COUNT ? stage8[c] : DG_STAGE_COUNT;
        activity[c] = activity8[c] < DG_ACTIVITY_COUNT ? activity8[c] : DG_ACTIVITY_COUNT;
    }
    for (size_t i = 0; i < map->n_segments; i++)
        labels[i] = map->names[i];
    labels[map->n_segments] = DG_CUBE_NONE_LABEL;  /* no orders */
    rc = dg__cube_add_dim_owned(cube, "segment", NULL, DG_CUBE_KEY_CUSTOMER, segment,
                                map->n_segments + 1, labels, err);
    segment = NULL;
    if (rc)
        goto cleanup;
    dg_cube_dim_keep_order(cube, dg_cube_dim_count(cube) - 1);
    for (size_t i = 0; i < DG_STAGE_COUNT; i++)
        labels[i] = dg_stage_name((dg_stage)i);
    labels[DG_STAGE_COUNT] = DG_CUBE_NONE_LABEL;
    rc = dg__cube_add_dim_owned(cube, "stage", NULL, DG_CUBE_KEY_CUSTOMER, stage,
                                DG_STAGE_COUNT + 1, labels, err);
    stage = NULL;
    if (rc)
        goto cleanup;
    dg_cube_dim_keep_order(cube, dg_cube_dim_count(cube) - 1);
    for (size_t i = 0; i < DG_ACTIVITY_COUNT; i++)
        labels[i] = dg_activity_name((dg_activity)i);
    labels[DG_ACTIVITY_COUNT] = DG_CUBE_NONE_LABEL;
    rc = dg__cube_add_dim_owned(cube, "activity", NULL, DG_CUBE_KEY_CUSTOMER, activity,
                                DG_ACTIVITY_COUNT + 1, labels, err);
    activity = NULL;
    if (rc)
        goto cleanup;
    dg_cube_dim_keep_order(cube, dg_cube_dim_count(cube) - 1);
cleanup:
    if (rc == DG_ENOMEM)
        dg_error_set(err, rc, "out of memory building the segment and stage dimensions");
    free(segment);
    free(stage);
    free(activity);
    free(stage8);
    free(activity8);
    free(labels);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(own_map);
    return rc;
}

int dg_cube_from_frame(dg_cube **out, const dg_frame *frame, const dg_rfm_segment_map *segments,
                       const dg_stage_rules *rules, dg_error *err)
{
    return dg_cube_from_frame_of(out, frame, segments, rules, true, err);
}

int dg_cube_from_frame_of(dg_cube **out, const dg_frame *frame,
                          const dg_rfm_segment_map *segments, const dg_stage_rules *rules,
                          bool ladder, dg_error *err)
{
    *out = NULL;
    const dg_frame *fr = frame;
    dg_cube_facts f = {
        .n_customers = fr->n_customers,
        .n_orders = fr->n_orders,
        .customer_order_start = fr->order_offset,
        .order_day = fr->order_day,
        .order_revenue_minor = fr->order_amount_minor,
        .order_units = fr->order_units,
        .minor_digits = fr->minor_digits,
        .has_as_of = fr->window_of != NULL,   /* a window: its arrays hold later orders */
        .as_of = fr->as_of,
    };
    if (fr->has_lines) {
        f.n_products = fr->products.n;
        f.n_lines = fr->n_lines;
        f.line_order = fr->line_order;
        f.line_product = fr->line_product;
        f.line_amount_minor = fr->line_amount_minor;
        f.line_quantity = fr->line_quantity;
    }
    dg_cube *cube = NULL;
    int rc = dg_cube_new(&cube, &f, err);
    if (rc)
        return rc;
    if ((rc = add_dict_dim(cube, "channel", NULL, DG_CUBE_KEY_ORDER, fr->order_channel,
                           &fr->channels, err)) ||
        (rc = add_dict_dim(cube, "payment", NULL, DG_CUBE_KEY_ORDER, fr->order_payment,
                           &fr->payments, err)) ||
        (rc = add_dict_dim(cube, "site", NULL, DG_CUBE_KEY_ORDER, fr->order_site, &fr->sites,
                           err)) ||
        (rc = add_dict_dim(cube, "staff", NULL, DG_CUBE_KEY_ORDER, fr->order_staff, &fr->staff,
                           err)) ||
        (rc = add_dict_dim(cube, "region", NULL, DG_CUBE_KEY_CUSTOMER, fr->region, &fr->regions,
                           err)) ||
        (rc = add_dict_dim(cube, "gender", NULL, DG_CUBE_KEY_CUSTOMER, fr->gender, &fr->genders,
                           err)) ||
        (rc = add_dict_dim(cube, "acquisition", NULL, DG_CUBE_KEY_CUSTOMER,
                           fr->acquisition_channel, &fr->channels, err)) ||
        (rc = add_dict_dim(cube, "customer_type", NULL, DG_CUBE_KEY_CUSTOMER, fr->customer_type,
                           &fr->customer_types, err)) ||
        (rc = add_dict_dim(cube, "income", NULL, DG_CUBE_KEY_CUSTOMER, fr->income_band,
                           &fr->income_bands, err)))
        goto fail;

    uint32_t *ages = malloc((fr->n_customers ? fr->n_customers : 1) * sizeof *ages);
    if (!ages)
        goto oom;
    int as_of_year, month, day;
    dg_civil_from_days(fr->as_of, &as_of_year, &month, &day);
    for (size_t c = 0; c < fr->n_customers; c++)
        ages[c] = age_band(fr->birth_year[c], as_of_year);
    if ((rc = dg__cube_add_dim_owned(cube, "age", NULL, DG_CUBE_KEY_CUSTOMER, ages,
                                     sizeof age_bands / sizeof age_bands[0], age_bands, err)) ||
        (ladder && (rc = add_ladder_dims(cube, frame, segments, rules, err))))
        goto fail;

    if (fr->has_lines && fr->products.n) {
        uint32_t *identity = malloc(fr->products.n * sizeof *identity);
        if (!identity)
            goto oom;
        for (size_t p = 0; p < fr->products.n; p++)
            identity[p] = (uint32_t)p;
        if ((rc = add_dict_dim(cube, "category", NULL, DG_CUBE_KEY_PRODUCT, fr->product_category,
                               &fr->categories, err)) ||
            (rc = add_dict_dim(cube, "brand", "category", DG_CUBE_KEY_PRODUCT, fr->product_brand,
                               &fr->brands, err)))
            goto fail_identity;
        const char **labels = dict_labels(&fr->products);
        if (!labels) {
            free(identity);
            goto oom;
        }
        rc = dg__cube_add_dim_owned(cube, "product", "brand", DG_CUBE_KEY_PRODUCT, identity,
                                    fr->products.n, labels, err);
        free(labels);
        if (rc)
            goto fail;
        goto done;
    fail_identity:
        free(identity);
        goto fail;
    }
done:
    *out = cube;
    return 0;
oom:
    rc = dg_error_set(err, DG_ENOMEM, "out of memory building the cube");
fail:
    dg_cube_free(cube);
    return rc;
}
