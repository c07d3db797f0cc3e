/* The tables of a segmentation (include/dangol/segment.h): profiles, means, the silhouette for
 * each k tried, the customers and the crosstab against the RFM segments. Each carries the
 * segmentation's notes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/segment.h"
#include "dangol/vocab.h"

static int finish(dg_table **out, dg_table *t, const dg_segmentation *seg, int rc, dg_error *err)
{
    for (size_t i = 0; rc == 0 && i < dg_table_notes(seg->notes); i++)
        rc = dg_table_add_note(t, dg_table_note(seg->notes, i));
    if (rc == 0 && t)
        rc = dg_table_failed(t);
    if (rc != 0 || !t) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory for the segment table");
    }
    *out = t;
    return 0;
}

/* Sets the name columns (code, English, Korean) from col. */
static int set_name(dg_table *t, size_t col, dg_segment_name name)
{
    const char *code = dg_segment_name_code(name);
    const dg_vocab_entry *e = dg_vocab_find("cluster", code);
    int rc = dg_table_set_text(t, col, code);
    if (rc == 0)
        rc = dg_table_set_text(t, col + 1, e ? e->en : code);
    if (rc == 0)
        rc = dg_table_set_text(t, col + 2, e ? e->ko : code);
    return rc;
}

static int name_columns(dg_table *t)
{
    int rc = dg_table_add_column(t, "segment", DG_CELL_INT, 0);
    if (rc == 0)
        rc = dg_table_add_column(t, "cluster", DG_CELL_TEXT, 0);
    if (rc == 0)
        rc = dg_table_add_column(t, "name", DG_CELL_TEXT, 0);
    if (rc == 0)
        rc = dg_table_add_column(t, "name_ko", DG_CELL_TEXT, 0);
    return rc;
}

int dg_segment_profile_table(dg_table **out, const dg_segmentation *seg, int minor_digits,
                             dg_error *err)
{
    const dg_features *f = seg->features;
    dg_table *t = dg_table_new("Segment profiles (feature means as ratios to the population)");
    int rc = t ? name_columns(t) : DG_ENOMEM;
    const char *cols[] = { "customers", "share", "revenue", "revenue_share" };
    const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_PERCENT, DG_CELL_MONEY, DG_CELL_PERCENT };
    for (size_t i = 0; rc == 0 && i < 4; i++)
        rc = dg_table_add_column(t, cols[i], types[i], types[i] == DG_CELL_MONEY ? minor_digits : 1);
    for (size_t u = 0; rc == 0 && u < seg->n_used; u++) {
        char name[160];
        snprintf(name, sizeof name, "%s_ratio", f->names[seg->used[u]]);
        rc = dg_table_add_column(t, name, DG_CELL_REAL, 2);
    }
    for (size_t c = 0; rc == 0 && c < seg->k; c++) {
        rc = dg_table_add_row(t);
        if (rc == 0)
            rc = set_name(t, 1, seg->name[c]);
        if (rc != 0)
            break;
        dg_table_set_int(t, 0, (int64_t)c + 1);
        dg_table_set_int(t, 4, (int64_t)seg->km->size[c]);
        dg_table_set_real(t, 5, (double)seg->km->size[c] / (double)f->n_rows);
        dg_table_set_int(t, 6, seg->revenue_minor[c]);
        if (seg->total_revenue_minor > 0)
            dg_table_set_real(t, 7, (double)seg->revenue_minor[c] /
                                        (double)seg->total_revenue_minor);
        for (size_t u = 0; u < seg->n_used; u++) {
            size_t j = seg->used[u];
            double pop = seg->population_mean[j];
            if (pop != 0.0)
                dg_table_set_real(t, 8 + u, seg->mean[c * f->n_features + j] / pop);
        }
    }
    if (rc == 0) {
        char text[160];
        snprintf(text, sizeof text, "k = %zu; mean silhouette %.3f on %zu customers",
                 seg->k, seg->chosen_silhouette, seg->sample);
        rc = dg_table_add_note(t, text);
    }
    return finish(out, t, seg, rc, err);
}

