/* dg_frame_cut (include/dangol/frame.h): a frame as of an earlier day, cut in place out of the
 * frame of the store's last day, so `--as-of` and the server's ?as_of are answered from the one
 * snapshot instead of rebuilding the frame from the rows (docs/snapshot.md). The builder keeps a
 * customer iff the first day it saw of them (first_seen_day: over every row, kept or not) is on
 * or before as_of, and a row iff its owner is kept and its day is; a referral also needs its
 * referred customer. Cutting applies the same rules to what the later frame kept, which is a
 * superset, in the same order, so the result is the frame a rebuild as of that day gives:
 * the same customers, rows, order and dictionaries. Every write goes to an index at or before
 * the one it reads, so the columns are compacted where they are. dg_frame_cut_copy cuts a copy,
 * leaving the frame it was given as it was (the server's as_of frames). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/frame.h"
#include "frame/snapshot.h"
#include "core/strmap.h"

#define NO_INDEX UINT32_MAX
#define MAX_COLS 16

typedef struct {
    void *data;
    size_t size;
} col;

/* One kind of row owned by customers (CSR): its offsets, count, day column and columns. */
typedef struct {
    size_t *offset, *n;
    const int32_t *day;
    uint32_t *referred;       /* referrals: the referred customer, remapped; else NULL */
    col cols[MAX_COLS];
    size_t n_cols;
} rows;

static void move_row(const col *cols, size_t n_cols, size_t from, size_t to)
{
    if (from == to)
        return;
    for (size_t i = 0; i < n_cols; i++) {
        char *d = cols[i].data;
        if (!d)     /* a column the frame was read without */
            continue;
        switch (cols[i].size) {
        case 1:
            d[to] = d[from];
            break;
        case 4:
            ((uint32_t *)d)[to] = ((const uint32_t *)d)[from];
            break;
        default:
            memcpy(d + to * cols[i].size, d + from * cols[i].size, cols[i].size);
            break;
        }
    }
}

static void add(rows *r, void *data, size_t size)
{
    assert(r->n_cols < MAX_COLS);
    r->cols[r->n_cols++] = (col){ data, size };
}

/* Keeps the rows of kept customers dated on or before day, regrouped under the new customer
 * numbers of map (NO_INDEX: dropped). */
static void cut_rows(rows *r, const uint32_t *map, size_t n_old, int32_t day)
{
    size_t w = 0, nc = 0, start = r->offset[0];
    for (size_t c = 0; c < n_old; c++) {
        size_t end = r->offset[c + 1];
        if (map[c] != NO_INDEX) {
            for (size_t k = start; k < end; k++) {
                if (r->day[k] > day)
                    continue;
                if (r->referred) {
                    uint32_t to = map[r->referred[k]];
                    if (to == NO_INDEX)
                        continue;
                    r->referred[k] = to;
                }
                move_row(r->cols, r->n_cols, k, w++);
            }
            r->offset[++nc] = w;
        }
        start = end;
    }
    r->offset[0] = 0;
    *r->n = w;
}

/* The orders, and with them their lines (CSR by order), which carry no day of their own. */
static void cut_orders(dg_frame *f, const uint32_t *map, size_t n_old, int32_t day)
{
    col cols[] = {
        { f->order_day, 4 }, { f->order_ts, 8 }, { f->order_amount_minor, 8 },
        { f->order_units, 4 }, { f->order_channel, 4 }, { f->order_payment, 4 },
        { f->order_site, 4 }, { f->order_staff, 4 },
    };
    col line_cols[] = { { f->line_product, 4 }, { f->line_quantity, 4 },
                        { f->line_amount_minor, 8 } };
    size_t w = 0, lw = 0, nc = 0, start = f->order_offset[0];
    size_t line_start = f->has_lines ? f->line_offset[0] : 0;
    f->first_order_day = DG_DAY_NONE;
    for (size_t c = 0; c < n_old; c++) {
        size_t end = f->order_offset[c + 1];
        for (size_t k = start; map[c] != NO_INDEX && k < end; k++) {
            size_t line_end = f->has_lines ? f->line_offset[k + 1] : 0;
            if (f->order_day[k] <= day) {
                move_row(cols, sizeof cols / sizeof cols[0], k, w);
                if (f->order_customer)
                    f->order_customer[w] = map[c];
                if (f->first_order_day == DG_DAY_NONE || f->order_day[w] < f->first_order_day)
                    f->first_order_day = f->order_day[w];
                for (size_t l = line_start; l < line_end; l++) {
                    move_row(line_cols, sizeof line_cols / sizeof line_cols[0], l, lw);
                    f->line_order[lw++] = (uint32_t)w;
                }
                w++;
                if (f->has_lines)
                    f->line_offset[w] = lw;
            }
            line_start = line_end;
        }
        if (map[c] != NO_INDEX)
            f->order_offset[++nc] = w;
        else if (f->has_lines && end > start)
            line_start = f->line_offset[end];
        start = end;
    }
    f->order_offset[0] = 0;
    if (f->has_lines) {
        f->line_offset[0] = 0;
        f->n_lines = lw;
    }
    f->n_orders = w;
}

