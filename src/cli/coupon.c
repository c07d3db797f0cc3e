/* `dangol coupon`: coupon definitions, codes issued to customers, redemptions against orders,
 * voids, and the reports (list, show, rates). Every write is one operation of the library
 * (dangol/coupon.h); every report comes from the report layer, as the API shows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/coupon.h"
#include "dangol/id.h"

typedef struct coupon_args {
    const char *order, *actor, *key, *reason, *name, *campaign, *audience, *definition, *by;
    const char *amount, *percent, *cap, *min_spend, *per_customer, *total_limit, *file;
    const char *from_text, *until_text;
    dg_cli_list customers;      /* --customer, in order */
    bool first_purchase;
    const char *positional;
} coupon_args;

static int parse_args(dg_cli *cli, int argc, char **argv, coupon_args *a)
{
    const dg_cli_option options[] = {
        dg_cli_text("order", &a->order),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("idempotency-key", &a->key),
        dg_cli_text("reason", &a->reason),
        dg_cli_text("name", &a->name),
        dg_cli_text("campaign", &a->campaign),
        dg_cli_text("audience", &a->audience),
        dg_cli_text("definition", &a->definition),
        dg_cli_text("by", &a->by),
        dg_cli_text("amount", &a->amount),
        dg_cli_text("percent", &a->percent),
        dg_cli_text("cap", &a->cap),
        dg_cli_text("min-spend", &a->min_spend),
        dg_cli_text("per-customer", &a->per_customer),
        dg_cli_text("total-limit", &a->total_limit),
        dg_cli_text("customers", &a->file),
        dg_cli_text("from", &a->from_text),
        dg_cli_text("until", &a->until_text),
        dg_cli_list_of("customer", &a->customers),
        dg_cli_flag("first-purchase", &a->first_purchase),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), &a->positional, 1);
}

/* A usage error carrying err's message. */
static int bad_value(dg_cli *cli, const dg_error *err)
{
    return dg_cli_usage_error(cli, "%s", err->message);
}

/* The definition from the options; the store is open for the currency's digits. */
static int build_definition(dg_cli *cli, dg_store *store, const coupon_args *a,
                            dg_coupon_definition *d)
{
    dg_error err;
    dg_error_clear(&err);
    char currency[4];
    int digits = 0, code;
    dg_coupon_definition_init(d);
    d->definition_id = a->positional;
    d->name = a->name;
    d->campaign_id = a->campaign;
    if (!a->positional)
        return dg_cli_usage_error(cli, "define takes the new definition's id");
    if (!a->amount == !a->percent)
        return dg_cli_usage_error(cli, "give --amount X (a fixed discount) or --percent P, one "
                                       "of them");
    if (a->cap && !a->percent)
        return dg_cli_usage_error(cli, "--cap goes with --percent");
    if (dg_store_currency(store, currency, &digits, &err) != 0)
        return dg_cli_fail(cli, &err);
    d->kind = a->amount ? DG_COUPON_FIXED : DG_COUPON_PERCENT;
    if ((a->amount && dg_coupon_money_parse(a->amount, "--amount", digits, false, &d->amount,
                                            &err)) ||
        (a->percent && dg_coupon_percent_parse(a->percent, &d->percent_bp, &err)) ||
        (a->cap && dg_coupon_money_parse(a->cap, "--cap", digits, false, &d->cap, &err)) ||
        (a->min_spend && dg_coupon_money_parse(a->min_spend, "--min-spend", digits, true,
                                               &d->min_spend, &err)) ||
        (a->per_customer && dg_coupon_count_parse(a->per_customer, "--per-customer",
                                                  &d->per_customer_limit, &err)) ||
        (a->total_limit && dg_coupon_count_parse(a->total_limit, "--total-limit",
                                                 &d->total_limit, &err)) ||
        (a->audience && dg_coupon_audience_parse(a->audience, &d->audience, &err)))
        return bad_value(cli, &err);
    if (a->first_purchase)
        d->audience = DG_COUPON_FIRST_PURCHASE;
    if ((a->from_text && (code = dg_cli_parse_day(cli, "--from", a->from_text,
                                                  &d->valid_from)) != DG_EXIT_OK) ||
        (a->until_text && (code = dg_cli_parse_day(cli, "--until", a->until_text,
                                                   &d->valid_until)) != DG_EXIT_OK))
        return code;
    if (dg_coupon_definition_check(d, &err) != 0)
        return bad_value(cli, &err);
    return DG_EXIT_OK;
}

