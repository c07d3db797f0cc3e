/* `dangol points`: the points ledger — earn, burn, adjust, reverse, the expiry job, balances,
 * statements and the liability report. Every write is one operation of the library
 * (dangol/points.h); every report comes from the report layer, as the API shows it. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/points.h"

typedef struct points_args {
    const char *customer, *order, *reason, *actor, *source, *source_id, *key, *rules_path;
    const char *points_text, *multiplier_text, *top_text;
    int32_t day;        /* --date or --as-of */
    bool day_given;
    const char *positional;
} points_args;

static int parse_args(dg_cli *cli, int argc, char **argv, points_args *a)
{
    memset(a, 0, sizeof *a);
    a->day = DG_POINTS_TODAY;
    const dg_cli_option options[] = {
        dg_cli_text("customer", &a->customer),
        dg_cli_text("order", &a->order),
        dg_cli_text("points", &a->points_text),
        dg_cli_text("reason", &a->reason),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("source", &a->source),
        dg_cli_text("source-id", &a->source_id),
        dg_cli_text("idempotency-key", &a->key),
        dg_cli_text("rules", &a->rules_path),
        dg_cli_day("date", &a->day, &a->day_given),
        dg_cli_day("as-of", &a->day, &a->day_given),
        dg_cli_text("multiplier", &a->multiplier_text),
        dg_cli_text("top", &a->top_text),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options),
                          &a->positional, 1);
}

