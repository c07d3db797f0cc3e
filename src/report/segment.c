/* The feature and segmentation reports (include/dangol/report.h): the feature table of a frame,
 * and the segmentation of its customers in one of its views, as `dangol features|segment` and
 * /api/segments show them. */
#include <string.h>

#include "dangol/report.h"

int dg_report_features(dg_report *out, dg_store *store, const dg_frame *frame, dg_error *err)
{
    dg_features *f = NULL;
    dg_table *t = NULL;
    int rc = dg_features_compute_stored(&f, store, frame, NULL, err);
    if (rc == 0 && (rc = dg_features_table(&t, frame, f, err)) == 0)
        rc = dg_report_add(out, t, err);
    dg_features_free(f);
    return rc;
}

int dg_segment_view_parse(const char *name, dg_segment_view *view, dg_error *err)
{
    static const char *const names[] = { "profiles", "means", "customers", "silhouette",
                                         "crosstab" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *view = (dg_segment_view)i;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "view \"%s\" is not one of: profiles, means, customers, "
                        "silhouette, crosstab", name);
}

/* The crosstab against the RFM segments of the built-in map. */
static int crosstab(dg_table **t, const dg_frame *frame, const dg_segmentation *seg,
                    dg_error *err)
{
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result rfm = { 0 };
    dg_rfm_options ropts = { .as_of = seg->features->as_of };
    int rc = dg_rfm_segment_map_default(&map, err);
    if (rc == 0)
        rc = dg_rfm_compute(&rfm, frame, &ropts, map, err);
    if (rc == 0)
        rc = dg_segment_crosstab_table(t, seg, &rfm, map, err);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(map);
    return rc;
}

int dg_report_segment(dg_report *out, dg_store *store, const dg_frame *frame,
                      dg_segment_view view, const dg_segment_options *opt, dg_error *err)
{
    dg_features *f = NULL;
    dg_segmentation *seg = NULL;
    dg_table *t = NULL;
    int rc = dg_features_compute_stored(&f, store, frame, NULL, err);
    if (rc == 0)
        rc = dg_segment_run(&seg, f, opt, err);
    if (rc == 0) {
        switch (view) {
        case DG_SEGMENT_VIEW_MEANS: rc = dg_segment_means_table(&t, seg, err); break;
        case DG_SEGMENT_VIEW_CUSTOMERS: rc = dg_segment_customer_table(&t, frame, seg, err); break;
        case DG_SEGMENT_VIEW_SILHOUETTE: rc = dg_segment_silhouette_table(&t, seg, err); break;
        case DG_SEGMENT_VIEW_CROSSTAB: rc = crosstab(&t, frame, seg, err); break;
        case DG_SEGMENT_VIEW_PROFILES:
        default: rc = dg_segment_profile_table(&t, seg, frame->minor_digits, err); break;
        }
    }
    if (rc == 0)
        rc = dg_report_add(out, t, err);
    dg_segmentation_free(seg);
    dg_features_free(f);
    return rc;
}
