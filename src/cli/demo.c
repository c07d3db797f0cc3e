/* `dangol demo`: fills a new store (and/or a CSV directory) with the deterministic demo business
 * of src/demo/demo.c, draws progress on stderr when it is a terminal, and prints the row counts.
 * The work is dg_demo_generate. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dangol/cvalue_io.h"
#include "dangol/demo.h"
#include "dangol/text.h"

/* The bar of the demo: ctx is the number of customers to generate. */
static void draw(void *ctx, double fraction, int64_t done)
{
    int64_t total = *(const int64_t *)ctx;
    int width = 30, filled = (int)(width * fraction);
    fprintf(stderr, "\rdemo [%.*s%*s] %lld/%lld customers", filled,
            "##############################", width - filled, "", (long long)done,
            (long long)total);
    if (done == total)
        fputc('\n', stderr);
}

static int parse_count(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* --csv DIR writes DIR/ENTITY.csv for every entity: none of them may be the store. */
static int check_csv_dir(const dg_cli *cli, const char *dir)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int code = DG_EXIT_OK;
    for (size_t i = 0; i < n && code == DG_EXIT_OK; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s.csv", dir, all[i]->name);
        code = dg_cli_check_output(cli, "--csv", path, NULL, 0);
    }
    return code;
}

/* The demo campaigns' true effects, for checking `dangol campaign results` against them. */
static int print_truth(dg_cli *cli, const dg_demo_campaign_truth *truth)
{
    static const char *const cols[] = { "campaign", "effect", "members",
                                        "baseline_nonresponse", "true_rate_uplift",
                                        "extra_orders" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_INT, DG_CELL_REAL,
                                          DG_CELL_REAL, DG_CELL_INT };
    dg_table *t = dg_cli_table("Demo campaigns and their true effect", cols, types, 6);
    for (int k = 0; t && k < DG_DEMO_CAMPAIGNS; k++) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, truth[k].campaign_id);
        dg_table_set_real(t, 1, truth[k].effect);
        dg_table_set_int(t, 2, truth[k].members);
        dg_table_set_real(t, 3, truth[k].baseline_nonresponse);
        dg_table_set_real(t, 4, truth[k].true_rate_uplift);
        dg_table_set_int(t, 5, truth[k].extra_orders);
    }
    for (size_t c = 1; t && c < 5; c++)
        if (c != 2)
            dg_table_set_decimals(t, c, 4);
    if (cli->format == DG_FORMAT_TABLE)
        putchar('\n');
    return dg_cli_print_free(cli, t);
}

