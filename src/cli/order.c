/* `dangol order return`: a cancelled or returned order undone in one write — its points earn
 * reversed and its coupon redemption reversed (restored or forfeited by the rules), audited
 * (dangol/order_return.h). The CLI only parses and prints. */
#include <stdio.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/order_return.h"

static int print_result(dg_cli *cli, const char *order_id, const dg_order_return_result *r)
{
    static const char *const names[] = { "order_id", "customer_id", "points_movement", "points",
                                         "absorbed", "coupon_code", "discount", "coupon_policy",
                                         "replacement_code", "replayed" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_ID, DG_CELL_INT,
                                          DG_CELL_INT, DG_CELL_TEXT, DG_CELL_MONEY, DG_CELL_TEXT,
                                          DG_CELL_TEXT, DG_CELL_TEXT };
    dg_table *t = dg_cli_table("Order returned", names, types, sizeof names / sizeof names[0]);
    if (!t)
        return dg_cli_print_free(cli, t);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, order_id);
    dg_table_set_text(t, 1, r->customer_id);
    if (r->points_movement_id > 0)
        dg_table_set_int(t, 2, r->points_movement_id);
    dg_table_set_int(t, 3, r->points);
    dg_table_set_int(t, 4, r->absorbed);
    if (r->redemption_id > 0) {
        dg_table_set_text(t, 5, r->coupon_code);
        dg_table_set_int(t, 6, r->discount);
        dg_table_set_text(t, 7, dg_coupon_return_policy_code(r->coupon_policy));
        if (r->replacement_code[0])
            dg_table_set_text(t, 8, r->replacement_code);
    }
    dg_table_set_text(t, 9, r->replayed ? "yes" : "no");
    if (r->points_reversed_before)
        dg_table_add_note(t, "the order's points were reversed before (dangol points reverse)");
    if (r->redemption_id > 0 && r->coupon_policy == DG_COUPON_RETURN_RESTORE &&
        !r->replacement_code[0])
        dg_table_add_note(t, "the coupon's definition was voided or has expired: no code was "
                             "restored");
    if (r->replayed)
        dg_table_add_note(t, "this idempotency key was used before: its first result is shown "
                             "and nothing was written");
    return dg_cli_print_free(cli, t);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "return") != 0)
        return dg_cli_usage_error(cli, argc < 2 ? "missing subcommand; valid: return"
                                                : "unknown subcommand; valid: return");
    dg_order_return_request r = { .kind = DG_RETURN_RETURNED, .day = DG_POINTS_TODAY };
    const char *rules_path = NULL;
    bool cancelled = false;
    const dg_cli_option options[] = {
        dg_cli_flag("cancelled", &cancelled),
        dg_cli_day("date", &r.day, NULL),
        dg_cli_text("reason", &r.reason),
        dg_cli_text("actor", &r.actor),
        dg_cli_text("idempotency-key", &r.idempotency_key),
        dg_cli_text("rules", &rules_path),
    };
    dg_cli_getopt_reset();
    int code = dg_cli_options(cli, argc - 1, argv + 1, options, DG_CLI_N(options), &r.order_id,
                              1);
    if (code != DG_EXIT_OK)
        return code;
    if (!r.order_id)
        return dg_cli_usage_error(cli, "return takes an order id");
    if (cancelled)
        r.kind = DG_RETURN_CANCELLED;
    dg_error err;
    dg_error_clear(&err);
    dg_points_rules rules;
    if ((code = dg_cli_points_rules(cli, rules_path, &rules)) != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor actor;
    dg_audit_actor_cli(&actor, name);
    r.audit = &actor;
    dg_order_return_result res;
    int rc = dg_order_return(store, &rules, &r, &res, &err);
    dg_store_close(store);
    return rc != 0 ? dg_cli_fail(cli, &err) : print_result(cli, r.order_id, &res);
}

DG_CLI_COMMAND(order) = {
    "order", "a cancelled or returned order: its points and coupon reversed in one write",
    "usage: dangol [--db PATH] [--format table|csv|json] order return ORDER_ID [--cancelled]\n"
    "                  [--date DATE] [--reason TEXT] [--actor WHO] [--idempotency-key KEY]\n"
    "                  [--rules FILE]\n\n"
    "Undoes a returned (or, with --cancelled, cancelled) order in one transaction: the points it\n"
    "earned are reversed (the unspent rest, and the spent part as the rules' reverse_spent\n"
    "says), the coupon redeemed on it is reversed (it no longer counts in redemption rates,\n"
    "limits or costs) and, by the rules' return_coupon (restore or forfeit), the customer gets\n"
    "a new code of the same definition or nothing; the order.return audit entry is written with\n"
    "them. An order is returned once (a second return exits 1); an unknown order exits 3.\n"
    "  --date DATE      the day of the return (default: today, UTC)\n"
    "  --rules FILE     the points rules (config/points.conf) with both policies\n"
    "docs/points.md, \"Cancelled and returned orders\".\n",
    run,
};
