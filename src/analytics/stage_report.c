/* Relationship-ladder reports (include/dangol/stage.h): stage counts, the funnel with conversion
 * rates, the migration matrix between two dates, the history at month ends and the per-customer
 * list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/stage.h"
#include "dangol/text.h"

static int nomem(dg_error *err)
{
    return dg_error_set(err, DG_ENOMEM, "out of memory building a stage table");
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

int dg_stage_table(dg_table **out, const dg_stage_counts *k, dg_error *err)
{
    char title[64], day[16];
    snprintf(title, sizeof title, "Relationship stages on %s", dg_date_format(k->day, day));
    dg_table *t = dg_table_new(title);
    *out = NULL;
    size_t known = 0;
    for (int s = 0; s < DG_STAGE_COUNT; s++)
        known += k->stage[s];
    if (!t || dg_table_add_column(t, "stage", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "customers", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "share", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "active", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "lapsed", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "churned", DG_CELL_INT, 0))
        goto fail;
    for (int s = 0; s < DG_STAGE_COUNT; s++) {
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, dg_stage_name((dg_stage)s)))
            goto fail;
        dg_table_set_int(t, 1, (int64_t)k->stage[s]);
        dg_table_set_real(t, 2, ratio(k->stage[s], known));
        if (s != DG_STAGE_PROSPECT) {
            dg_table_set_int(t, 3, (int64_t)k->activity[s][DG_ACTIVITY_ACTIVE]);
            dg_table_set_int(t, 4, (int64_t)k->activity[s][DG_ACTIVITY_LAPSED]);
            dg_table_set_int(t, 5, (int64_t)k->activity[s][DG_ACTIVITY_CHURNED]);
        }
    }
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}

/* One count column per stage, in ladder order. */
static int add_stage_columns(dg_table *t)
{
    for (int s = 0; s < DG_STAGE_COUNT; s++)
        if (dg_table_add_column(t, dg_stage_name((dg_stage)s), DG_CELL_INT, 0))
            return DG_ENOMEM;
    return 0;
}

int dg_stage_funnel_table(dg_table **out, const dg_stage_counts *k, dg_error *err)
{
    char title[64], day[16];
    snprintf(title, sizeof title, "Relationship funnel on %s", dg_date_format(k->day, day));
    dg_table *t = dg_table_new(title);
    size_t reached[DG_STAGE_COUNT];
    *out = NULL;
    for (int s = DG_STAGE_COUNT - 1; s >= 0; s--)
        reached[s] = k->stage[s] + (s + 1 < DG_STAGE_COUNT ? reached[s + 1] : 0);
    if (!t || dg_table_add_column(t, "step", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "reached", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "share_of_known", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "conversion", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "now_at_step", DG_CELL_INT, 0))
        goto fail;
    for (int s = 0; s < DG_STAGE_COUNT; s++) {
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, dg_stage_name((dg_stage)s)))
            goto fail;
        dg_table_set_int(t, 1, (int64_t)reached[s]);
        dg_table_set_real(t, 2, ratio(reached[s], reached[0]));
        if (s > 0 && reached[s - 1] > 0)
            dg_table_set_real(t, 3, ratio(reached[s], reached[s - 1]));
        dg_table_set_int(t, 4, (int64_t)k->stage[s]);
    }
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}

int dg_stage_migration_table(dg_table **out, const dg_frame *f, const dg_stage_rules *r,
                             int32_t from, int32_t to, dg_error *err)
{
    size_t n = f->n_customers, cap = n ? n : 1;
    uint8_t *s0 = malloc(cap), *s1 = malloc(cap), *act = malloc(cap);
    dg_table *t = NULL;
    size_t matrix[DG_STAGE_COUNT + 1][DG_STAGE_COUNT] = { { 0 } };
    int rc = 0;
    *out = NULL;
    if (!s0 || !s1 || !act) {
        rc = nomem(err);
        goto cleanup;
    }
    if (from > to) {
        rc = dg_error_set(err, DG_EINVAL, "the migration's FROM date is after its TO date");
        goto cleanup;
    }
    if ((rc = dg_stage_at(f, r, from, s0, act, err)) != 0 ||
        (rc = dg_stage_at(f, r, to, s1, act, err)) != 0)
        goto cleanup;
    for (size_t c = 0; c < n; c++) {
        if (s1[c] >= DG_STAGE_COUNT)
            continue;   /* not known at TO either */
        size_t row = s0[c] < DG_STAGE_COUNT ? s0[c] : DG_STAGE_COUNT;
        matrix[row][s1[c]]++;
    }
    char title[96], a[16], b[16];
    snprintf(title, sizeof title, "Stage migration %s -> %s", dg_date_format(from, a),
             dg_date_format(to, b));
    if (!(t = dg_table_new(title)) || dg_table_add_column(t, "from \\ to", DG_CELL_TEXT, 0)) {
        rc = nomem(err);
        goto cleanup;
    }
    if (add_stage_columns(t) || dg_table_add_column(t, "total", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "stayed", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "up", DG_CELL_PERCENT, 1) ||
        dg_table_add_column(t, "down", DG_CELL_PERCENT, 1)) {
        rc = nomem(err);
        goto cleanup;
    }
    for (size_t row = 0; row <= DG_STAGE_COUNT; row++) {
        if (dg_table_add_row(t) ||
            dg_table_set_text(t, 0, row < DG_STAGE_COUNT ? dg_stage_name((dg_stage)row)
                                                         : "(not yet known)")) {
            rc = nomem(err);
            goto cleanup;
        }
        size_t total = 0, stayed = 0, up = 0, down = 0;
        for (size_t s = 0; s < DG_STAGE_COUNT; s++) {
            dg_table_set_int(t, 1 + s, (int64_t)matrix[row][s]);
            total += matrix[row][s];
            if (row == DG_STAGE_COUNT)
                continue;
            if (s == row)
                stayed += matrix[row][s];
            else if (s > row)
                up += matrix[row][s];
            else
                down += matrix[row][s];
        }
        dg_table_set_int(t, 1 + DG_STAGE_COUNT, (int64_t)total);
        if (row < DG_STAGE_COUNT && total > 0) {
            dg_table_set_real(t, 2 + DG_STAGE_COUNT, ratio(stayed, total));
            dg_table_set_real(t, 3 + DG_STAGE_COUNT, ratio(up, total));
            dg_table_set_real(t, 4 + DG_STAGE_COUNT, ratio(down, total));
        }
    }
    *out = t;
    t = NULL;
cleanup:
    free(s0);
    free(s1);
    free(act);
    dg_table_free(t);
    return rc;
}