static int print_done(dg_cli *cli, const char *what, const char *target, bool replayed)
{
    static const char *const columns[] = { "result", "target", "replayed" };
    dg_table *t = dg_cli_table("Coupon", columns, NULL, 3);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, what);
        dg_table_set_text(t, 1, target);
        dg_table_set_text(t, 2, replayed ? "yes" : "no");
        if (replayed)
            dg_table_add_note(t, "this idempotency key was used before: nothing was written");
    }
    return dg_cli_print_free(cli, t);
}

/* A write's who: --actor on the rows, the OS user in the audit trail. */
typedef struct writer {
    dg_coupon_write w;
    dg_audit_actor audit;
    char name[DG_AUDIT_NAME_MAX];
} writer;

static const dg_coupon_write *writer_init(writer *wr, const coupon_args *a, const char *reason)
{
    dg_audit_actor_cli(&wr->audit, wr->name);
    wr->w = (dg_coupon_write){ .actor = a->actor, .reason = reason, .audit = &wr->audit,
                               .idempotency_key = a->key };
    return &wr->w;
}

static int define(dg_cli *cli, const coupon_args *a)
{
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    dg_coupon_definition d;
    if ((code = build_definition(cli, store, a, &d)) != DG_EXIT_OK) {
        dg_store_close(store);
        return code;
    }
    dg_error err;
    dg_error_clear(&err);
    writer w;
    bool replayed;
    int rc = dg_coupon_define(&replayed, store, &d, writer_init(&w, a, NULL), &err);
    dg_store_close(store);
    return rc != 0 ? dg_cli_fail(cli, &err) : print_done(cli, "defined", d.definition_id,
                                                         replayed);
}

/* The customer ids of --customers FILE (one a line; blank lines and # comments skipped) after
 * those of --customer, into *list (malloc'd, with the file's text in *text). */
static int read_customers(dg_cli *cli, const coupon_args *a, const char ***list, size_t *n,
                          char **text)
{
    *list = NULL;
    *n = 0;
    *text = NULL;
    size_t len = 0, cap = a->customers.n + 1;
    if (a->file) {
        FILE *f = strcmp(a->file, "-") == 0 ? stdin : fopen(a->file, "rb");
        if (!f) {
            fprintf(stderr, "%s %s: cannot open %s\n", cli->program, cli->command, a->file);
            return DG_EXIT_NOTFOUND;
        }
        size_t got, room = 0;
        char buf[8192];
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
            if (len + got + 1 > room) {
                room = (len + got + 1) * 2;
                char *grown = realloc(*text, room);
                if (!grown)
                    break;
                *text = grown;
            }
            memcpy(*text + len, buf, got);
            len += got;
        }
        if (f != stdin)
            fclose(f);
        if (!*text && !(*text = calloc(1, 1)))
            return dg_cli_usage_error(cli, "out of memory");
        (*text)[len] = '\0';
        for (size_t i = 0; i < len; i++)
            cap += (*text)[i] == '\n';
    }
    if (!(*list = malloc(cap * sizeof **list)))
        return dg_cli_usage_error(cli, "out of memory");
    for (size_t i = 0; i < a->customers.n; i++)
        (*list)[(*n)++] = a->customers.items[i];
    size_t line = 0;
    for (char *p = *text, *next; p && *p; p = next) {
        line++;
        next = strchr(p, '\n');
        next = next ? (*next = '\0', next + 1) : p + strlen(p);
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r')
            p[--l] = '\0';
        if (l == 0 || p[0] == '#')
            continue;
        dg_error err;
        dg_error_clear(&err);
        if (dg_id_check("customer_id", p, l, &err) != 0)
            return dg_cli_usage_error(cli, "%s:%zu: %s", a->file, line, err.message);
        (*list)[(*n)++] = p;
    }
    return DG_EXIT_OK;
}

