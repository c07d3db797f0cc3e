/* `dangol types`: the customers by consultation type (conversion, CSAT, spend, complaint rate
 * with intervals), or how the type-suggestion rules fall on them (--suggestions). */
#include <getopt.h>
#include <stdio.h>

#include "cli/analysis.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    enum { OPT_AS_OF = 1, OPT_SUGGESTIONS, OPT_RULES };
    static const struct option options[] = {
        { "as-of", required_argument, NULL, OPT_AS_OF },
        { "suggestions", no_argument, NULL, OPT_SUGGESTIONS },
        { "rules", required_argument, NULL, OPT_RULES },
        { 0 } };
    int32_t as_of = DG_DAY_NONE;
    const char *rules_path = NULL;
    dg_report_types_options topts = { 0 };
    int o, code;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case OPT_AS_OF:
            if ((code = dg_cli_parse_day(cli, "--as-of", optarg, &as_of)) != 0)
                return code;
            break;
        case OPT_SUGGESTIONS: topts.suggestions = true; break;
        case OPT_RULES: rules_path = optarg; break;
        default: return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
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
