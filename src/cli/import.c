/* `dangol import ENTITY FILE...`: parses the options into dg_import_options, draws the progress
 * bar, prints the bad rows and the summary. The work is dg_import_files (src/ingest). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "dangol/audit.h"
#include "dangol/csv.h"
#include "dangol/ingest.h"

static int parse_delimiter(const char *s, char *out)
{
    static const struct { const char *name; char d; } names[] = {
        { ",", ',' }, { "comma", ',' }, { ";", ';' }, { "semicolon", ';' }, { "tab", '\t' },
        { "\t", '\t' }, { "\\t", '\t' }, { "|", '|' }, { "pipe", '|' },
        { "whitespace", DG_CSV_WHITESPACE }, { "space", DG_CSV_WHITESPACE },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].d;
            return 0;
        }
    return -1;
}

/* --encoding is checked before any file is opened, by setting up a reader of no bytes with it. */
static int check_encoding(const dg_cli *cli, const char *encoding)
{
    dg_csv_options copt = { ',', encoding };
    dg_csv *probe = NULL;
    dg_error err;
    int rc = dg_csv_open_mem(&probe, "--encoding", "", 0, &copt, &err);
    dg_csv_close(probe);
    if (rc == DG_EINVAL)
        return dg_cli_usage_error(cli, "%s", err.message);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

/* Before the store is opened: the options that need no file (a bad --map is a usage error), and
 * the files written, the store and every quarantine file, none of which may be an input or
 * (for a quarantine) the store. */
static int check_files(const dg_cli *cli, const dg_entity *e, const dg_import_options *opt,
                       const char *const *files, size_t n_files)
{
    dg_error err;
    dg_error_clear(&err);
    if (dg_import_options_check(e, opt, &err) != 0)
        return dg_cli_usage_error(cli, "%s", err.message);
    int code = dg_cli_check_inputs(cli, files, n_files);
    char quarantine[sizeof ((dg_import_report *)0)->quarantine];
    for (size_t i = 0; i < n_files && opt->skip_invalid && code == DG_EXIT_OK; i++) {
        dg_import_quarantine_path(opt, files[i], quarantine, sizeof quarantine);
        code = dg_cli_check_output(cli, opt->quarantine ? "--quarantine"
                                                        : "the default quarantine file",
                                   quarantine, files, n_files);
    }
    return code;
}

typedef struct bar {
    int last_percent;
    bool drawn;
} bar;

static void draw(void *ctx, double fraction, int64_t rows)
{
    bar *b = ctx;
    int percent = fraction < 0 ? -1 : (int)(fraction * 100.0);
    if (percent == b->last_percent && fraction < 1.0)
        return;
    b->last_percent = percent;
    b->drawn = true;
    if (percent < 0) {
        fprintf(stderr, "\rimporting: %lld rows", (long long)rows);
    } else {
        char cells[31];
        int filled = percent * 30 / 100;
        for (int i = 0; i < 30; i++)
            cells[i] = i < filled ? '#' : '.';
        cells[30] = '\0';
        fprintf(stderr, "\r[%s] %3d%%  %lld rows", cells, percent, (long long)rows);
    }
    fflush(stderr);
}

static int print_summary(const dg_cli *cli, const dg_import_report *r, const char *entity)
{
    dg_table *t = dg_table_new(NULL);
    int code = DG_EXIT_FAILURE;
    if (!t || dg_table_add_column(t, "entity", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "rows_read", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "imported", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "rejected", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "customers_created", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "quarantine", DG_CELL_TEXT, 0) || dg_table_add_row(t) ||
        dg_table_set_text(t, 0, entity))
        goto cleanup;
    dg_table_set_int(t, 1, r->rows_read);
    dg_table_set_int(t, 2, r->rows_imported);
    dg_table_set_int(t, 3, r->rows_rejected);
    dg_table_set_int(t, 4, r->customers_created);
    if (r->quarantine[0] && dg_table_set_text(t, 5, r->quarantine))
        goto cleanup;
    code = dg_cli_print(cli, t);
cleanup:
    dg_table_free(t);
    return code;
}

/* The import's audit entry, after it committed: the entity, the files and the counts (a bulk
 * write names no customer one by one; the files say which). */
static int audit_import(dg_cli *cli, dg_store *store, const char *entity,
                        const char *const *files, size_t n_files, const dg_import_report *r)
{
    json_t *names = json_array();
    for (size_t i = 0; names && i < n_files; i++)
        json_array_append_new(names, json_string(files[i]));
    return dg_cli_audit(cli, store, DG_AUDIT_IMPORT, NULL, 0, NULL,
                        json_pack("{s:s, s:o, s:I, s:I, s:I}", "entity", entity, "files", names,
                                  "imported", (json_int_t)r->rows_imported, "rejected",
                                  (json_int_t)r->rows_rejected, "customers_created",
                                  (json_int_t)r->customers_created));
}

static int run(dg_cli *cli, int argc, char **argv)
{
    enum { O_DELIM = 1, O_ENC, O_NOHDR, O_COLS, O_MAP, O_CREATE, O_SKIP, O_QUAR, O_MAXERR };
    static const struct option options[] = {
        { "delimiter", required_argument, NULL, O_DELIM },
        { "encoding", required_argument, NULL, O_ENC },
        { "no-header", no_argument, NULL, O_NOHDR },
        { "columns", required_argument, NULL, O_COLS },
        { "map", required_argument, NULL, O_MAP },
        { "create-customers", no_argument, NULL, O_CREATE },
        { "skip-invalid", no_argument, NULL, O_SKIP },
        { "quarantine", required_argument, NULL, O_QUAR },
        { "max-errors", required_argument, NULL, O_MAXERR },
        { 0 },
    };
    dg_import_options opt = { .delimiter = ',' };
    int o;
    while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (o) {
        case O_DELIM:
            if (parse_delimiter(optarg, &opt.delimiter) != 0)
                return dg_cli_usage_error(cli, "unknown delimiter \"%s\"; valid: , ; tab | "
                                          "whitespace", optarg);
            break;
        case O_ENC:    opt.encoding = optarg; break;
        case O_NOHDR:  opt.no_header = true; break;
        case O_COLS:   opt.columns = optarg; break;
        case O_MAP:    opt.map = optarg; break;
        case O_CREATE: opt.create_customers = true; break;
        case O_SKIP:   opt.skip_invalid = true; break;
        case O_QUAR:   opt.quarantine = optarg; break;
        case O_MAXERR: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1)
                return dg_cli_usage_error(cli, "--max-errors takes a positive number");
            opt.max_errors = (size_t)n;
            break;
        }
        default:
            return dg_cli_usage_error(cli, "unknown option %s", argv[optind - 1]);
        }
    }
    if (argc - optind < 2)
        return dg_cli_usage_error(cli, "needs an entity and at least one file");
    const dg_entity *e = dg_entity_find(argv[optind]);
    if (!e) {
        size_t n;
        const dg_entity *const *all = dg_entity_all(&n);
        fprintf(stderr, "%s import: unknown entity \"%s\"; valid:", cli->program, argv[optind]);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s %s", i ? "," : "", all[i]->name);
        fputc('\n', stderr);
        return DG_EXIT_USAGE;
    }
    if (opt.no_header && !opt.columns)
        return dg_cli_usage_error(cli, "--no-header needs --columns naming the file's columns");
    int checked = opt.encoding ? check_encoding(cli, opt.encoding) : DG_EXIT_OK;
    if (checked != DG_EXIT_OK)
        return checked;
    const char *const *files = (const char *const *)argv + optind + 1;
    size_t n_files = (size_t)(argc - optind - 1);
    if ((checked = check_files(cli, e, &opt, files, n_files)) != DG_EXIT_OK)
        return checked;

    bar b = { .last_percent = -2 };
    if (!cli->quiet && isatty(STDERR_FILENO)) {
        opt.progress = draw;
        opt.progress_ctx = &b;
    }
    dg_store *store;
    int opened = dg_cli_open_store(cli, 0, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    dg_import_report report;
    dg_error err;
    int rc = dg_import_files(store, e, files, n_files, &opt, &report, &err);
    int audited = rc == 0 && report.rows_imported > 0
                      ? audit_import(cli, store, e->name, files, n_files, &report) : DG_EXIT_OK;
    dg_store_close(store);
    if (b.drawn)
        fputc('\n', stderr);
    int code;
    for (size_t i = 0; i < report.n_errors; i++)
        fprintf(stderr, "%s\n", report.errors[i]);
    if ((int64_t)report.n_errors < report.rows_rejected)
        fprintf(stderr, "... and %lld more bad rows\n",
                (long long)(report.rows_rejected - (int64_t)report.n_errors));
    if (rc != 0 && report.stopped) {
        code = dg_cli_fail(cli, &err);
        if (report.rows_rejected > 0)
            fprintf(stderr, "%s import: nothing imported (and %lld bad row%s above)\n",
                    cli->program, (long long)report.rows_rejected,
                    report.rows_rejected == 1 ? "" : "s");
    } else if (rc != 0) {
        fprintf(stderr, "%s import: nothing imported: %lld bad row%s; fix %s%s\n", cli->program,
                (long long)report.rows_rejected, report.rows_rejected == 1 ? "" : "s",
                report.rows_rejected == 1 ? "it" : "them",
                opt.skip_invalid ? "" : " or import the good rows with --skip-invalid");
        code = DG_EXIT_DATA;
    } else {
        if (report.rows_rejected > 0 && !cli->quiet)
            fprintf(stderr, "%s import: %lld bad row%s written to %s\n", cli->program,
                    (long long)report.rows_rejected, report.rows_rejected == 1 ? "" : "s",
                    report.quarantine);
        code = cli->quiet ? DG_EXIT_OK : print_summary(cli, &report, e->name);
    }
    dg_import_report_clear(&report);
    return code != DG_EXIT_OK ? code : audited;
}