static int issue(dg_cli *cli, const coupon_args *a)
{
    if (!a->positional)
        return dg_cli_usage_error(cli, "issue takes a coupon definition id");
    if (!a->customers.n && !a->file)
        return dg_cli_usage_error(cli, "give the customers: --customer ID (repeatable) or "
                                       "--customers FILE");
    const char **list;
    size_t n;
    char *text;
    int code = read_customers(cli, a, &list, &n, &text);
    dg_store *store = NULL;
    if (code == DG_EXIT_OK && n == 0)
        code = dg_cli_usage_error(cli, "%s lists no customer", a->file);
    if (code == DG_EXIT_OK)
        code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK) {
        free(list);
        free(text);
        return code;
    }
    dg_error err;
    dg_error_clear(&err);
    writer w;
    dg_coupon_issued *codes;
    size_t n_codes;
    bool replayed;
    int rc = dg_coupon_issue(&codes, &n_codes, &replayed, store, a->positional, list, n, writer_init(&w, a, NULL),
                             &err);
    dg_store_close(store);
    free(list);
    free(text);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    static const char *const columns[] = { "customer_id", "code" };
    char title[320];
    snprintf(title, sizeof title, "Coupon codes of %s issued", a->positional);
    dg_table *t = dg_cli_table(title, columns, NULL, 2);
    for (size_t i = 0; t && i < n_codes; i++) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, codes[i].customer_id);
        dg_table_set_text(t, 1, codes[i].code);
    }
    if (t && replayed)
        dg_table_add_note(t, "this idempotency key was used before: the codes it issued are "
                             "shown and nothing was written");
    free(codes);
    return dg_cli_print_free(cli, t);
}

/* The canonical code of the positional argument; a mistyped one is a bad value (exit 2). */
static int code_arg(dg_cli *cli, const coupon_args *a, char code[DG_COUPON_CODE_LEN + 1])
{
    dg_error err;
    dg_error_clear(&err);
    if (!a->positional)
        return dg_cli_usage_error(cli, "give the coupon code");
    return dg_coupon_code_parse(code, a->positional, &err) != 0 ? bad_value(cli, &err)
                                                                 : DG_EXIT_OK;
}

static int redeem(dg_cli *cli, const coupon_args *a)
{
    char code[DG_COUPON_CODE_LEN + 1];
    int exit_code = code_arg(cli, a, code);
    if (exit_code != DG_EXIT_OK)
        return exit_code;
    if (!a->order)
        return dg_cli_usage_error(cli, "--order ID is required");
    dg_store *store;
    if ((exit_code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return exit_code;
    dg_error err;
    dg_error_clear(&err);
    writer w;
    dg_coupon_redemption r;
    char currency[4];
    int digits = 0;
    int rc = dg_store_currency(store, currency, &digits, &err);
    if (rc == 0)
        rc = dg_coupon_redeem(&r, store, code, a->order, writer_init(&w, a, NULL), &err);
    dg_store_close(store);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    static const char *const columns[] = { "redemption", "code", "definition_id", "customer_id",
                                           "order_id", "order_total", "discount", "redeemed_on",
                                           "replayed" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT,
                                          DG_CELL_TEXT, DG_CELL_MONEY, DG_CELL_MONEY,
                                          DG_CELL_DATE, DG_CELL_TEXT };
    dg_table *t = dg_table_new("Coupon redeemed");
    for (size_t i = 0; t && i < 9; i++)
        dg_table_add_column(t, columns[i], types[i], types[i] == DG_CELL_MONEY ? digits : 0);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, r.redemption_id);
        dg_table_set_text(t, 1, r.code);
        dg_table_set_text(t, 2, r.definition_id);
        dg_table_set_text(t, 3, r.customer_id);
        dg_table_set_text(t, 4, r.order_id);
        dg_table_set_int(t, 5, r.order_total);
        dg_table_set_int(t, 6, r.discount);
        dg_table_set_int(t, 7, r.redeemed_on);
        dg_table_set_text(t, 8, r.replayed ? "yes" : "no");
        if (r.replayed)
            dg_table_add_note(t, "this idempotency key was used before: its first result is "
                                 "shown and nothing was written");
    }
    return dg_cli_print_free(cli, t);
}