/* The customers first seen on or before day, renumbered in order: map[old] is the new number or
 * NO_INDEX; the ids of the others are freed, and the id lookup is ids (the lookup of the
 * customers before the cut) renumbered, or none when ids is NULL (ids in increasing order). */
static int cut_customers(dg_frame *f, int32_t day, const dg__strmap *ids, uint32_t *map)
{
    col cols[] = {
        { f->birth_year, 4 }, { f->acquired_day, 4 }, { f->first_seen_day, 4 },
        { f->region, 4 }, { f->gender, 4 }, { f->acquisition_channel, 4 },
        { f->account_staff, 4 }, { f->customer_type, 4 }, { f->income_band, 4 },
    };
    size_t w = 0;
    for (size_t c = 0; c < f->n_customers; c++) {
        int32_t seen = f->first_seen_day[c];
        if (seen != DG_DAY_NONE && seen > day) {
            map[c] = NO_INDEX;
            free(f->customer_id[c]);
            continue;
        }
        map[c] = (uint32_t)w;
        move_row(cols, sizeof cols / sizeof cols[0], c, w);
        f->customer_id[w++] = f->customer_id[c];
    }
    f->n_customers = w;
    if (!ids)   /* ids in increasing order, searched by halves: still in order */
        return 0;
    dg__strmap *renumbered = dg__strmap_renumbered(ids, map, w, f->customer_id);
    if (!renumbered)
        return DG_ENOMEM;
    dg__strmap_free(f->customer_map);
    f->customer_map = renumbered;
    return 0;
}

static int later(const dg_frame *f, int32_t day, dg_error *err)
{
    return dg_error_set(err, DG_EINVAL, "a frame as of %d cannot be cut to the later day %d",
                        (int)f->as_of, (int)day);
}

/* dg_frame_cut, with ids the customer lookup of the frame before the cut (f's own, or for a
 * copy, which has none yet, its source's). */
static int cut(dg_frame *f, int32_t day, const dg__strmap *ids, dg_error *err)
{
    size_t n_old = f->n_customers;
    uint32_t *map = malloc((n_old ? n_old : 1) * sizeof *map);
    if (!map)
        return dg_error_set(err, DG_ENOMEM, "out of memory while cutting the frame");
    rows kinds[5] = {
        { .offset = f->survey_offset, .n = &f->n_surveys, .day = f->survey_day },
        { .offset = f->feedback_offset, .n = &f->n_feedback, .day = f->feedback_day },
        { .offset = f->interaction_offset, .n = &f->n_interactions, .day = f->interaction_day },
        { .offset = f->partner_offset, .n = &f->n_partner, .day = f->partner_day },
        { .offset = f->referral_offset, .n = &f->n_referrals, .day = f->referral_day,
          .referred = f->referral_referred },
    };
    add(&kinds[0], f->survey_day, 4);
    add(&kinds[0], f->survey_nps, 1);
    add(&kinds[0], f->survey_csat, 1);
    add(&kinds[0], f->survey_repurchase, 1);
    add(&kinds[0], f->survey_recommend, 1);
    for (int i = 0; i < 3; i++)
        add(&kinds[0], f->survey_benefit[i], 1);
    for (int i = 0; i < 4; i++)
        add(&kinds[0], f->survey_cost[i], 1);
    add(&kinds[0], f->survey_touchpoint, 4);
    add(&kinds[1], f->feedback_day, 4);
    add(&kinds[1], f->feedback_kind, 4);
    add(&kinds[1], f->feedback_channel, 4);
    add(&kinds[1], f->feedback_staff, 4);
    add(&kinds[1], f->feedback_rating, 1);
    add(&kinds[2], f->interaction_day, 4);
    add(&kinds[2], f->interaction_touchpoint, 4);
    add(&kinds[2], f->interaction_kind, 4);
    add(&kinds[2], f->interaction_staff, 4);
    add(&kinds[2], f->interaction_rating, 1);
    add(&kinds[3], f->partner_day, 4);
    add(&kinds[3], f->partner_activity, 4);
    add(&kinds[4], f->referral_day, 4);
    add(&kinds[4], f->referral_referred, 4);

    /* customer numbers first (the map), then every kind of row under them */
    int rc = cut_customers(f, day, ids, map);
    if (rc == 0) {
        cut_orders(f, map, n_old, day);
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            cut_rows(&kinds[i], map, n_old, day);
        f->as_of = day;
    }
    free(map);
    if (rc != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory while cutting the frame");
    return 0;
}

int dg_frame_cut(dg_frame *f, int32_t day, dg_error *err)
{
    if (day > f->as_of)
        return later(f, day, err);
    return cut(f, day, f->customer_map, err);
}

int dg_frame_cut_copy(dg_frame **out, const dg_frame *frame, int32_t day, dg_error *err)
{
    *out = NULL;
    if (day > frame->as_of)
        return later(frame, day, err);
    dg_frame *f = NULL;
    if (dg__frame_copy(&f, frame) != 0)
        return dg_error_set(err, DG_ENOMEM, "out of memory while copying the frame");
    int rc = cut(f, day, frame->customer_map, err);
    if (rc != 0) {
        dg_frame_free(f);
        return rc;
    }
    *out = f;
    return 0;
}