DG_CLI_COMMAND(import) = {
    "import", "import customers, orders, ... from CSV files",
    "usage: dangol [--db PATH] import ENTITY FILE... [options]\n\n"
    "Imports the rows of the CSV files into ENTITY (staff, customers, products, orders,\n"
    "order_lines, feedback, surveys, interactions, referrals, partner_activities,\n"
    "marketing_spend) in one\n"
    "transaction: every row is imported, or none. Bad rows are listed as file:line:column: reason.\n"
    "Importing the same file again changes nothing (records are matched by their id).\n\n"
    "options:\n"
    "  --delimiter D       , (default) ; tab | or whitespace (runs of blanks, as in log files)\n"
    "  --encoding E        utf-8 (default; a BOM is fine) or cp949/euc-kr (Korean Excel)\n"
    "  --no-header         the first row is data (needs --columns)\n"
    "  --columns A,B,-,C   the file's columns in order; - ignores a column\n"
    "  --map \"F=COL,...\"   rename file columns to dangol's (고객번호=customer_id); F=- ignores F\n"
    "  --create-customers  create customers that rows refer to but the store does not know\n"
    "  --skip-invalid      import the good rows; write the bad ones with a reason column to the\n"
    "                      quarantine file\n"
    "  --quarantine PATH   where --skip-invalid writes bad rows (default FILE.rejected.csv)\n"
    "  --max-errors N      bad rows to list (default 20; all are counted)\n\n"
    "Orders without an order_id column get CUSTOMER/YYYYMMDD/N (N-th order of that customer at\n"
    "that time in the files), so re-importing stays idempotent; the quarantine keeps each bad\n"
    "row's id. See docs/import.md.\n\n"
    "example (the CDNOW log):\n"
    "  dangol init --currency USD\n"
    "  dangol import orders CDNOW_sample.txt --delimiter whitespace --no-header \\\n"
    "      --columns customer_id,-,ordered_at,units,total --create-customers\n\n"
    "exit status: 0 imported, 1 bad rows (nothing imported), 2 usage, 3 no such file or store,\n"
    "4 store or I/O error\n",
    run,
};
