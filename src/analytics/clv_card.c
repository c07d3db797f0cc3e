/* The "Lifetime value" section of a customer card (dangol customer show, the API's card): the
 * model, P(alive), expected purchases, expected spend and CLV of one customer of a CLV report,
 * and the summary (x, t_x, T) they rest on, as (item, value) rows. */
#include <math.h>
#include <stdio.h>

#include "dangol/clv.h"
#include "dangol/text.h"

/* A row of text, or of value with decimals (-1: none), shown as `dangol clv predict` shows the
 * same quantity: probabilities and expected purchases with 4 decimals, times with 2, counts whole. */
static int card_row(dg_table *t, const char *item, const char *text, double value, int decimals)
{
    if (dg_table_add_row(t) != 0 || dg_table_set_text(t, 0, item) != 0)
        return -1;
    if (text)
        return dg_table_set_text(t, 1, text);
    if (decimals >= 0) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.*f", decimals, value);
        return dg_table_set_text(t, 1, buf);
    }
    return 0;
}

/* A money amount (major units of the store currency) as "1,234,567" / "1,234.57"; a dash and
 * the reason for NAN, a customer the spend model left out. */
static int card_money_row(dg_table *t, const char *item, double value, int minor_digits)
{
    char buf[64];
    if (isnan(value))
        return card_row(t, item, "- (mean repeat purchase value is 0 or negative: outside the "
                        "Gamma-Gamma spend model)", 0, -1);
    double minor = round(value * pow(10.0, minor_digits));
    dg_money_format_human(isfinite(minor) ? (int64_t)minor : 0, minor_digits, buf, sizeof buf);
    return card_row(t, item, buf, 0, -1);
}

dg_table *dg_clv_card_section(const dg_clv_report *report, long row, int minor_digits)
{
    dg_table *t = dg_table_new("Lifetime value");
    const dg_clv_summary *s = report->summary;
    const char *unit = s->days_per_unit == 7.0 ? "weeks" : s->days_per_unit == 1.0 ? "days" : "units";
    char item[96];
    int bad = 0;
    if (!t || dg_table_add_column(t, "item", DG_CELL_TEXT, 0) != 0 ||
        dg_table_add_column(t, "value", DG_CELL_TEXT, 0) != 0) {
        dg_table_free(t);
        return NULL;
    }
    bad |= card_row(t, "model", dg_btyd_model_name(report->fit.params.model), 0, -1);
    if (row < 0 || (size_t)row >= s->n) {
        bad |= card_row(t, "status", "no purchase in the calibration period", 0, -1);
    } else {
        size_t i = (size_t)row;
        bad |= card_row(t, "P(alive)", NULL, report->p_alive[i], 4);
        snprintf(item, sizeof item, "expected purchases, next %g %s", report->horizon, unit);
        bad |= card_row(t, item, NULL, report->expected_purchases[i], 4);
        if (report->has_spend) {
            bad |= card_money_row(t, "expected spend per purchase", report->expected_spend[i],
                                  minor_digits);
            snprintf(item, sizeof item, "CLV, next %g %s at %g%% per %s", report->horizon, unit,
                     report->discount_rate * 100, unit[0] == 'w' ? "week" : "day");
            bad |= card_money_row(t, item, report->clv[i], minor_digits);
        }
        bad |= card_row(t, "repeat purchases (x)", NULL, s->frequency[i], 0);
        snprintf(item, sizeof item, "last repeat purchase (t_x, %s)", unit);
        bad |= card_row(t, item, NULL, s->recency[i], 2);
        snprintf(item, sizeof item, "customer age (T, %s)", unit);
        bad |= card_row(t, item, NULL, s->T[i], 2);
    }
    if (bad) {
        dg_table_free(t);
        return NULL;
    }
    return t;
}