/* The request of a write from the arguments; DG_EXIT_USAGE (printed) when one is bad. */
static int build_request(dg_cli *cli, const points_args *a, bool amount, bool allow_negative,
                         dg_points_request *r)
{
    dg_error err;
    dg_error_clear(&err);
    memset(r, 0, sizeof *r);
    r->customer_id = a->customer;
    r->day = a->day;
    r->reason = a->reason;
    r->actor = a->actor;
    r->source = DG_POINTS_SOURCE_MANUAL;
    r->source_id = a->source_id;
    r->idempotency_key = a->key;
    if (a->source && dg_points_source_parse(a->source, &r->source, &err) != 0)
        return dg_cli_usage_error(cli, "--source: %s", err.message);
    if (a->order) {
        r->source = DG_POINTS_SOURCE_ORDER;
        r->source_id = a->order;
    }
    if (amount && !a->points_text)
        return dg_cli_usage_error(cli, "--points N is required");
    if (amount && dg_points_amount_parse(a->points_text, "--points", allow_negative, &r->points,
                                         &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
    if (a->multiplier_text) {
        int64_t m;
        if (dg_points_amount_parse(a->multiplier_text, "--multiplier", false, &m, &err) != 0 ||
            m > 1000000)
            return dg_cli_usage_error(cli, "--multiplier \"%s\": expected per mille, 1 to "
                                      "1000000 (1000 = x1)", a->multiplier_text);
        r->multiplier_per_mille = m;
    }
    return DG_EXIT_OK;
}

static int print_result(dg_cli *cli, const dg_points_result *res)
{
    dg_table *t = dg_table_new("Points movement");
    dg_table_add_column(t, "movement", DG_CELL_INT, 0);
    dg_table_add_column(t, "points", DG_CELL_INT, 0);
    dg_table_add_column(t, "balance", DG_CELL_INT, 0);
    dg_table_add_column(t, "absorbed", DG_CELL_INT, 0);
    dg_table_add_column(t, "replayed", DG_CELL_TEXT, 0);
    dg_table_add_row(t);
    if (res->movement_id > 0) {
        dg_table_set_int(t, 0, res->movement_id);
        dg_table_set_int(t, 1, res->points);
    }
    dg_table_set_int(t, 2, res->balance);
    dg_table_set_int(t, 3, res->absorbed);
    dg_table_set_text(t, 4, res->replayed ? "yes" : "no");
    if (res->replayed)
        dg_table_add_note(t, "this idempotency key was used before: its first result is shown "
                             "and nothing was written");
    int code = dg_cli_print(cli, t);
    dg_table_free(t);
    return code;
}

typedef enum { WRITE_EARN, WRITE_BURN, WRITE_ADJUST, WRITE_REVERSE } write_op;

static int write_movement(dg_cli *cli, write_op op, const points_args *a)
{
    dg_points_request r;
    bool amount = op == WRITE_BURN || op == WRITE_ADJUST || (op == WRITE_EARN && !a->order);
    int code = build_request(cli, a, amount, op == WRITE_ADJUST, &r);
    if (code != DG_EXIT_OK)
        return code;
    if ((op == WRITE_REVERSE || (op == WRITE_EARN && !a->customer)) && !a->order)
        return dg_cli_usage_error(cli, "--order ID is required");
    if ((op == WRITE_BURN || op == WRITE_ADJUST || (op == WRITE_EARN && !a->order)) &&
        !a->customer)
        return dg_cli_usage_error(cli, "--customer ID is required");
    if (op == WRITE_EARN && a->order && a->customer)
        return dg_cli_usage_error(cli, "earn takes --order (its customer earns) or --customer "
                                       "with --points, not both");
    dg_error err;
    dg_error_clear(&err);
    dg_points_rules rules;
    if ((code = dg_cli_points_rules(cli, a->rules_path, &rules)) != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    char name[DG_AUDIT_NAME_MAX];
    dg_audit_actor actor;
    dg_audit_actor_cli(&actor, name);
    r.audit = &actor;   /* the movement and its audit entry commit together */
    dg_points_result res;
    int rc = op == WRITE_BURN ? dg_points_burn(store, &r, &res, &err)
           : op == WRITE_ADJUST ? dg_points_adjust(store, &rules, &r, &res, &err)
           : op == WRITE_REVERSE ? dg_points_reverse_order(store, &rules, &r, &res, &err)
           : a->order ? dg_points_earn_order(store, &rules, &r, &res, &err)
                      : dg_points_earn(store, &rules, &r, &res, &err);
    dg_store_close(store);
    return rc != 0 ? dg_cli_fail(cli, &err) : print_result(cli, &res);
}

static int expire(dg_cli *cli, const points_args *a)
{
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_points_expiry done;
    int rc = dg_points_expire(store, a->day, &done, &err);
    if (rc != 0) {
        dg_store_close(store);
        return dg_cli_fail(cli, &err);
    }
    code = done.lots ? dg_cli_audit(cli, store, DG_AUDIT_POINTS_EXPIRE, NULL, 0, NULL,
                                    json_pack("{s:{s:I,s:I}}", "after", "lots",
                                              (json_int_t)done.lots, "points",
                                              (json_int_t)done.points))
                     : DG_EXIT_OK;
    dg_store_close(store);
    if (code != DG_EXIT_OK)
        return code;
    dg_table *t = dg_table_new("Points expired");
    dg_table_add_column(t, "lots", DG_CELL_INT, 0);
    dg_table_add_column(t, "points", DG_CELL_INT, 0);
    dg_table_add_row(t);
    dg_table_set_int(t, 0, done.lots);
    dg_table_set_int(t, 1, done.points);
    code = dg_cli_print(cli, t);
    dg_table_free(t);
    return code;
}

typedef enum { READ_BALANCE, READ_STATEMENT, READ_LIABILITY } read_op;

static int report(dg_cli *cli, read_op op, const points_args *a)
{
    const char *customer = a->customer ? a->customer : a->positional;
    if (op == READ_STATEMENT && !customer)
        return dg_cli_usage_error(cli, "statement takes a customer id");
    int64_t top = 0;
    dg_error err;
    dg_error_clear(&err);
    if (a->top_text && dg_points_amount_parse(a->top_text, "--top", false, &top, &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
    dg_points_rules rules;
    int code = dg_cli_points_rules(cli, a->rules_path, &rules);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK)
        return code;
    dg_report rep = { 0 };
    int rc = op == READ_STATEMENT ? dg_report_points_statement(&rep, store, customer, &err)
           : op == READ_LIABILITY ? dg_report_points_liability(&rep, store, &rules, a->day, &err)
           : dg_report_points_balance(&rep, store, customer, a->day, (size_t)top, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    return code;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "earn", "burn", "adjust", "reverse", "expire",
                                               "balance", "statement", "liability" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    points_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    bool takes_positional = sub == 5 || sub == 6;
    if (a.positional && !takes_positional)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a.positional);
    switch (sub) {
    case 0: return write_movement(cli, WRITE_EARN, &a);
    case 1: return write_movement(cli, WRITE_BURN, &a);
    case 2: return write_movement(cli, WRITE_ADJUST, &a);
    case 3: return write_movement(cli, WRITE_REVERSE, &a);
    case 4: return expire(cli, &a);
    case 5: return report(cli, READ_BALANCE, &a);
    case 6: return report(cli, READ_STATEMENT, &a);
    default: return report(cli, READ_LIABILITY, &a);
    }
}

DG_CLI_COMMAND(points) = {
    "points", "the points ledger: earn, burn, adjust, reverse, expire, balances, liability",
    "usage: dangol [--db PATH] [--format table|csv|json] points SUBCOMMAND [OPTIONS]\n\n"
    "  earn --order ID [--multiplier PERMILLE]   the order's customer earns its points\n"
    "  earn --customer ID --points N --source coupon|campaign|manual [--source-id ID]\n"
    "  burn --customer ID --points N [--order ID]   spend points, earliest expiry first\n"
    "  adjust --customer ID --points [-]N --reason TEXT   a correction, either sign\n"
    "  reverse --order ID               take back a cancelled or returned order's earn\n"
    "  expire [--as-of DATE]            sweep the unburned rest of every lot expired on DATE\n"
    "  balance [ID] [--as-of DATE] [--top N]   one customer's balance, or the ranking\n"
    "  statement ID                     the customer's ledger with a running balance, and lots\n"
    "  liability [--as-of DATE]         outstanding points, value, ageing, expiring, breakage\n\n"
    "Common options:\n"
    "  --date DATE, --as-of DATE  day of the movement or report (default: today, UTC; an\n"
    "                             order's earn: the order's day)\n"
    "  --reason TEXT  --actor WHO  why and who, kept on the ledger row (actor default: system)\n"
    "  --idempotency-key KEY      the same key with the same request again writes nothing and\n"
    "                             shows the first result; with another request it is refused\n"
    "  --rules FILE               earning rules (config/points.conf; default: the built-in)\n\n"
    "Amounts are whole numbers from 1 to 1,000,000,000 (a bad one exits 2). Too few points,\n"
    "an order earned or reversed twice, or a reused key exit 1 and write nothing; an unknown\n"
    "customer or order exits 3. The rules and the reversal policy are in docs/points.md.\n",
    run,
};
