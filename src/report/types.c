/* The consultation-types report (include/dangol/report.h): conversion, CSAT, spend and complaint
 * rate per customer type, or how the suggestion rules fall on the customers, as `dangol types`
 * and /api/types show them. */
#include "dangol/report.h"

int dg_report_types(dg_report *out, const dg_frame *frame, const dg_report_types_options *opt,
                    dg_error *err)
{
    dg_table *t = NULL;
    int rc;
    if (opt && opt->suggestions) {
        dg_consult_rules *builtin = NULL;
        const dg_consult_rules *rules = opt->rules;
        rc = rules ? 0 : dg_consult_rules_default(&builtin, err);
        if (rc == 0)
            rc = dg_consult_suggestion_table(&t, frame, rules ? rules : builtin, err);
        dg_consult_rules_free(builtin);
    } else {
        rc = dg_consult_type_table(&t, frame, err);
    }
    if (rc == 0)
        rc = dg_report_add(out, t, err);
    return rc;
}
