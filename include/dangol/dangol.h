/* libdangol, all of it: a program that embeds the library includes this one header (or only the
 * headers of the areas it uses). Compile and link with `pkg-config --cflags --libs dangol`. The
 * conventions every header follows (out-parameter first, 0 or a DG_E* code, dg_error filled,
 * _free releases an object, _clear empties one the caller owns) are in docs/library.md. */
#ifndef DANGOL_DANGOL_H
#define DANGOL_DANGOL_H

#include "dangol/version.h"

#include "dangol/auth.h"
#include "dangol/btyd.h"
#include "dangol/clv.h"
#include "dangol/clv_io.h"
#include "dangol/cohort.h"
#include "dangol/consent.h"
#include "dangol/consult.h"
#include "dangol/csv.h"
#include "dangol/cube.h"
#include "dangol/economics.h"
#include "dangol/currency.h"
#include "dangol/customer.h"
#include "dangol/demo.h"
#include "dangol/entity.h"
#include "dangol/erasure.h"
#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/id.h"
#include "dangol/ingest.h"
#include "dangol/kpi.h"
#include "dangol/loyalty.h"
#include "dangol/money.h"
#include "dangol/points.h"
#include "dangol/calendar.h"
#include "dangol/campaign.h"
#include "dangol/ticket.h"
#include "dangol/progress.h"
#include "dangol/report.h"
#include "dangol/rfm.h"
#include "dangol/rng.h"
#include "dangol/shrink.h"
#include "dangol/stage.h"
#include "dangol/staff.h"
#include "dangol/store.h"
#include "dangol/table.h"
#include "dangol/text.h"
#include "dangol/tier.h"
#include "dangol/uplift.h"
#include "dangol/utf8.h"
#include "dangol/vocab.h"
#include "dangol/churn.h"
#include "dangol/model.h"

#endif
