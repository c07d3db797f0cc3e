/* Headline KPIs by calendar month: the dashboard's overview and `dangol kpi`. For each of the
 * last N months up to the frame's as-of day: customers known by the month's end, new customers,
 * active customers (at least one order in the month), orders, revenue, the repeat rate (share of
 * customers with an order by the month's end who have ordered at least twice, a fraction) and
 * the month's NPS (% promoters 9-10 minus % detractors 0-6) as docs/loyalty.md defines it: each
 * customer counts once, with their latest answer in the month; with n and the adjusted-Wald 95%
 * interval of dg_nps_from_counts. */
#ifndef DANGOL_KPI_H
#define DANGOL_KPI_H

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/table.h"
#include "dangol/export.h"

DG_API_BEGIN

#define DG_KPI_MONTHS_MAX 240

/* Monthly KPIs of the last n_months calendar months (1..DG_KPI_MONTHS_MAX) ending with the month
 * of frame->as_of (a partial month). Columns: month (YYYY-MM), customers, new_customers,
 * active_customers, orders, revenue (money), repeat_rate (a fraction; PERCENT), nps (real, null
 * without answers), nps_n (customers who answered), nps_ci_low, nps_ci_high (null without
 * answers). Caller frees *out with dg_table_free. */
int dg_kpi_monthly(dg_table **out, const dg_frame *frame, int n_months, dg_error *err);

DG_API_END

#endif