/* What the demo's loyalty programme wrote. */
static int print_loyalty(dg_cli *cli, const dg_demo_loyalty_counts *n)
{
    static const char *const cols[] = { "points_earns", "points_burns", "lots_expired",
                                        "tier_upgrades", "tier_downgrades" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_INT };
    dg_table *t = dg_cli_table("Demo loyalty programme", cols, types, 5);
    if (t) {
        dg_table_add_row(t);
        dg_table_set_int(t, 0, n->earns);
        dg_table_set_int(t, 1, n->burns);
        dg_table_set_int(t, 2, n->expired_lots);
        dg_table_set_int(t, 3, n->tier_upgrades);
        dg_table_set_int(t, 4, n->tier_downgrades);
    }
    if (cli->format == DG_FORMAT_TABLE)
        putchar('\n');
    return dg_cli_print_free(cli, t);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        { "customers", required_argument, NULL, 'n' }, { "seed", required_argument, NULL, 's' },
        { "csv", required_argument, NULL, 'c' },       { "as-of", required_argument, NULL, 'a' },
        { "no-lines", no_argument, NULL, 'L' },        { "no-store", no_argument, NULL, 'S' },
        { "value-survey", required_argument, NULL, 'V' },
        { "business", required_argument, NULL, 'b' },
        { "campaigns", no_argument, NULL, 'K' },
        { "loyalty", no_argument, NULL, 'T' },
        { "staff-surveys", no_argument, NULL, 'W' },
        { 0 } };
    int64_t value_responses = 0;
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    dg_demo_output out = { 0 };
    bool no_store = false, campaigns = false, loyalty = false;
    dg_demo_campaign_truth truth[DG_DEMO_CAMPAIGNS];
    dg_demo_loyalty_counts loyalty_counts;
    dg_error err;
    dg_error_clear(&err);
    int c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        int64_t v;
        switch (c) {
        case 'n':
            if (parse_count(optarg, &v) != 0 || v < 1 || v > DG_DEMO_MAX_CUSTOMERS)
                return dg_cli_usage_error(cli, "--customers must be a whole number 1..%d, not \"%s\"",
                                          DG_DEMO_MAX_CUSTOMERS, optarg);
            opt.n_customers = v;
            break;
        case 's':
            if (parse_count(optarg, &v) != 0 || v < 0)
                return dg_cli_usage_error(cli, "--seed must be a whole number >= 0, not \"%s\"", optarg);
            opt.seed = (uint64_t)v;
            break;
        case 'a':
            if (dg_date_parse(optarg, strlen(optarg), &opt.as_of_day, &err) != 0)
                return dg_cli_usage_error(cli, "--as-of: %s", err.message);
            break;
        case 'c': out.csv_dir = optarg; break;
        case 'L': opt.order_lines = false; break;
        case 'S': no_store = true; break;
        case 'V':
            if (parse_count(optarg, &v) != 0 || v < 1 || v > 10000000)
                return dg_cli_usage_error(cli, "--value-survey must be a whole number "
                                          "1..10000000, not \"%s\"", optarg);
            value_responses = v;
            break;
        case 'b':
            if (strcmp(optarg, "retail") == 0)
                opt.business = DG_DEMO_RETAIL;
            else if (strcmp(optarg, "clinic") == 0)
                opt.business = DG_DEMO_CLINIC;
            else
                return dg_cli_usage_error(cli, "--business \"%s\": valid: retail, clinic", optarg);
            break;
        case 'K': campaigns = true; break;
        case 'T': loyalty = true; break;
        case 'W': opt.staff_surveys = true; break;
        default:
            return dg_cli_usage_error(cli, "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
    if (no_store && !out.csv_dir)
        return dg_cli_usage_error(cli, "--no-store needs --csv DIR");
    if (no_store && value_responses)
        return dg_cli_usage_error(cli, "--value-survey writes to the store: not with --no-store");
    if (no_store && campaigns)
        return dg_cli_usage_error(cli, "--campaigns needs the store");
    if (no_store && loyalty)
        return dg_cli_usage_error(cli, "--loyalty needs the store");
    int opened = no_store || !out.csv_dir ? DG_EXIT_OK : check_csv_dir(cli, out.csv_dir);
    if (opened != DG_EXIT_OK)
        return opened;
    opened = no_store ? DG_EXIT_OK : dg_cli_open_store(cli, DG_STORE_CREATE, &out.store);
    if (opened != DG_EXIT_OK)
        return opened;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    dg_demo_counts counts;
    bool bar = !cli->quiet && isatty(STDERR_FILENO);
    int rc = dg_demo_generate(&out, &opt, bar ? draw : NULL, &opt.n_customers, &counts,
                              &err);
    if (rc == 0 && value_responses)   /* additive: the rows above are the same without it */
        rc = dg_cvalue_demo(out.store, opt.seed, (size_t)value_responses, &err);
    if (rc == 0 && loyalty)   /* before the campaigns: their extra orders are in no history */
        rc = dg_demo_loyalty(out.store, opt.seed, &loyalty_counts, &err);
    if (rc == 0 && campaigns)
        rc = dg_demo_campaigns(truth, out.store, opt.seed, &err);
    dg_demo_service_counts service = { 0 };
    bool desk = out.store && opt.business == DG_DEMO_CLINIC;
    if (rc == 0 && desk)
        rc = dg_demo_clinic_service(&service, out.store, &opt, &err);
    dg_store_close(out.store);
    if (rc != 0) {
        if (bar)
            fputc('\n', stderr);
        return dg_cli_fail(cli, &err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (cli->quiet)
        return DG_EXIT_OK;

    char title[1024], day[16];
    snprintf(title, sizeof title, "demo business (seed %llu, as of %s) written to %s%s%s in %.1f s",
             (unsigned long long)opt.seed, dg_date_format(opt.as_of_day, day),
             no_store ? "" : cli->db_name, !no_store && out.csv_dir ? " and " : "",
             out.csv_dir ? out.csv_dir : "", seconds);
    dg_table *t = dg_table_new(cli->format == DG_FORMAT_TABLE ? title : NULL);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    int exit_code = DG_EXIT_FAILURE;
    if (!t || dg_table_add_column(t, "entity", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "rows", DG_CELL_INT, 0))
        goto cleanup;
    for (size_t i = 0; i < n && i < DG_DEMO_MAX_ENTITIES; i++) {
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, all[i]->name))
            goto cleanup;
        dg_table_set_int(t, 1, counts.rows[i]);
    }
    /* the clinic's service desk, written through the ticket and follow-up services */
    const struct { const char *name; int64_t rows; } desk_rows[] = {
        { "tickets", service.tickets + service.recovery_tickets },
        { "tickets (service recovery)", service.recovery_tickets },
        { "tickets escalated", service.escalated },
        { "followup_tasks", service.followup_tasks },
        { "followup_tasks done", service.followups_done },
    };
    for (size_t i = 0; desk && i < sizeof desk_rows / sizeof desk_rows[0]; i++) {
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, desk_rows[i].name))
            goto cleanup;
        dg_table_set_int(t, 1, desk_rows[i].rows);
    }
    exit_code = dg_cli_print(cli, t);
    if (exit_code == DG_EXIT_OK && loyalty)
        exit_code = print_loyalty(cli, &loyalty_counts);
    if (exit_code == DG_EXIT_OK && campaigns)
        exit_code = print_truth(cli, truth);