/* Last day of the month holding day. */
static int32_t month_end(int32_t day)
{
    int y, m, d;
    dg_civil_from_days(day, &y, &m, &d);
    return m == 12 ? dg_days_from_civil(y + 1, 1, 1) - 1 : dg_days_from_civil(y, m + 1, 1) - 1;
}

int dg_stage_history_table(dg_table **out, const dg_frame *f, const dg_stage_rules *r,
                           int32_t from, int32_t to, dg_error *err)
{
    size_t cap = f->n_customers ? f->n_customers : 1;
    uint8_t *stage = malloc(cap), *act = malloc(cap);
    dg_table *t = dg_table_new("Relationship stages at month ends");
    int rc = 0;
    *out = NULL;
    if (!stage || !act || !t || dg_table_add_column(t, "date", DG_CELL_DATE, 0)) {
        rc = nomem(err);
        goto cleanup;
    }
    if (add_stage_columns(t) || dg_table_add_column(t, "lapsed", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "churned", DG_CELL_INT, 0)) {
        rc = nomem(err);
        goto cleanup;
    }
    if (from > to) {
        rc = dg_error_set(err, DG_EINVAL, "the history's start is after its end");
        goto cleanup;
    }
    for (int32_t day = month_end(from);; day = month_end(day + 1)) {
        if (day > to)
            day = to;
        dg_stage_counts k;
        if ((rc = dg_stage_at(f, r, day, stage, act, err)) != 0)
            goto cleanup;
        dg_stage_count(stage, act, f->n_customers, day, &k);
        if (dg_table_add_row(t)) {
            rc = nomem(err);
            goto cleanup;
        }
        dg_table_set_int(t, 0, day);
        size_t lapsed = 0, churned = 0;
        for (int s = 0; s < DG_STAGE_COUNT; s++) {
            dg_table_set_int(t, 1 + (size_t)s, (int64_t)k.stage[s]);
            lapsed += k.activity[s][DG_ACTIVITY_LAPSED];
            churned += k.activity[s][DG_ACTIVITY_CHURNED];
        }
        dg_table_set_int(t, 1 + DG_STAGE_COUNT, (int64_t)lapsed);
        dg_table_set_int(t, 2 + DG_STAGE_COUNT, (int64_t)churned);
        if (day >= to)
            break;
    }
    *out = t;
    t = NULL;
cleanup:
    free(stage);
    free(act);
    dg_table_free(t);
    return rc;
}

int dg_stage_customer_table(dg_table **out, const dg_frame *f, const uint8_t *stage,
                            const uint8_t *activity, int32_t day, dg_error *err)
{
    dg_table *t = dg_table_new("Stage per customer");
    *out = NULL;
    if (!t || dg_table_add_column(t, "customer_id", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "stage", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "flag", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "orders", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "last_order", DG_CELL_DATE, 0))
        goto fail;
    for (size_t c = 0; c < f->n_customers; c++) {
        if (stage[c] >= DG_STAGE_COUNT)
            continue;
        size_t begin = f->order_offset[c], end = f->order_offset[c + 1];
        while (end > begin && f->order_day[end - 1] > day)
            end--;
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, f->customer_id[c]) ||
            dg_table_set_text(t, 1, dg_stage_name((dg_stage)stage[c])) ||
            dg_table_set_text(t, 2, dg_activity_name((dg_activity)activity[c])))
            goto fail;
        dg_table_set_int(t, 3, (int64_t)(end - begin));
        if (end > begin)
            dg_table_set_int(t, 4, f->order_day[end - 1]);
    }
    *out = t;
    return 0;
fail:
    dg_table_free(t);
    return nomem(err);
}