static int void_coupon(dg_cli *cli, const coupon_args *a)
{
    char code[DG_COUPON_CODE_LEN + 1];
    int exit_code;
    if (a->definition && a->positional)
        return dg_cli_usage_error(cli, "void takes a code or --definition ID, not both");
    if (!a->definition && (exit_code = code_arg(cli, a, code)) != DG_EXIT_OK)
        return exit_code;
    dg_store *store;
    if ((exit_code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return exit_code;
    dg_error err;
    dg_error_clear(&err);
    writer w;
    bool replayed;
    const char *target = a->definition ? a->definition : code;
    int rc = dg_coupon_void(&replayed, store, target, a->definition != NULL, writer_init(&w, a, a->reason), &err);
    dg_store_close(store);
    return rc != 0 ? dg_cli_fail(cli, &err) : print_done(cli, "voided", target, replayed);
}

typedef enum { READ_LIST, READ_SHOW, READ_RATES } read_op;

static int report(dg_cli *cli, read_op op, const coupon_args *a)
{
    char code[DG_COUPON_CODE_LEN + 1];
    bool by_campaign = false;
    dg_error err;
    dg_error_clear(&err);
    int exit_code = DG_EXIT_OK;
    if (op == READ_SHOW && (exit_code = code_arg(cli, a, code)) != DG_EXIT_OK)
        return exit_code;
    if (op != READ_SHOW && a->positional)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a->positional);
    if (op == READ_RATES && dg_coupon_rates_by_parse(a->by, &by_campaign, &err) != 0)
        return bad_value(cli, &err);
    dg_store *store;
    if ((exit_code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK)
        return exit_code;
    dg_report rep = { 0 };
    int rc = op == READ_SHOW ? dg_report_coupon_show(&rep, store, code, &err)
           : op == READ_RATES ? dg_report_coupon_rates(&rep, store, by_campaign, &err)
                              : dg_report_coupon_list(&rep, store, a->definition, &err);
    exit_code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    return exit_code;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "define", "issue", "redeem", "void", "list",
                                               "show", "rates" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    coupon_args a;
    memset(&a, 0, sizeof a);
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code == DG_EXIT_OK) {
        switch (sub) {
        case 0: code = define(cli, &a); break;
        case 1: code = issue(cli, &a); break;
        case 2: code = redeem(cli, &a); break;
        case 3: code = void_coupon(cli, &a); break;
        case 4: code = report(cli, READ_LIST, &a); break;
        case 5: code = report(cli, READ_SHOW, &a); break;
        default: code = report(cli, READ_RATES, &a); break;
        }
    }
    free(a.customers.items);
    return code;
}

DG_CLI_COMMAND(coupon) = {
    "coupon", "coupons: define, issue codes, redeem on orders, void, list, rates",
    "usage: dangol [--db PATH] [--format table|csv|json] coupon SUBCOMMAND [OPTIONS]\n\n"
    "  define ID (--amount X | --percent P [--cap X]) [--min-spend X] [--from DATE]\n"
    "         [--until DATE] [--per-customer N] [--total-limit N] [--campaign ID]\n"
    "         [--first-purchase | --audience any|first_purchase] [--name TEXT]\n"
    "                                   a new coupon definition (amounts in the store currency;\n"
    "                                   percent: more than 0, at most 100, 2 decimals)\n"
    "  issue ID (--customer CID ... | --customers FILE)\n"
    "                                   one new code of definition ID to each customer (FILE:\n"
    "                                   one id a line, # comments; - reads stdin); all or none\n"
    "  redeem CODE --order OID          use a code on an order of its customer: prints the\n"
    "                                   discount and writes one redemption row\n"
    "  void CODE | void --definition ID [--reason TEXT]\n"
    "                                   a code, or every unredeemed code of a definition\n"
    "  list [--definition ID]           the definitions with state and counts, or one's codes\n"
    "  show CODE                        a code, its state and redemption, and its definition\n"
    "  rates [--by coupon|campaign]     issued, redeemed, redemption rate with a 95% Wilson\n"
    "                                   interval, discount given, revenue of redeeming orders\n\n"
    "Common options:\n"
    "  --actor WHO                 who, kept on the rows written (default: system)\n"
    "  --idempotency-key KEY       the same key with the same request again writes nothing and\n"
    "                              shows the first result; with another request it is refused\n\n"
    "Codes have 11 symbols of 23456789ABCDEFGHJKMNPQRSTUVWXYZ (no 0, O, 1, I, L); case, spaces\n"
    "and hyphens are ignored. A mistyped code (a wrong symbol, a swap, a wrong length) exits 2\n"
    "and says so; a well-formed code never issued, an unknown order, customer or definition\n"
    "exit 3. A code redeemed already (also by a concurrent redemption), a limit reached, a\n"
    "voided coupon, an order outside the validity window or below the minimum spend, an id\n"
    "defined twice or a reused key exit 1. Bad values exit 2. Refused writes write nothing.\n"
    "The rules, the rounding of percents and the states are in docs/coupons.md.\n",
    run,
};
