/* Private to the demo generator: the clinic business (src/demo/clinic.c), chosen by
 * dg_demo_options.business in dg_demo_generate (src/demo/output.c). */
#ifndef DANGOL_DEMO_CLINIC_H
#define DANGOL_DEMO_CLINIC_H

#include "dangol/demo.h"

/* Generates the clinic, handing every row to row_fn (as dg_demo_run does). */
int dg__demo_clinic_run(const dg_demo_options *opt, dg_demo_row_fn row_fn, void *row_ctx,
                        dg_progress_fn progress, void *progress_ctx, dg_error *err);

#endif