cleanup:
    if (!t)
        fprintf(stderr, "dangol demo: out of memory\n");
    dg_table_free(t);
    return exit_code;
}

DG_CLI_COMMAND(demo) = {
    "demo", "create a realistic demo business (deterministic synthetic data)",
    "usage: dangol [--db PATH] demo [--customers N] [--seed S] [--as-of DATE] [--csv DIR]\n"
    "                               [--no-lines] [--no-store] [--business retail|clinic]\n"
    "                               [--value-survey N] [--loyalty] [--campaigns]\n"
    "                               [--staff-surveys]\n\n"
    "Generates a synthetic Korean retailer: staff, products, customers (some of them prospects),\n"
    "orders drawn from a BG/NBD process with Gamma-Gamma spend, order lines, feedback in Korean\n"
    "and English, surveys, touchpoint ratings, referrals and partner activities. The true\n"
    "parameters of the process are in docs/demo.md. The same options give the same data.\n\n"
    "  --customers N   customers to generate, prospects included (default 20000)\n"
    "  --seed S        random seed (default 1)\n"
    "  --as-of DATE    last day of the history, YYYY-MM-DD (default 2025-12-31); customers are\n"
    "                  acquired over the 730 days up to it\n"
    "  --csv DIR       also write one CSV per entity into DIR (DIR/customers.csv, ...), in the\n"
    "                  form `dangol import` reads\n"
    "  --no-lines      leave out the order lines (every other row stays the same)\n"
    "  --no-store      write only the CSV files, no store\n"
    "  --value-survey N  also write N customer value survey responses with known effects\n"
    "                  (docs/value.md; `dangol value drivers` recovers them)\n"
    "  --business clinic  a beauty clinic instead: customers, visits (each an order) that rate\n"
    "                  the moments of truth of the built-in cycle, with NPS; one moment fails\n"
    "                  often and drives detractors (docs/demo.md, docs/mot.md); its NPS\n"
    "                  answers are surveys too, and into a store its service desk is worked:\n"
    "                  VOC tickets (complaints mostly about that moment, inquiries,\n"
    "                  compliments; some late, reopened or escalated), a recovery ticket per\n"
    "                  detractor and the follow-up tasks with outcomes (docs/tickets.md)\n"
    "  --loyalty       also a loyalty programme over the whole history, through the tier\n"
    "                  and points services with the built-in rules: every order earns its\n"
    "                  points at its tier, some are paid with points, points expire monthly,\n"
    "                  tiers are evaluated quarterly (docs/demo.md); counts after the rows\n"
    "  --campaigns     also two launched campaigns with a control group and a known true\n"
    "                  effect (docs/demo.md), printed after the counts\n"
    "  --staff-surveys also staff satisfaction surveys: each site's work climate raises its\n"
    "                  staff's answers and its customers' survey answers, a known\n"
    "                  service-profit chain that `dangol staff chain` recovers (docs/staff.md)\n\n"
    "The store (--db, created if missing) must be empty. Progress is drawn on stderr when it is\n"
    "a terminal.\n",
    run,
};