int dg_segment_means_table(dg_table **out, const dg_segmentation *seg, dg_error *err)
{
    const dg_features *f = seg->features;
    dg_table *t = dg_table_new("Segment means of the features");
    int rc = t ? name_columns(t) : DG_ENOMEM;
    for (size_t u = 0; rc == 0 && u < seg->n_used; u++)
        rc = dg_table_add_column(t, f->names[seg->used[u]], DG_CELL_REAL, 2);
    for (size_t c = 0; rc == 0 && c <= seg->k; c++) {
        bool population = c == seg->k;
        const double *m = population ? seg->population_mean : seg->mean + c * f->n_features;
        rc = dg_table_add_row(t);
        if (rc == 0)
            rc = population ? dg_table_set_text(t, 1, "(all)") : set_name(t, 1, seg->name[c]);
        if (rc != 0)
            break;
        if (!population)
            dg_table_set_int(t, 0, (int64_t)c + 1);
        for (size_t u = 0; u < seg->n_used; u++)
            dg_table_set_real(t, 4 + u, m[seg->used[u]]);
    }
    return finish(out, t, seg, rc, err);
}

int dg_segment_silhouette_table(dg_table **out, const dg_segmentation *seg, dg_error *err)
{
    dg_table *t = dg_table_new("Mean silhouette for each k tried");
    int rc = t ? dg_table_add_column(t, "k", DG_CELL_INT, 0) : DG_ENOMEM;
    if (rc == 0)
        rc = dg_table_add_column(t, "silhouette", DG_CELL_REAL, 4);
    if (rc == 0)
        rc = dg_table_add_column(t, "inertia", DG_CELL_REAL, 2);
    if (rc == 0)
        rc = dg_table_add_column(t, "chosen", DG_CELL_TEXT, 0);
    size_t rows = seg->n_tried ? seg->n_tried : 1;
    for (size_t i = 0; rc == 0 && i < rows; i++) {
        size_t k = seg->n_tried ? seg->k_tried[i] : seg->k;
        rc = dg_table_add_row(t);
        if (rc == 0)
            rc = dg_table_set_text(t, 3, k == seg->k ? "yes" : "no");
        dg_table_set_int(t, 0, (int64_t)k);
        dg_table_set_real(t, 1, seg->n_tried ? seg->silhouette[i] : seg->chosen_silhouette);
        dg_table_set_real(t, 2, seg->n_tried ? seg->inertia[i] : seg->km->inertia);
    }
    if (rc == 0) {
        char text[200];
        snprintf(text, sizeof text, "silhouette on a sample of %zu customers (Rousseeuw 1987)%s",
                 seg->sample, seg->n_tried ? "" : "; k was given, no other k tried");
        rc = dg_table_add_note(t, text);
    }
    return finish(out, t, seg, rc, err);
}

int dg_segment_customer_table(dg_table **out, const dg_frame *frame, const dg_segmentation *seg,
                              dg_error *err)
{
    dg_table *t = dg_table_new("Customers by segment");
    int rc = t ? dg_table_add_column(t, "customer_id", DG_CELL_TEXT, 0) : DG_ENOMEM;
    if (rc == 0)
        rc = name_columns(t);
    for (size_t i = 0; rc == 0 && i < seg->features->n_rows; i++) {
        uint32_t c = seg->km->label[i];
        rc = dg_table_add_row(t);
        if (rc == 0)
            rc = dg_table_set_text(t, 0, frame->customer_id[seg->features->customer[i]]);
        if (rc == 0)
            rc = set_name(t, 2, seg->name[c]);
        dg_table_set_int(t, 1, (int64_t)c + 1);
    }
    return finish(out, t, seg, rc, err);
}

int dg_segment_crosstab_table(dg_table **out, const dg_segmentation *seg,
                              const dg_rfm_result *rfm, const dg_rfm_segment_map *map,
                              dg_error *err)
{
    size_t k = seg->k, ns = map->n_segments;
    int64_t *count = calloc(k * ns > 0 ? k * ns : 1, sizeof *count);
    dg_table *t = count ? dg_table_new("Segments against the RFM segments (customers)") : NULL;
    int rc = t ? name_columns(t) : DG_ENOMEM;
    for (size_t s = 0; rc == 0 && s < ns; s++)
        rc = dg_table_add_column(t, map->names[s], DG_CELL_INT, 0);
    for (size_t i = 0; rc == 0 && i < seg->features->n_rows; i++) {
        uint16_t s = rfm->segment[seg->features->customer[i]];
        if (s != DG_RFM_NO_SEGMENT && s < ns)
            count[seg->km->label[i] * ns + s]++;
    }
    for (size_t c = 0; rc == 0 && c < k; c++) {
        rc = dg_table_add_row(t);
        if (rc == 0)
            rc = set_name(t, 1, seg->name[c]);
        dg_table_set_int(t, 0, (int64_t)c + 1);
        for (size_t s = 0; s < ns; s++)
            dg_table_set_int(t, 4 + s, count[c * ns + s]);
    }
    free(count);
    return finish(out, t, seg, rc, err);
}
