/* `dangol types`: the customers by consultation type (conversion, CSAT, spend, complaint rate
 * with intervals), or how the type-suggestion rules fall on them (--suggestions). */
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    int32_t as_of = DG_DAY_NONE;
    const char *rules_path = NULL;
    dg_report_types_options topts = { 0 };
    const dg_cli_option options[] = {
        dg_cli_day("as-of", &as_of, NULL),
        dg_cli_flag("suggestions", &topts.suggestions),
        dg_cli_text("rules", &rules_path),
    };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    if (rules_path && !topts.suggestions)
        return dg_cli_usage_error(cli, "--rules is for --suggestions");
    dg_error err;
    dg_error_clear(&err);
    dg_consult_rules *rules = NULL;
    if (rules_path && dg_consult_rules_load(&rules, rules_path, &err) != 0)
        return dg_cli_fail(cli, &err);
    topts.rules = rules;
    dg_frame *frame = NULL;
    dg_report report = { 0 };
    if ((code = dg_cli_load_frame(cli, as_of, false, &frame)) == 0)
        code = dg_cli_report_print(cli, dg_report_types(&report, frame, &topts, &err), &report,
                                   &err);
    dg_report_clear(&report);
    dg_frame_free(frame);
    dg_consult_rules_free(rules);
    return code;
}

DG_CLI_COMMAND(types) = {
    "types", "customers by consultation type; the type-suggestion rules",
    "usage: dangol [--db PATH] [--format table|csv|json] types [--as-of DATE]\n"
    "                 [--suggestions [--rules FILE]]\n\n"
    "Prints, per consultation type (customers.customer_type: careful, impatient, ...; the\n"
    "guidance for each is on the customer card), the customers, conversion from prospect to\n"
    "buyer, CSAT of their latest answers, revenue per buyer and the share who complained, each\n"
    "with its 95% interval. Formulas: docs/types.md.\n"
    "  --as-of DATE      ignore everything after DATE (default: the last day in the store)\n"
    "  --suggestions     per rule of the type-suggestion rules: the customers it suggests a\n"
    "                    type for, how many have no type yet (`dangol customer show` shows\n"
    "                    them the suggestion), and how often it agrees with a type staff set\n"
    "  --rules FILE      the suggestion rules (see config/customer_types.conf)\n",
    run,
};
